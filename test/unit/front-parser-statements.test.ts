/**
 * @module test/unit/front-parser-statements
 * Every Eddy statement shape the front parser recognises, what it carries, and the errors (message and
 * position in the user's text) for mistakes both in Eddy's clauses and in the SQL embedded in them.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { EddyError } from '../../src/common/errors.ts';
import {
  type EddyStatement,
  type EddyStatementKind,
  loadParser,
  parseStatement,
  structIndexOf,
} from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

/** Parses `sql` (placed at `offset` in a script padded with spaces) and checks the statement kind. */
function parse<K extends EddyStatementKind>(
  kind: K,
  sql: string,
  offset = 0,
): Extract<EddyStatement, { kind: K }> {
  const statement = parseStatement(sql, offset);
  assert.equal(statement.kind, kind);
  return statement as Extract<EddyStatement, { kind: K }>;
}

/** Asserts a 42601 with `message` whose position points at `near` in `sql` (null: at the end). */
function expectError(sql: string, message: string, near: string | null, offset = 0): void {
  let error: unknown;
  try {
    parseStatement(sql, offset);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof EddyError, `no error for ${sql}`);
  assert.equal(error.code, '42601');
  assert.equal(error.message, message);
  assert.ok(error.position !== undefined);
  const at = error.position - 1 - offset;
  if (near === null) assert.equal(at, sql.length);
  else assert.equal(sql.slice(at, at + near.length), near, `position ${error.position} in ${sql}`);
}

describe('CREATE CONNECTION and options', () => {
  test('values: strings, numbers, booleans, identifiers, SECRET names; dotted keys', () => {
    const sql =
      "CREATE CONNECTION IF NOT EXISTS shop_db WITH (type = 'postgres', port = 5432, ratio = -1.5, ssl = true, mode = Strict, password = SECRET app.pg_password, schema.registry.url = 'x', flag)";
    const c = parse('createConnection', sql);
    assert.deepEqual(c.name, { name: 'shop_db', location: sql.indexOf('shop_db') });
    assert.equal(c.ifNotExists, true);
    const values = Object.fromEntries(c.with.map((o) => [o.key, o.value]));
    assert.deepEqual(values.type, { kind: 'string', value: 'postgres', location: sql.indexOf("'postgres'") });
    assert.deepEqual(values.port, { kind: 'number', value: '5432', location: sql.indexOf('5432') });
    assert.equal(values.ratio.kind === 'number' && values.ratio.value, '-1.5');
    assert.equal(values.ssl.kind === 'boolean' && values.ssl.value, true);
    assert.equal(values.mode.kind === 'identifier' && values.mode.value, 'strict');
    assert.deepEqual(values.password.kind === 'secret' && values.password.name, {
      schema: 'app',
      name: 'pg_password',
      location: sql.indexOf('app.pg_password'),
    });
    assert.equal(values['schema.registry.url'].kind, 'string');
    assert.deepEqual(values.flag, { kind: 'boolean', value: true, location: sql.indexOf('flag') });
  });

  test('errors in the option list', () => {
    expectError("CREATE CONNECTION c WITH (type = 'pg',)", 'syntax error at or near ")"', ')');
    expectError('CREATE CONNECTION c WITH (port = 54 32)', 'syntax error at or near "32"', '32');
    expectError('CREATE CONNECTION c WITH ()', 'syntax error at or near ")"', ')');
    expectError('CREATE CONNECTION c', 'syntax error at end of input', null);
    expectError("CREATE CONNECTION c WITH (host = 'h'", 'syntax error at end of input', null);
  });
});

describe('CREATE SOURCE', () => {
  const bids = `CREATE SOURCE IF NOT EXISTS bids (auction BIGINT, price NUMERIC(10, 2), date_time TIMESTAMP,
  WATERMARK FOR date_time AS date_time - INTERVAL '4 seconds', PRIMARY KEY (auction))
  WITH (connector = 'kafka', topic = 'bids', properties.bootstrap.server = 'localhost:9092')
  FORMAT UPSERT ENCODE AVRO (schema.registry = 'http://registry:8081')`;

  test('columns and constraints are PostgreSQL nodes; Eddy clauses are carried beside them', () => {
    const s = parse('createSource', bids, 100);
    assert.equal(s.ifNotExists, true);
    assert.deepEqual(s.name, { name: 'bids', location: 100 + bids.indexOf('bids') });
    const elements = s.table.tableElts ?? [];
    assert.deepEqual(
      elements.map((e) =>
        'ColumnDef' in e ? e.ColumnDef.colname : 'Constraint' in e ? e.Constraint.contype : '?',
      ),
      ['auction', 'price', 'date_time', 'CONSTR_PRIMARY'],
    );
    const price = elements[1];
    assert.ok('ColumnDef' in price);
    assert.equal(price.ColumnDef.location, 100 + bids.indexOf('price'));
    assert.equal(s.watermarks.length, 1);
    const [wm] = s.watermarks;
    assert.equal(wm.column, 'date_time');
    assert.equal(wm.location, 100 + bids.indexOf('WATERMARK'));
    assert.ok('A_Expr' in wm.expr);
    const minus = bids.indexOf("- INTERVAL '4");
    assert.equal(wm.expr.A_Expr.location, 100 + minus);
    assert.deepEqual(
      s.with.map((o) => o.key),
      ['connector', 'topic', 'properties.bootstrap.server'],
    );
    assert.equal(s.format?.format, 'upsert');
    assert.equal(s.format?.encode, 'avro');
    assert.deepEqual(s.format?.options[0].key, 'schema.registry');
  });

  test('without a column list (schema from the registry)', () => {
    const s = parse('createSource', "CREATE SOURCE s WITH (connector = 'kafka') FORMAT PLAIN ENCODE AVRO");
    assert.equal(s.table.tableElts, undefined);
    assert.equal(s.format?.encode, 'avro');
  });

  test('STRUCT<…> columns, nested and in arrays, via placeholders', () => {
    const sql = "CREATE SOURCE s (a STRUCT<b INT, c STRUCT<d TEXT>[]>, e INT) WITH (connector = 'k')";
    const s = parse('createSource', sql);
    const [a] = s.table.tableElts ?? [];
    assert.ok('ColumnDef' in a && a.ColumnDef.typeName !== undefined);
    const outer = s.structs[structIndexOf(a.ColumnDef.typeName) ?? -1];
    assert.deepEqual(
      outer.fields.map((f) => f.name),
      ['b', 'c'],
    );
    const c = outer.fields[1];
    assert.deepEqual(c.type.arrayBounds, [{ Integer: { ival: -1 } }]);
    const inner = s.structs[structIndexOf(c.type) ?? -1];
    assert.deepEqual(
      inner.fields.map((f) => f.name),
      ['d'],
    );
    assert.equal(inner.location, sql.indexOf('STRUCT<d'));
    assert.equal(structIndexOf(outer.fields[0].type), undefined);
  });

  test('FROM POSTGRES CONNECTION', () => {
    const sql =
      "CREATE SOURCE shop FROM POSTGRES CONNECTION shop_db (publication = 'eddy') FOR TABLES (orders, public.customers)";
    const s = parse('createPostgresSource', sql);
    assert.equal(s.connection.name, 'shop_db');
    assert.equal(s.options[0].key, 'publication');
    assert.deepEqual(s.tables, [
      { name: 'orders', location: sql.indexOf('orders') },
      { schema: 'public', name: 'customers', location: sql.indexOf('public.') },
    ]);
    assert.equal(
      parse('createPostgresSource', 'CREATE SOURCE s FROM POSTGRES CONNECTION c FOR ALL TABLES').tables,
      'all',
    );
  });

  test('errors in Eddy clauses', () => {
    const base = "CREATE SOURCE s (a INT) WITH (connector = 'k')";
    expectError(`${base} FORMAT PLAIN ENCODE XML`, 'syntax error at or near "XML"', 'XML');
    expectError(`${base} FORMAT PLAIN`, 'syntax error at end of input', null);
    expectError(`${base} FORMAT PLAIN ENCODE JSON extra`, 'syntax error at or near "extra"', 'extra');
    expectError(
      "CREATE SOURCE s (a INT, WATERMARK FOR AS a) WITH (connector = 'k')",
      'syntax error at or near "AS"',
      'AS',
    );
    expectError(
      "CREATE SOURCE s (a INT, WATERMARK FOR a a) WITH (connector = 'k')",
      'syntax error at or near "a"',
      'a)',
    );
    expectError(
      "CREATE SOURCE s (a STRUCT<b INT NOT NULL>) WITH (connector = 'k')",
      'syntax error at or near "NOT"',
      'NOT',
    );
    expectError(
      'CREATE SOURCE s FROM POSTGRES CONNECTION c FOR TABLE (t)',
      'syntax error at or near "TABLE"',
      'TABLE',
    );
    expectError(
      "CREATE SOURCE s (a INT) WITH (connector = 'k",
      'unterminated quoted string at or near "\'k"',
      "'k",
    );
  });

  test('errors inside embedded SQL point into the user text', () => {
    expectError(
      "CREATE SOURCE s (a INT, WATERMARK FOR a AS a - ) WITH (connector = 'k')",
      'syntax error at or near ")"',
      ') WITH',
    );
    expectError(
      "CREATE SOURCE s (a INT, WATERMARK FOR a AS a AS b) WITH (connector = 'k')",
      'syntax error at or near "AS"',
      'AS b',
    );
    expectError(
      "CREATE SOURCE s (a INT, b no such) WITH (connector = 'k')",
      'syntax error at or near "such"',
      'such',
      7,
    );
    expectError("CREATE SOURCE s (a INT WITH (connector = 'k')", 'syntax error at or near "WITH"', 'WITH');
  });
});

describe('CREATE TABLE with a connector', () => {
  test('plain PostgreSQL WITH options stay a postgres statement', () => {
    const s = parse('postgres', "CREATE TABLE t (a INT) WITH (connector = 'kafka', topic = 't')");
    assert.ok('CreateStmt' in s.stmt);
    assert.equal(s.stmt.CreateStmt.options?.length, 2);
  });

  test('WATERMARK, FORMAT or Eddy-only options make it Eddy', () => {
    const sql =
      "CREATE TABLE t (a INT, ts TIMESTAMP, WATERMARK FOR ts AS ts - INTERVAL '1 second') WITH (connector = 'kafka', properties.bootstrap.server = 'b:9092', password = SECRET pw) FORMAT PLAIN ENCODE JSON";
    const s = parse('createTable', sql);
    assert.equal(s.stmt.relation?.relname, 't');
    assert.equal(s.stmt.options, undefined);
    assert.equal(s.stmt.tableElts?.length, 2);
    assert.equal(s.watermarks[0].column, 'ts');
    assert.equal(s.with[2].value.kind, 'secret');
    assert.equal(s.format?.format, 'plain');
    parse('createTable', "CREATE TABLE t (a INT) WITH (connector = 'k', a.b.c = 'x')");
    parse('createTable', 'CREATE TABLE t (a INT) FORMAT PLAIN ENCODE JSON');
  });

  test('errors outside the WITH list are PostgreSQL’s', () => {
    expectError(
      "CREATE TABLE t (a INT INT) WITH (connector = 'k', a.b.c = 'x')",
      'syntax error at or near "INT"',
      'INT)',
    );
    expectError(
      "CREATE TABLE t (a INT) WITH (connector = 'k', a.b.c = ) ",
      'syntax error at or near ")"',
      ') ',
    );
  });
});

describe('CREATE SINK and materialized views', () => {
  test('FROM a relation, with FORMAT', () => {
    const sql =
      "CREATE SINK IF NOT EXISTS out FROM hot_items WITH (connector = 'kafka', topic = 'o') FORMAT DEBEZIUM ENCODE JSON";
    const s = parse('createSink', sql);
    assert.deepEqual(s.input, {
      kind: 'relation',
      name: { name: 'hot_items', location: sql.indexOf('hot_items') },
    });
    assert.equal(s.format?.format, 'debezium');
  });

  test('AS a query, up to the WITH', () => {
    const sql = "CREATE SINK out AS SELECT a, count(*) FROM t GROUP BY a WITH (connector = 'blackhole')";
    const s = parse('createSink', sql, 40);
    assert.equal(s.input.kind, 'query');
    if (s.input.kind !== 'query') return;
    assert.equal(s.input.location, 40 + sql.indexOf('SELECT'));
    assert.equal(s.input.query.groupClause?.length, 1);
    assert.equal(s.with[0].key, 'connector');
    expectError(
      "CREATE SINK out AS SELECT a FROM WITH (connector = 'x')",
      'syntax error at or near "WITH"',
      'WITH',
      3,
    );
    expectError('CREATE SINK out AS INSERT INTO t VALUES (1)', 'syntax error at or near "INSERT"', 'INSERT');
    expectError('CREATE SINK out TO t', 'syntax error at or near "TO"', 'TO');
  });

  test('EMIT ON WINDOW CLOSE makes an Eddy statement carrying the SelectStmt', () => {
    const sql =
      "CREATE MATERIALIZED VIEW v AS SELECT window_start, count(*) FROM TUMBLE(bids, ts, INTERVAL '1 minute') GROUP BY 1 EMIT ON WINDOW CLOSE";
    const s = parse('createMaterializedView', sql);
    assert.equal(s.stmt.into?.rel?.relname, 'v');
    assert.equal(s.query.targetList?.length, 2);
    assert.equal(s.emitLocation, sql.indexOf('EMIT'));
    assert.ok('CreateTableAsStmt' in parse('postgres', 'CREATE MATERIALIZED VIEW v AS SELECT 1').stmt);
    expectError(
      'CREATE MATERIALIZED VIEW v AS SELECT FROM FROM EMIT ON WINDOW CLOSE',
      'syntax error at or near "FROM"',
      'FROM EMIT',
    );
  });
});

describe('SUBSCRIBE', () => {
  test('to a name or a query, with options', () => {
    const byName = parse('subscribe', 'SUBSCRIBE TO public.hot_items');
    assert.deepEqual(byName.subscription.target, {
      kind: 'relation',
      name: { schema: 'public', name: 'hot_items', location: 13 },
    });
    const sql = 'SUBSCRIBE (SELECT a FROM t WHERE b) WITH (snapshot = false, progress)';
    const byQuery = parse('subscribe', sql);
    assert.equal(byQuery.subscription.target.kind, 'query');
    assert.deepEqual(
      byQuery.subscription.with.map((o) => [o.key, o.value.kind === 'boolean' && o.value.value]),
      [
        ['snapshot', false],
        ['progress', true],
      ],
    );
    expectError('SUBSCRIBE (SELECT a FROM WHERE b)', 'syntax error at or near "WHERE"', 'WHERE');
    expectError('SUBSCRIBE v WITH (snapshot = false) more', 'syntax error at or near "more"', 'more');
  });

  test('inside COPY … TO STDOUT', () => {
    const sql = 'COPY (SUBSCRIBE v WITH (snapshot = false)) TO STDOUT WITH (FORMAT binary)';
    const s = parse('copySubscribe', sql);
    assert.equal(s.subscription.location, sql.indexOf('SUBSCRIBE'));
    assert.equal(s.copy.query, undefined);
    assert.equal(s.copy.options?.length, 1);
    expectError('COPY (SUBSCRIBE v extra) TO STDOUT', 'syntax error at or near "extra"', 'extra');
    expectError('COPY (SUBSCRIBE v) TO STDOUT WITH (FORMAT', 'syntax error at end of input', null);
    assert.ok('CopyStmt' in parse('postgres', 'COPY t TO STDOUT').stmt);
  });

  test('inside DECLARE … CURSOR FOR', () => {
    const s = parse('declareSubscribe', 'DECLARE c CURSOR WITH HOLD FOR SUBSCRIBE v');
    assert.equal(s.cursor.portalname, 'c');
    assert.equal(s.cursor.query, undefined);
    assert.equal(s.subscription.target.kind, 'relation');
    parse('postgres', 'DECLARE c CURSOR FOR SELECT 1');
  });
});

describe('DROP and SHOW', () => {
  test('DROP of Eddy objects', () => {
    const s = parse('drop', 'DROP SOURCE IF EXISTS a, b.c CASCADE');
    assert.equal(s.objectKind, 'source');
    assert.equal(s.ifExists, true);
    assert.equal(s.cascade, true);
    assert.deepEqual(
      s.names.map((n) => n.name),
      ['a', 'c'],
    );
    assert.equal(parse('drop', 'DROP SECRET s').objectKind, 'secret');
    parse('postgres', 'DROP TABLE t');
    expectError('DROP SINK', 'syntax error at end of input', null);
  });

  test('SHOW object lists are always Eddy’s, settings stay PostgreSQL’s', () => {
    assert.equal(parse('showObjects', 'SHOW MATERIALIZED VIEWS').objectKind, 'materializedViews');
    assert.equal(parse('showObjects', 'show tables').objectKind, 'tables');
    const s = parse('showObjects', "SHOW SOURCES FROM analytics LIKE 'click%'");
    assert.equal(s.schema?.name, 'analytics');
    assert.equal(s.like, 'click%');
    parse('postgres', 'SHOW search_path');
    parse('postgres', 'SHOW ALL');
    const c = parse('showCreate', 'SHOW CREATE MATERIALIZED VIEW x.v');
    assert.equal(c.objectKind, 'materializedView');
    assert.deepEqual(c.name, { schema: 'x', name: 'v', location: 30 });
    expectError('SHOW CREATE INDEX i', 'syntax error at or near "INDEX"', 'INDEX');
  });
});
