/**
 * @module catalog/system/reg-cast
 * The catalog's own types in casts. oid and the reg* types are int8 in Eddy, but `'t'::regclass`
 * looks the name up (at bind time for a constant, as PostgreSQL does) and `x::regclass::text`
 * prints the object's name: the reg* cast leaves a marked call node the text cast recognises.
 */
import { SqlState, UndefinedObjectError } from '../../common/errors.ts';
import { arrayOf, type SqlType, T } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { RegKind, SystemCatalogAccess } from '../../functions/catalog-system.ts';
import type { ScalarExpr } from '../../plan/scalar.ts';

const regKinds: Readonly<Record<string, RegKind>> = {
  regclass: 'regclass',
  regtype: 'regtype',
  regproc: 'regproc',
  regprocedure: 'regprocedure',
  regnamespace: 'regnamespace',
  regrole: 'regrole',
};

/** Call names whose int8 result is an oid of a known kind (the reg* casts and to_reg* functions). */
const oidProducers: Readonly<Record<string, RegKind>> = {
  ...regKinds,
  to_regclass: 'regclass',
  to_regtype: 'regtype',
  to_regproc: 'regproc',
  to_regprocedure: 'regprocedure',
  to_regnamespace: 'regnamespace',
  to_regrole: 'regrole',
};

/** Catalog type names and the Eddy type each is carried as. */
const catalogTypeNames: Readonly<Record<string, SqlType>> = {
  oid: T.int8,
  regclass: T.int8,
  regtype: T.int8,
  regproc: T.int8,
  regprocedure: T.int8,
  regnamespace: T.int8,
  regrole: T.int8,
  regoper: T.int8,
  regoperator: T.int8,
  regconfig: T.int8,
  regdictionary: T.int8,
  regcollation: T.int8,
  xid: T.int8,
  xid8: T.int8,
  cid: T.int8,
  oidvector: arrayOf(T.int8),
  int2vector: arrayOf(T.int2),
  pg_node_tree: T.text,
  aclitem: T.text,
  cstring: T.text,
};

/** The Eddy type of a catalog type name (`oid`, `regclass`, `int2vector`, …), if it is one. */
export function catalogTypeAlias(name: string): SqlType | undefined {
  return catalogTypeNames[name];
}

function notFound(kind: RegKind, name: string, position?: number): UndefinedObjectError {
  const details = { position };
  switch (kind) {
    case 'regclass':
      return new UndefinedObjectError(SqlState.undefinedTable, `relation "${name}" does not exist`, details);
    case 'regproc':
    case 'regprocedure':
      return new UndefinedObjectError(
        SqlState.undefinedFunction,
        `function "${name}" does not exist`,
        details,
      );
    case 'regnamespace':
      return new UndefinedObjectError(SqlState.undefinedObject, `schema "${name}" does not exist`, details);
    case 'regrole':
      return new UndefinedObjectError(SqlState.undefinedObject, `role "${name}" does not exist`, details);
    case 'regtype':
      return new UndefinedObjectError(SqlState.undefinedObject, `type "${name}" does not exist`, details);
  }
}

function oidCall(kind: RegKind, arg: ScalarExpr, impl: (v: Value) => Value): ScalarExpr {
  return { kind: 'call', name: kind, args: [arg], impl, strict: true, volatile: false, type: T.int8 };
}

const identity = (v: Value): Value => v;

/**
 * A cast the catalog gives meaning to: to a reg* type (a name lookup from text, the oid itself
 * from an integer), or of a reg* value to text (the object's name). Undefined: an ordinary cast.
 */
export function bindCatalogCast(
  targetName: string,
  target: SqlType,
  arg: ScalarExpr,
  access: SystemCatalogAccess | undefined,
  position?: number,
): ScalarExpr | undefined {
  if (!access) return undefined;
  const kind = regKinds[targetName];
  if (kind) return castToReg(kind, arg, access, position);
  if (target.id !== 'text' && target.id !== 'varchar') return undefined;
  const source = arg.kind === 'call' ? oidProducers[arg.name] : undefined;
  if (!source) return undefined;
  return {
    kind: 'call',
    name: `${source}out`,
    args: [arg],
    impl: (oid) => access.nameOf(source, oid as number) ?? String(oid),
    strict: true,
    volatile: false,
    type: target,
  };
}

function castToReg(
  kind: RegKind,
  arg: ScalarExpr,
  access: SystemCatalogAccess,
  position?: number,
): ScalarExpr | undefined {
  const t = arg.type.id;
  if (t === 'int2' || t === 'int4' || t === 'int8') return oidCall(kind, arg, identity);
  if (t !== 'unknown' && t !== 'text' && t !== 'varchar') return undefined;
  if (arg.kind === 'literal' && arg.paramIndex === undefined) {
    if (arg.value === null) return oidCall(kind, { kind: 'literal', value: null, type: T.int8 }, identity);
    const name = arg.value as string;
    const oid = access.lookupOid(kind, name);
    if (oid === null) throw notFound(kind, name, position);
    return oidCall(kind, { kind: 'literal', value: oid, type: T.int8 }, identity);
  }
  const typed: ScalarExpr = t === 'unknown' ? { ...arg, type: T.text } : arg;
  return oidCall(kind, typed, (name) => {
    const oid = access.lookupOid(kind, name as string);
    if (oid === null) throw notFound(kind, name as string);
    return oid;
  });
}
