/**
 * Event time through sessions: WATERMARK FOR on sources and append-only tables, late rows diverted
 * into `<name>_late` (every view agrees; none dropped), the watermark kept in `<name>_watermarks`,
 * EMIT ON WINDOW CLOSE emitting only closed windows, and windowed aggregates freeing the groups
 * of closed windows (operator state counted as the console counts it).
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

const ts = (s: string) => Date.parse(`${s}Z`) * 1000;

function open(): { db: Database; s: Session; rows: (sql: string) => readonly (readonly unknown[])[] } {
  const db = new Database(createDataflowMaintainer);
  const s = new Session(db);
  s.execute(
    `CREATE SOURCE bid (auction integer, price integer, date_time timestamp,
       WATERMARK FOR date_time AS date_time - INTERVAL '4 seconds')`,
  );
  return { db, s, rows: (sql) => s.execute(sql).at(-1)!.rows };
}

/** State entries of a view's operators of one class. */
function entries(db: Database, view: string, operator: string): number {
  const id = db.catalog.relation(view)!.id;
  return db
    .operatorState()
    .filter((o) => o.viewId === id && o.operator.startsWith(operator))
    .reduce((n, o) => n + o.entries, 0);
}

test('rows behind the watermark go to <source>_late; every view agrees; the watermark is a row', () => {
  const { db, s, rows } = open();
  s.execute('CREATE MATERIALIZED VIEW total AS SELECT count(*) AS n, sum(price) AS p FROM bid');
  s.execute('CREATE MATERIALIZED VIEW per AS SELECT auction, count(*) AS n FROM bid GROUP BY auction');
  s.execute(`INSERT INTO bid VALUES (1, 10, '2020-01-01 00:00:03'), (1, 20, '2020-01-01 00:00:12')`);
  assert.deepEqual(rows('SELECT * FROM bid_watermarks'), [['', ts('2020-01-01T00:00:08')]]);
  // 00:00:07 is behind the watermark (00:00:08): late; 00:00:09 is not; a NULL time never is.
  const step = db.currentStep;
  s.execute(
    `INSERT INTO bid VALUES (2, 30, '2020-01-01 00:00:07'), (2, 40, '2020-01-01 00:00:09'), (3, 50, NULL)`,
  );
  assert.equal(db.currentStep, step + 1, 'one step for the INSERT, late rows included');
  assert.deepEqual(rows('SELECT * FROM bid_late'), [[2, 30, ts('2020-01-01T00:00:07')]]);
  assert.deepEqual(rows('SELECT n, p FROM total'), [[4, 120]]);
  assert.deepEqual(rows('SELECT auction, n FROM per ORDER BY auction'), [
    [1, 2],
    [2, 1],
    [3, 1],
  ]);
  assert.equal(db.lateRows.get(db.catalog.relation('bid')!.id), 1);
  // The watermark never moves back: rows with smaller expressions leave it where it is.
  assert.deepEqual(rows('SELECT watermark FROM bid_watermarks'), [[ts('2020-01-01T00:00:08')]]);
});

test('a table with a watermark is append-only; kept tables are read-only; DROP takes them along', () => {
  const { s, rows } = open();
  assert.throws(
    () => s.execute('CREATE TABLE k (id integer PRIMARY KEY, at timestamp, WATERMARK FOR at AS at)'),
    { code: '0A000' },
  );
  assert.equal(rows(`SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 'k'`)[0]![0], 0);
  s.execute(`CREATE TABLE t (id integer, at timestamp, WATERMARK FOR at AS at - INTERVAL '1 minute')`);
  s.execute(`INSERT INTO t VALUES (1, '2020-01-01 10:00'), (2, '2020-01-01 09:00')`);
  s.execute(`INSERT INTO t VALUES (3, '2020-01-01 08:00'), (4, '2020-01-01 09:59:30')`);
  assert.deepEqual(rows('SELECT id FROM t ORDER BY id'), [[1], [2], [4]]);
  assert.deepEqual(rows('SELECT id FROM t_late'), [[3]]);
  assert.throws(() => s.execute('DELETE FROM t'), { code: '0A000' });
  assert.throws(() => s.execute('UPDATE t SET id = 0'), { code: '0A000' });
  assert.throws(() => s.execute('DELETE FROM t_late'), { code: '42809' });
  assert.throws(() => s.execute(`INSERT INTO bid_watermarks VALUES ('', now())`), { code: '42809' });
  assert.throws(() => s.execute('CREATE TABLE u (a integer, WATERMARK FOR a AS a)'), { code: '42804' });
  assert.throws(() => s.execute('CREATE TABLE u (a timestamp, WATERMARK FOR b AS a)'), { code: '42703' });
  assert.throws(() => s.execute('DROP TABLE t_late'), { code: '2BP01' });
  for (const expr of ['now()', "at + random() * INTERVAL '1 second'", '(SELECT max(date_time) FROM bid)'])
    assert.throws(() => s.execute(`CREATE TABLE u (at timestamp, WATERMARK FOR at AS ${expr})`), {
      code: '0A000',
    });
  assert.throws(() => s.execute('CREATE TABLE u (n int, at timestamp, WATERMARK FOR at AS n)'), {
    code: '42804',
  });
  s.execute('DROP TABLE t');
  assert.throws(() => s.execute('SELECT * FROM t_late'), { code: '42P01' });
  assert.throws(() => s.execute('SELECT * FROM t_watermarks'), { code: '42P01' });
  // A rolled-back transaction's late rows and watermark go with it.
  s.execute(`BEGIN; INSERT INTO bid VALUES (1, 1, '2020-01-01 00:01:00'); ROLLBACK`);
  assert.deepEqual(rows('SELECT * FROM bid_watermarks'), []);
});

test('EMIT ON WINDOW CLOSE emits each window once, when the watermark passes its end', () => {
  const { s, rows, db } = open();
  s.execute(
    `CREATE MATERIALIZED VIEW closed AS SELECT auction, window_start, window_end, count(*) AS n
       FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND) GROUP BY auction, window_start, window_end
       EMIT ON WINDOW CLOSE`,
  );
  const changes: unknown[][] = [];
  const id = db.catalog.relation('closed')!.id;
  db.onStep((step) => {
    const b = step.changes.byRelation.get(id);
    for (let i = 0; b && i < b.length; i++) changes.push([b.values[i * b.arity], b.weights[i]]);
  });
  s.execute(`INSERT INTO bid VALUES (1, 1, '2020-01-01 00:00:03'), (1, 1, '2020-01-01 00:00:12')`);
  assert.deepEqual(rows('SELECT * FROM closed'), [], 'the watermark (00:00:08) closes no window');
  s.execute(`INSERT INTO bid VALUES (1, 1, '2020-01-01 00:00:13'), (2, 1, '2020-01-01 00:00:14')`);
  assert.deepEqual(rows('SELECT auction, n FROM closed'), [[1, 1]], '[00:00, 00:10) closed at 00:00:10');
  s.execute(`INSERT INTO bid VALUES (3, 1, '2020-01-01 00:00:35')`);
  assert.deepEqual(rows('SELECT auction, window_start, n FROM closed ORDER BY 1, 2'), [
    [1, ts('2020-01-01T00:00:00'), 1],
    [1, ts('2020-01-01T00:00:10'), 2],
    [2, ts('2020-01-01T00:00:10'), 1],
  ]);
  assert.ok(
    changes.every(([, w]) => w === 1),
    'append-only output: no retraction ever',
  );
  assert.equal(changes.length, 3);
  // The window-close operator holds only the open window's row; the aggregate freed closed
  // groups: one group left, beside the one row of each of the two watermark minimums (the
  // aggregate's and the window close's).
  assert.equal(entries(db, 'closed', 'WindowCloseOp'), 1);
  assert.equal(entries(db, 'closed', 'AggregateOp'), 1 + 2);
  // Needs a window bound in the output.
  assert.throws(
    () => s.execute('CREATE MATERIALIZED VIEW x AS SELECT auction FROM bid EMIT ON WINDOW CLOSE'),
    { code: '0A000' },
  );
});

test('a windowed aggregate frees the groups of closed windows; the view keeps their rows', () => {
  const { s, rows, db } = open();
  // The same rows in a table without a watermark: nothing is freed there, and both views agree.
  s.execute('CREATE TABLE plain (auction integer, price integer, date_time timestamp)');
  const query = (from: string) =>
    `SELECT auction, window_start, count(*) AS n FROM HOP(${from}, date_time, INTERVAL '2' SECOND, INTERVAL '10' SECOND) GROUP BY auction, window_start`;
  s.execute(`CREATE MATERIALIZED VIEW hot AS ${query('bid')}`);
  s.execute(`CREATE MATERIALIZED VIEW hot_plain AS ${query('plain')}`);
  for (let second = 0; second < 60; second += 3) {
    const row = `(${second % 4}, 1, '2020-01-01 00:00:${String(second).padStart(2, '0')}')`;
    s.execute(`INSERT INTO bid VALUES ${row}; INSERT INTO plain VALUES ${row}`);
  }
  const sorted = 'ORDER BY auction, window_start';
  assert.deepEqual(rows(`SELECT * FROM hot ${sorted}`), rows(`SELECT * FROM hot_plain ${sorted}`));
  const all = rows('SELECT count(*) FROM hot')[0]![0] as number;
  assert.equal(entries(db, 'hot_plain', 'AggregateOp'), all);
  // Only windows ending after the watermark (00:00:53) keep their groups, beside the one row of
  // the watermark's minimum.
  const openWindows = rows(
    `SELECT count(*) FROM hot WHERE window_start + INTERVAL '10 seconds' > (SELECT watermark FROM bid_watermarks)`,
  )[0]![0] as number;
  assert.equal(openWindows, 18);
  assert.equal(entries(db, 'hot', 'AggregateOp'), openWindows + 1);
});

test('the oracle: views over a watermarked source equal the batch query over its on-time rows', () => {
  const { s, rows } = open();
  // The same rows go to a plain table; the source's on-time rows are those minus its late ones.
  s.execute('CREATE TABLE plain (auction integer, price integer, date_time timestamp)');
  const windows = `FROM TUMBLE(bid, date_time, INTERVAL '10' SECOND) GROUP BY auction, window_start, window_end`;
  s.execute(
    `CREATE MATERIALIZED VIEW eowc AS SELECT auction, window_start, window_end, count(*) AS n, sum(price) AS p ${windows} EMIT ON WINDOW CLOSE`,
  );
  s.execute(
    `CREATE MATERIALIZED VIEW live AS SELECT auction, window_start, window_end, count(*) AS n, sum(price) AS p ${windows}`,
  );
  const oracle = (closedOnly: boolean) =>
    `SELECT auction, window_start, window_end, count(*) AS n, sum(price) AS p
       FROM TUMBLE(on_time, date_time, INTERVAL '10' SECOND)
       ${closedOnly ? 'WHERE window_end <= (SELECT watermark FROM bid_watermarks)' : ''}
       GROUP BY auction, window_start, window_end ORDER BY 1, 2`;
  const withOnTime = (q: string) =>
    `WITH on_time AS (SELECT * FROM plain EXCEPT ALL SELECT * FROM bid_late) ${q}`;
  let seed = 7;
  const random = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return Math.floor(seed / 65536) % n; // the LCG's high bits: its low bits cycle
  };
  let watermark = -Infinity;
  let clock = 0;
  for (let step = 0; step < 40; step++) {
    const values: string[] = [];
    const times: number[] = [];
    for (let i = 1 + random(4); i > 0; i--) {
      clock += random(3);
      const t = clock - random(8); // up to 8 s out of order: some rows are late
      times.push(t);
      values.push(`(${random(3)}, ${random(100)}, '2020-01-01'::timestamp + INTERVAL '${t} seconds')`);
    }
    const expectedLate = times.filter((t) => t < watermark).length;
    const lateBefore = rows('SELECT count(*) FROM bid_late')[0]![0] as number;
    s.execute(`INSERT INTO bid VALUES ${values.join(', ')}; INSERT INTO plain VALUES ${values.join(', ')}`);
    assert.equal((rows('SELECT count(*) FROM bid_late')[0]![0] as number) - lateBefore, expectedLate);
    for (const t of times) if (!(t < watermark)) watermark = Math.max(watermark, t - 4);
    assert.deepEqual(
      rows('SELECT * FROM eowc ORDER BY 1, 2'),
      rows(withOnTime(oracle(true))),
      `step ${step}`,
    );
    assert.deepEqual(
      rows('SELECT * FROM live ORDER BY 1, 2'),
      rows(withOnTime(oracle(false))),
      `step ${step}`,
    );
  }
  assert.ok((rows('SELECT count(*) FROM bid_late')[0]![0] as number) > 0, 'the workload has late rows');
  assert.ok((rows('SELECT count(*) FROM eowc')[0]![0] as number) > 0, 'and closed windows');
});
