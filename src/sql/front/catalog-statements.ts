/**
 * @module sql/front/catalog-statements
 * Eddy's small catalog statements: CREATE/ALTER SECRET, CREATE CONNECTION, DROP of Eddy objects, SHOW.
 * Each reader starts with the cursor after the words that chose it. Secret statements set `redact`
 * first, so no error they raise quotes the user's text, and their `text` has the value masked.
 */
import type {
  AlterSecretStatement,
  CreateConnectionStatement,
  CreateSecretStatement,
  DroppableKind,
  DropStatement,
  ObjectName,
  ShowableKind,
  ShowCreateKind,
  ShowCreateStatement,
  ShowObjectsStatement,
  WithOption,
} from './ast.ts';
import { ifNotExists, objectName, objectNames, stringConstant, withOptions } from './clauses.ts';
import { SECRET_MASK, SecretValue } from './secret-value.ts';
import type { StatementParser } from './statement-parser.ts';

interface SecretParts {
  readonly name: ObjectName;
  readonly with: WithOption[];
  readonly value: SecretValue;
  readonly text: string;
}

/** `name [WITH (…)] AS 'value'`, the common tail of CREATE and ALTER SECRET. */
function secretTail(p: StatementParser): SecretParts {
  const name = objectName(p);
  const withList = withOptions(p);
  p.expectWord('as');
  const t = p.peek();
  if (t === undefined || t.kind !== 'string') throw p.errorNear(p.pos);
  p.pos++;
  const value = new SecretValue(stringConstant(p, t));
  p.expectEnd();
  const text = `${p.text.slice(0, t.start)}'${SECRET_MASK}'${p.text.slice(t.end)}`;
  return { name, with: withList, value, text };
}

export function createSecret(p: StatementParser): CreateSecretStatement {
  p.redact = true;
  const exists = ifNotExists(p);
  const { name, with: withList, value, text } = secretTail(p);
  return { kind: 'createSecret', text, offset: p.offset, name, ifNotExists: exists, with: withList, value };
}

export function alterSecret(p: StatementParser): AlterSecretStatement {
  p.redact = true;
  const { name, with: withList, value, text } = secretTail(p);
  return { kind: 'alterSecret', text, offset: p.offset, name, with: withList, value };
}

export function createConnection(p: StatementParser): CreateConnectionStatement {
  const exists = ifNotExists(p);
  const name = objectName(p);
  if (!p.isWord('with')) throw p.errorNear(p.pos);
  const withList = withOptions(p);
  p.expectEnd();
  return {
    kind: 'createConnection',
    text: p.text,
    offset: p.offset,
    name,
    ifNotExists: exists,
    with: withList,
  };
}

const DROPPABLE: ReadonlyMap<string, DroppableKind> = new Map([
  ['secret', 'secret'],
  ['source', 'source'],
  ['sink', 'sink'],
  ['connection', 'connection'],
]);

/** DROP of an Eddy object kind; undefined (PostgreSQL's DROP) for any other. */
export function drop(p: StatementParser): DropStatement | undefined {
  const objectKind = DROPPABLE.get(p.peek()?.word ?? '');
  if (objectKind === undefined || p.peek()?.kind !== 'word') return undefined;
  p.pos++;
  const ifExists = p.acceptWords('if', 'exists');
  const names = objectNames(p);
  const cascade = p.acceptWord('cascade');
  if (!cascade) p.acceptWord('restrict');
  p.expectEnd();
  return { kind: 'drop', text: p.text, offset: p.offset, objectKind, names, ifExists, cascade };
}

const SHOWABLE: ReadonlyMap<string, ShowableKind> = new Map([
  ['sources', 'sources'],
  ['sinks', 'sinks'],
  ['connections', 'connections'],
  ['secrets', 'secrets'],
  ['tables', 'tables'],
  ['views', 'views'],
]);

const SHOW_CREATE: ReadonlyMap<string, ShowCreateKind> = new Map([
  ['table', 'table'],
  ['view', 'view'],
  ['source', 'source'],
  ['sink', 'sink'],
  ['connection', 'connection'],
]);

/**
 * SHOW of an Eddy object list or SHOW CREATE; undefined (PostgreSQL's SHOW of a setting) otherwise.
 * `SHOW TABLES` and the like are always Eddy's, so a setting cannot be named like an object list.
 */
export function show(p: StatementParser): ShowObjectsStatement | ShowCreateStatement | undefined {
  const t = p.peek();
  if (t?.kind !== 'word') return undefined;
  if (t.word === 'create') return showCreate(p);
  let objectKind = SHOWABLE.get(t.word);
  if (objectKind !== undefined) p.pos++;
  else if (p.acceptWords('materialized', 'views')) objectKind = 'materializedViews';
  else return undefined;
  const schema = p.acceptWord('from') || p.acceptWord('in') ? objectName(p) : undefined;
  let like: string | undefined;
  if (p.acceptWord('like')) {
    const pattern = p.peek();
    if (pattern?.kind !== 'string') throw p.errorNear(p.pos);
    p.pos++;
    like = stringConstant(p, pattern);
  }
  p.expectEnd();
  return { kind: 'showObjects', text: p.text, offset: p.offset, objectKind, schema, like };
}

function showCreate(p: StatementParser): ShowCreateStatement {
  p.pos++;
  let objectKind = SHOW_CREATE.get(p.peek()?.kind === 'word' ? (p.peek()?.word ?? '') : '');
  if (objectKind !== undefined) p.pos++;
  else if (p.acceptWords('materialized', 'view')) objectKind = 'materializedView';
  else throw p.errorNear(p.pos);
  const name = objectName(p);
  p.expectEnd();
  return { kind: 'showCreate', text: p.text, offset: p.offset, objectKind, name };
}
