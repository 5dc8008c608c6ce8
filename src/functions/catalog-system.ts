/**
 * @module functions/catalog-system
 * System information functions (version(), current_schema(), pg_get_*, format_type, has_*_privilege,
 * to_regclass, …) that clients and BI tools call while introspecting. Functions that need the
 * catalog reach it through `BindEnv.system` (set by the binder); without it they return NULL.
 * Eddy has one role (a superuser), so every privilege check is true and every object visible.
 */
import { SqlState, UndefinedObjectError } from '../common/errors.ts';
import { type SqlType, T, typeName, withoutTypmod } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { type ArgType, CatalogBuilder, type ScalarImpl } from './catalog-types.ts';

/** The reg* types: an oid that reads and prints as the name of a catalog object. */
export type RegKind = 'regclass' | 'regtype' | 'regproc' | 'regprocedure' | 'regnamespace' | 'regrole';

/** What system functions may ask of the catalog (implemented in catalog/system). */
export interface SystemCatalogAccess {
  /** The oid a name denotes (reg* input), or null when no such object exists. */
  lookupOid(kind: RegKind, name: string): number | null;
  /** The name of an object (reg* output), or null when no object has that oid. */
  nameOf(kind: RegKind, oid: number): string | null;
  /** format_type: a type's SQL name with its modifier; `???` for an unknown oid. */
  formatType(oid: number, typmod: number | null): string;
  /** pg_get_indexdef: the whole CREATE INDEX (column 0) or one key column's name. */
  indexDef(oid: number, column: number, pretty: boolean): string | null;
  viewDef(oid: number): string | null;
  constraintDef(oid: number): string | null;
  functionArguments(oid: number): string | null;
  functionResult(oid: number): string | null;
  /** current_setting: the session's value of a configuration parameter, or null if unknown. */
  setting(name: string): string | null;
  /** pg_backend_pid: the session's process id as its client knows it (BackendKeyData). */
  backendPid(): number;
  /** pg_cancel_backend: asks the session with that pid to cancel its statement; false when there is none. */
  cancelBackend(pid: number): boolean;
}

export const SERVER_VERSION = '15.0';
const EDDY_VERSION = '0.1.0';
const startedAt = Date.now() * 1000;

const { text, int4, int8, bool } = T;
const oid = int8;

/** A catalog-dependent function: `f` gets the access at bind time; without it the call is NULL. */
function withCatalog(
  c: CatalogBuilder,
  names: string | string[],
  args: ArgType[],
  returns: ArgType,
  f: (access: SystemCatalogAccess) => ScalarImpl,
): void {
  c.fn(names, {
    args,
    returns,
    strict: true,
    impl: () => null,
    bind: (_types, env) => {
      const access = env.system;
      return access ? f(access) : () => null;
    },
  });
}

function constant(
  c: CatalogBuilder,
  names: string | string[],
  args: ArgType[],
  returns: ArgType,
  value: Value,
): void {
  c.fn(names, { args, returns, strict: false, impl: () => value });
}

export function addSystemCatalog(c: CatalogBuilder): void {
  addSessionInformation(c);
  addPrivilegesAndVisibility(c);
  addObjectDefinitions(c);
  addRegLookups(c);
  addSizes(c);
}

/** The names registered here (their signatures carry oids as int8, so they differ from pg_proc's). */
export function systemFunctionNames(): ReadonlySet<string> {
  const c = new CatalogBuilder();
  addSystemCatalog(c);
  return new Set(Object.keys(c.functions));
}

function addSessionInformation(c: CatalogBuilder): void {
  constant(
    c,
    'version',
    [],
    text,
    `PostgreSQL ${SERVER_VERSION} (Eddy ${EDDY_VERSION}) on ${process.arch}-${process.platform}, compiled by Node.js ${process.version}, 64-bit`,
  );
  constant(c, 'current_database', [], text, 'eddy');
  constant(c, 'current_schema', [], text, 'public');
  c.strict('current_schemas', [bool], arrayOfText, (implicit) =>
    implicit ? ['pg_catalog', 'public'] : ['public'],
  );
  withCatalog(c, 'pg_backend_pid', [], int4, (s) => {
    const pid = s.backendPid();
    return () => pid;
  });
  // Volatile: it acts when it runs, never folded away at bind time.
  c.fn('pg_cancel_backend', {
    args: [int4],
    returns: bool,
    strict: true,
    volatile: true,
    impl: () => false,
    bind: (_types, env) => {
      const access = env.system;
      return access ? (pid) => access.cancelBackend(pid as number) : () => false;
    },
  });
  constant(c, 'pg_postmaster_start_time', [], T.timestamptz, startedAt);
  constant(c, 'pg_conf_load_time', [], T.timestamptz, startedAt);
  constant(c, 'pg_is_in_recovery', [], bool, false);
  constant(c, 'pg_my_temp_schema', [], oid, 0);
  constant(c, ['inet_server_addr', 'inet_client_addr'], [], text, null);
  constant(c, ['inet_server_port', 'inet_client_port'], [], int4, null);
  c.strict('pg_get_userbyid', [oid], text, (id) => (id === 10 ? 'eddy' : `unknown (OID=${id})`));
  c.strict('pg_encoding_to_char', [int4], text, (n) => encodings[n as number] ?? '');
  c.strict('pg_char_to_encoding', [text], int4, (name) => {
    const i = encodings.indexOf((name as string).toUpperCase());
    return i < 0 ? -1 : i;
  });
  const setting = (missingOk: boolean) => (access: SystemCatalogAccess) => (name: Value) => {
    const value = access.setting((name as string).toLowerCase());
    if (value === null && !missingOk) {
      throw new UndefinedObjectError(
        SqlState.undefinedObject,
        `unrecognized configuration parameter "${name}"`,
      );
    }
    return value;
  };
  withCatalog(c, 'current_setting', [text], text, setting(false));
  withCatalog(c, 'current_setting', [text, bool], text, setting(true));
  c.fn('pg_typeof', {
    args: [{ id: 'any' }],
    returns: text,
    strict: false,
    impl: () => null,
    bind: (types: readonly SqlType[]) => {
      // regtype output: the type without its modifier (varchar(5) is "character varying").
      const name = typeName(withoutTypmod(types[0]!));
      return () => name;
    },
  });
}

const arrayOfText: SqlType = { id: 'array', element: text };

/** PostgreSQL's encoding numbers for the two Eddy speaks of (UTF8 is the only one it uses). */
const encodings: string[] = ['SQL_ASCII', '', '', '', '', '', 'UTF8'];

function addPrivilegesAndVisibility(c: CatalogBuilder): void {
  const privilegeFunctions = [
    'has_table_privilege',
    'has_schema_privilege',
    'has_database_privilege',
    'has_function_privilege',
    'has_sequence_privilege',
    'has_any_column_privilege',
    'has_tablespace_privilege',
    'has_type_privilege',
    'has_language_privilege',
    'has_foreign_data_wrapper_privilege',
    'has_server_privilege',
    'pg_has_role',
  ];
  for (const object of [text, oid]) {
    constant(c, privilegeFunctions, [object, text], bool, true);
    for (const user of [text, oid]) constant(c, privilegeFunctions, [user, object, text], bool, true);
    for (const column of [text, T.int2]) {
      constant(c, 'has_column_privilege', [object, column, text], bool, true);
      for (const user of [text, oid])
        constant(c, 'has_column_privilege', [user, object, column, text], bool, true);
    }
  }
  const visible = [
    'pg_table_is_visible',
    'pg_type_is_visible',
    'pg_function_is_visible',
    'pg_operator_is_visible',
    'pg_opclass_is_visible',
    'pg_opfamily_is_visible',
    'pg_collation_is_visible',
    'pg_conversion_is_visible',
    'pg_statistics_obj_is_visible',
    'pg_ts_config_is_visible',
    'pg_ts_dict_is_visible',
    'pg_ts_parser_is_visible',
    'pg_ts_template_is_visible',
  ];
  c.strict(visible, [oid], bool, () => true);
  c.strict('pg_is_other_temp_schema', [oid], bool, () => false);
  c.strict('pg_relation_is_publishable', [oid], bool, () => false);
}

function addObjectDefinitions(c: CatalogBuilder): void {
  // Comments (COMMENT ON) are not supported: every description is NULL.
  constant(c, 'obj_description', [oid], text, null);
  constant(c, ['obj_description', 'shobj_description'], [oid, text], text, null);
  constant(c, 'col_description', [oid, int4], text, null);
  // Catalog expression columns hold their SQL text already (see pg_attrdef.adbin).
  c.strict('pg_get_expr', [text, oid], text, (expr) => expr);
  c.strict('pg_get_expr', [text, oid, bool], text, (expr) => expr);
  for (const args of [[oid], [oid, bool], [oid, int4]])
    withCatalog(c, 'pg_get_viewdef', args, text, (s) => (id) => s.viewDef(id as number));
  for (const args of [[text], [text, bool]]) {
    withCatalog(c, 'pg_get_viewdef', args, text, (s) => (name) => {
      const id = s.lookupOid('regclass', name as string);
      return id === null ? null : s.viewDef(id);
    });
  }
  withCatalog(c, 'pg_get_indexdef', [oid], text, (s) => (id) => s.indexDef(id as number, 0, false));
  withCatalog(
    c,
    'pg_get_indexdef',
    [oid, int4, bool],
    text,
    (s) => (id, column, pretty) => s.indexDef(id as number, column as number, pretty as boolean),
  );
  for (const args of [[oid], [oid, bool]])
    withCatalog(c, 'pg_get_constraintdef', args, text, (s) => (id) => s.constraintDef(id as number));
  withCatalog(
    c,
    ['pg_get_function_arguments', 'pg_get_function_identity_arguments'],
    [oid],
    text,
    (s) => (id) => s.functionArguments(id as number),
  );
  withCatalog(c, 'pg_get_function_result', [oid], text, (s) => (id) => s.functionResult(id as number));
  c.fn('format_type', {
    args: [oid, int4],
    returns: text,
    strict: false,
    impl: () => null,
    bind: (_types, env) => {
      const access = env.system;
      return (type, typmod) =>
        type === null || !access ? null : access.formatType(type as number, typmod as number | null);
    },
  });
  const noDefinition = [
    'pg_get_statisticsobjdef_columns',
    'pg_get_partkeydef',
    'pg_get_triggerdef',
    'pg_get_ruledef',
  ];
  constant(c, noDefinition, [oid], text, null);
  constant(c, noDefinition, [oid, bool], text, null);
  constant(c, 'pg_tablespace_location', [oid], text, '');
  constant(c, 'pg_get_serial_sequence', [text, text], text, null);
}

function addRegLookups(c: CatalogBuilder): void {
  const kinds: readonly [string, RegKind][] = [
    ['to_regclass', 'regclass'],
    ['to_regtype', 'regtype'],
    ['to_regproc', 'regproc'],
    ['to_regprocedure', 'regprocedure'],
    ['to_regnamespace', 'regnamespace'],
    ['to_regrole', 'regrole'],
  ];
  for (const [name, kind] of kinds)
    withCatalog(c, name, [text], oid, (s) => (value) => s.lookupOid(kind, value as string));
}

/** Sizes: Eddy keeps relations in memory and does not account bytes per relation; all are 0. */
function addSizes(c: CatalogBuilder): void {
  const sizeFunctions = [
    'pg_table_size',
    'pg_relation_size',
    'pg_total_relation_size',
    'pg_indexes_size',
    'pg_database_size',
  ];
  c.strict(sizeFunctions, [oid], int8, () => 0);
  c.strict('pg_relation_size', [oid, text], int8, () => 0);
  c.strict('pg_database_size', [text], int8, () => 0);
  c.strict('pg_size_pretty', [int8], text, (n) => sizePretty(Number(n)));
  c.strict('pg_size_pretty', [T.numeric], text, (n) => sizePretty(Number(String(n))));
}

const sizeUnits = ['kB', 'MB', 'GB', 'TB', 'PB'];

/**
 * PostgreSQL's pg_size_pretty: bytes below 10 kB, else the largest unit that keeps the number
 * under 20 480 halves, rounded half away from zero.
 */
export function sizePretty(bytes: number): string {
  if (Math.abs(bytes) < 10 * 1024) return `${bytes} bytes`;
  let halves = Math.floor(bytes / 512);
  let unit = 0;
  while (Math.abs(halves) >= 20 * 1024 - 1 && unit < sizeUnits.length - 1) {
    halves = Math.floor(halves / 1024);
    unit++;
  }
  const rounded = Math.trunc((halves + (halves < 0 ? -1 : 1)) / 2);
  return `${rounded} ${sizeUnits[unit]}`;
}
