/**
 * @module test/unit/front-parser
 * The front parser's plumbing: statement splitting, PostgreSQL pass-through with script offsets, error
 * positions mapped back to the user's text, secrets kept out of every text, and the RisingWave Nexmark files.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { inspect } from 'node:util';
import { EddyError } from '../../src/common/errors.ts';
import {
  characterPosition,
  type EddyStatement,
  loadParser,
  parseScript,
  parseStatement,
  splitStatements,
} from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

/** The error `run` throws, checked to be a 42601 syntax error. */
function syntaxError(run: () => unknown): EddyError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof EddyError, `expected an EddyError, got ${String(error)}`);
    assert.equal(error.code, '42601');
    return error;
  }
  assert.fail('expected a syntax error');
}

/** Asserts the message and that the 1-based position points at `near` in `script` (or at its end). */
function expectError(script: string, message: string, near: string | null, offset = 0): EddyError {
  const error = syntaxError(() => parseStatement(script.slice(offset), offset));
  assert.equal(error.message, message);
  assert.ok(error.position !== undefined);
  if (near === null) assert.equal(error.position, script.length + 1);
  else assert.equal(script.slice(error.position - 1, error.position - 1 + near.length), near);
  return error;
}

function postgres(statement: EddyStatement): Record<string, unknown> {
  assert.equal(statement.kind, 'postgres');
  return statement.kind === 'postgres' ? (statement.stmt as Record<string, unknown>) : {};
}

describe('splitStatements', () => {
  test('cuts at semicolons, with offsets into the script', () => {
    assert.deepEqual(splitStatements('SELECT 1;  SELECT 2 ;\nSELECT 3'), [
      { text: 'SELECT 1', offset: 0 },
      { text: 'SELECT 2', offset: 11 },
      { text: 'SELECT 3', offset: 22 },
    ]);
  });

  test('ignores semicolons in quotes, dollar quotes, identifiers, comments and parentheses', () => {
    const script =
      "SELECT 'a;b', E'c\\';d'; SELECT $$;$$, $t$ ; $t$; SELECT \"x;\" /* ; /* ; */ ; */; -- ;\nCREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b)";
    assert.deepEqual(
      splitStatements(script).map((s) => s.text),
      [
        "SELECT 'a;b', E'c\\';d'",
        'SELECT $$;$$, $t$ ; $t$',
        'SELECT "x;"',
        'CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b)',
      ],
    );
  });

  test('drops empty and comment-only statements, keeps comments inside a statement', () => {
    assert.deepEqual(splitStatements(';; -- nothing\n ; /* x */'), []);
    assert.deepEqual(splitStatements('-- lead\nSELECT /* in */ 1 -- tail\n;'), [
      { text: 'SELECT /* in */ 1', offset: 8 },
    ]);
  });

  test('keeps a BEGIN ATOMIC function body whole, as psql does', () => {
    const script =
      'CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END; SELECT CASE WHEN true THEN 1 END; SELECT 2';
    assert.deepEqual(
      splitStatements(script).map((s) => s.text),
      [
        'CREATE OR REPLACE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT CASE WHEN true THEN 2 END; END',
        'SELECT CASE WHEN true THEN 1 END',
        'SELECT 2',
      ],
    );
  });

  test('offsets are string indices even after multi-byte characters', () => {
    const script = "SELECT 'é😀'; SELECT 2";
    const [, second] = splitStatements(script);
    assert.deepEqual(second, { text: 'SELECT 2', offset: script.indexOf('SELECT 2') });
  });

  test('an unterminated quote swallows the rest, earlier statements stay apart', () => {
    assert.deepEqual(splitStatements("SELECT 1; SELECT 'open; SELECT 3"), [
      { text: 'SELECT 1', offset: 0 },
      { text: "SELECT 'open; SELECT 3", offset: 10 },
    ]);
    assert.deepEqual(
      splitStatements('SELECT 1; /* open ; SELECT 2').map((s) => s.text),
      ['SELECT 1', '/* open ; SELECT 2'],
    );
  });
});

describe('PostgreSQL statements', () => {
  test('pass through untouched, as the libpg-query node', () => {
    const stmt = postgres(parseStatement('SELECT a FROM t'));
    assert.ok('SelectStmt' in stmt);
    assert.ok('InsertStmt' in postgres(parseStatement('INSERT INTO t VALUES (1)')));
    assert.ok('VariableShowStmt' in postgres(parseStatement('SHOW search_path')));
    assert.ok('CreateStmt' in postgres(parseStatement('CREATE TABLE t (a int PRIMARY KEY)')));
  });

  test('locations are offsets into the script, also at the statement start', () => {
    const script = 'SELECT 1;\nWITH x AS (SELECT 1) SELECT * FROM x';
    const [, second] = parseScript(script);
    const stmt = postgres(second) as {
      SelectStmt: { withClause: { location: number }; fromClause: unknown[] };
    };
    assert.equal(second.offset, 10);
    assert.equal(stmt.SelectStmt.withClause.location, 10);
    const from = stmt.SelectStmt.fromClause[0] as { RangeVar: { location: number } };
    assert.equal(from.RangeVar.location, script.lastIndexOf('x'));
  });

  test('locations count string indices, not UTF-8 bytes', () => {
    const script = "SELECT 'é😀', x FROM t";
    const stmt = postgres(parseStatement(script, 0)) as { SelectStmt: { targetList: unknown[] } };
    const target = stmt.SelectStmt.targetList[1] as { ResTarget: { location: number } };
    assert.equal(target.ResTarget.location, script.indexOf('x'));
  });

  test('syntax errors carry PostgreSQL wording and 1-based script positions', () => {
    const script = 'SELECT 1; SELECT a FROM t WHERE = 1';
    expectError(script, 'syntax error at or near "="', '= 1', 10);
    expectError('SELECT 1 +', 'syntax error at end of input', null);
    expectError("SELECT 'é😀' FROM t WHERE = 1", 'syntax error at or near "="', '= 1');
    expectError("SELECT 'abc", 'unterminated quoted string at or near "\'abc"', "'abc");
  });

  test('one statement only', () => {
    const error = syntaxError(() => parseStatement('SELECT 1; SELECT 2'));
    assert.equal(error.message, 'cannot insert multiple commands into a prepared statement');
    expectError('-- nothing', 'syntax error at end of input', null);
  });

  test('parseScript reports the failing statement at its script position', () => {
    const script = "CREATE SOURCE s (a int) WITH (connector = 'datagen');\nSELECT FROM WHERE;";
    const error = syntaxError(() => parseScript(script));
    assert.equal(error.message, 'syntax error at or near "WHERE"');
    assert.equal(error.position, script.indexOf('WHERE') + 1);
  });

  test('characterPosition converts to PostgreSQL character counts', () => {
    const script = "SELECT '😀😀' x";
    assert.equal(characterPosition(script, script.indexOf('x') + 1), 13);
    assert.equal(characterPosition('SELECT x', 8), 8);
  });
});

describe('secrets', () => {
  test('the value is readable only through reveal()', () => {
    const statement = parseStatement("CREATE SECRET pg_password AS 'hunter2'");
    assert.equal(statement.kind, 'createSecret');
    if (statement.kind !== 'createSecret') return;
    assert.equal(statement.value.reveal(), 'hunter2');
    assert.equal(statement.text, "CREATE SECRET pg_password AS '[REDACTED]'");
    for (const shown of [
      String(statement.value),
      JSON.stringify(statement),
      inspect(statement, { depth: 9 }),
    ]) {
      assert.ok(!shown.includes('hunter2'), shown);
    }
  });

  test('escaped and dollar-quoted values are decoded', () => {
    const decoded = (sql: string) => {
      const s = parseStatement(sql);
      return s.kind === 'createSecret' || s.kind === 'alterSecret' ? s.value.reveal() : undefined;
    };
    assert.equal(decoded("CREATE SECRET s AS 'it''s'"), "it's");
    assert.equal(decoded("CREATE SECRET s AS E'a\\tb'"), 'a\tb');
    assert.equal(decoded('ALTER SECRET s AS $x$a$b$x$'), 'a$b');
    assert.equal(decoded("CREATE SECRET s AS 'con'\n'tinued'"), 'continued');
  });

  test('no error message quotes the statement', () => {
    for (const sql of [
      "CREATE SECRET s AS 'hunter2",
      'CREATE SECRET s AS hunter2',
      "CREATE SECRET s 'hunter2'",
      "CREATE SECRET s AS 'hunter2' 'more'",
      "ALTER SECRET s AS 'hunter2' hunter2",
      "CREATE SECRET s AS E'hunter2\\u00zz'",
    ]) {
      const error = syntaxError(() => parseStatement(sql));
      assert.ok(!error.message.includes('hunter2'), error.message);
      assert.ok(error.position !== undefined && error.position > 14, sql);
    }
    const error = syntaxError(() => parseStatement("CREATE SECRET s AS 'hunter2"));
    assert.equal(error.message, 'unterminated quoted string');
    assert.equal(error.position, 20);
  });
});

/** RisingWave's Nexmark files, vendored with their licence (test/vendor/README.md). */
const nexmarkDir = new URL('../vendor/nexmark/risingwave/', import.meta.url);

describe('RisingWave Nexmark files', () => {
  const dir = nexmarkDir;
  const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');

  test('ddl.sql parses: a STRUCT source and three views', () => {
    const statements = parseScript(read('ddl.sql'));
    assert.deepEqual(
      statements.map((s) => s.kind),
      ['createSource', 'postgres', 'postgres', 'postgres'],
    );
    const source = statements[0];
    assert.equal(source.kind, 'createSource');
    if (source.kind !== 'createSource') return;
    assert.equal(source.structs.length, 3);
    assert.deepEqual(
      source.structs[2].fields.map((f) => f.name),
      ['auction', 'bidder', 'price', 'channel', 'url', 'date_time', 'extra'],
    );
    assert.deepEqual(
      source.with.map((o) => o.key),
      ['connector', 'topic', 'properties.bootstrap.server', 'kafka.scan.startup.mode'],
    );
    assert.deepEqual(source.format && [source.format.format, source.format.encode], ['plain', 'json']);
  });

  test('every query file parses except the templated and temporal-join ones', () => {
    const failing: string[] = [];
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.sql')) continue;
      const script = read(name);
      for (const s of splitStatements(script)) {
        try {
          parseStatement(s.text, s.offset);
        } catch {
          failing.push(name);
        }
      }
    }
    // q13/q15/q16 hold ${…} shell placeholders; q13 also joins FOR SYSTEM_TIME AS OF PROCTIME().
    assert.deepEqual([...new Set(failing)], ['q13.sql', 'q15.sql', 'q16.sql']);
  });
});
