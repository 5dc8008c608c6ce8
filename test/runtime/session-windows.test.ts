/**
 * SESSION(rel, col, gap [, key, …]) windows (docs/sql.md, "Event time"): rows less than `gap`
 * apart chain into one session [first, last + gap), per key; a row landing between two sessions
 * merges them (the view retracts both and inserts the merged one); EMIT ON WINDOW CLOSE emits a
 * session once the watermark passes its end, never a session that can still grow. Expected
 * results are worked out by hand in the comments.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy, type ViewChange } from '../../src/index.ts';

const at = (hms: string) => Date.parse(`2024-01-01T${hms}Z`) * 1000;
const sessions = `SELECT bidder, count(*) AS n, window_start, window_end
  FROM SESSION(bid, date_time, INTERVAL '10' SECOND, bidder) GROUP BY bidder, window_start, window_end`;

async function rows(db: Eddy, sql: string): Promise<string[]> {
  return (await db.query(sql)).rows.map((r) => JSON.stringify(r)).sort();
}
const row = (...values: unknown[]) => JSON.stringify(values);

test('sessions per key; a row between two sessions merges them: both retracted, the merged inserted', async () => {
  const db = await Eddy.open();
  await db.execute('CREATE TABLE bid (bidder integer, date_time timestamp)');
  await db.execute(`CREATE MATERIALIZED VIEW s AS ${sessions}`);
  const changes: ViewChange[] = [];
  db.subscribe('s', (c) => changes.push(c));
  // Bidder 1: 00:00 and 00:15 are 15 s apart (two sessions); 00:05 and 00:14 for bidder 2 are
  // 9 s apart (one); a NULL time is in no session.
  await db.execute(`INSERT INTO bid VALUES (1, '2024-01-01 00:00:00'), (1, '2024-01-01 00:00:15'),
    (2, '2024-01-01 00:00:05'), (2, '2024-01-01 00:00:14'), (3, NULL)`);
  assert.deepEqual(await rows(db, 'SELECT * FROM s'), [
    row(1, 1, at('00:00:00'), at('00:00:10')),
    row(1, 1, at('00:00:15'), at('00:00:25')),
    row(2, 2, at('00:00:05'), at('00:00:24')),
  ]);
  // 00:08 is 8 s after 00:00 and 7 s before 00:15: one session [00:00, 00:25) of three bids.
  changes.length = 0;
  await db.execute(`INSERT INTO bid VALUES (1, '2024-01-01 00:00:08')`);
  const step = changes.flatMap((c) => c.changes.map((d) => `${d.weight} ${JSON.stringify(d.row)}`)).sort();
  assert.deepEqual(step, [
    `-1 ${row(1, 1, at('00:00:00'), at('00:00:10'))}`,
    `-1 ${row(1, 1, at('00:00:15'), at('00:00:25'))}`,
    `1 ${row(1, 3, at('00:00:00'), at('00:00:25'))}`,
  ]);
  // A gap of exactly 10 s does not chain (Flink's windows [t, t + gap) only touch); deleting the
  // middle row splits the session again.
  await db.execute(`INSERT INTO bid VALUES (2, '2024-01-01 00:00:34')`);
  await db.execute(`DELETE FROM bid WHERE bidder = 1 AND date_time = '2024-01-01 00:00:08'`);
  assert.deepEqual(await rows(db, 'SELECT * FROM s'), [
    row(1, 1, at('00:00:00'), at('00:00:10')),
    row(1, 1, at('00:00:15'), at('00:00:25')),
    row(2, 1, at('00:00:34'), at('00:00:44')),
    row(2, 2, at('00:00:05'), at('00:00:24')),
  ]);
  // Ad hoc, without keys: sessions over all rows (00:00, 05, 14, 15 | 34), every column kept.
  assert.deepEqual(
    await rows(
      db,
      `SELECT bid.bidder, window_start, window_end FROM SESSION(bid, date_time, INTERVAL '10' SECOND)`,
    ),
    [
      row(1, at('00:00:00'), at('00:00:25')),
      row(1, at('00:00:00'), at('00:00:25')),
      row(2, at('00:00:00'), at('00:00:25')),
      row(2, at('00:00:00'), at('00:00:25')),
      row(2, at('00:00:34'), at('00:00:44')),
    ],
  );
  await db.close();
});

test('EMIT ON WINDOW CLOSE emits a session once the watermark passes its end', async () => {
  const db = await Eddy.open();
  await db.execute(
    `CREATE SOURCE bid (bidder integer, date_time timestamp, WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)`,
  );
  await db.execute(`CREATE MATERIALIZED VIEW closed AS ${sessions} EMIT ON WINDOW CLOSE`);
  await db.execute(`INSERT INTO bid VALUES (1, '2024-01-01 00:00:00'), (1, '2024-01-01 00:00:06')`);
  // Watermark 00:00:02: the session [00:00, 00:16) is open.
  assert.deepEqual(await rows(db, 'SELECT * FROM closed'), []);
  // 00:00:14 (not late against 00:00:02) extends it to 00:24; watermark now 00:00:16.
  await db.execute(`INSERT INTO bid VALUES (1, '2024-01-01 00:00:14'), (2, '2024-01-01 00:00:20')`);
  assert.deepEqual(await rows(db, 'SELECT * FROM closed'), []);
  // Watermark 00:00:26: bidder 1's session is final; bidder 2's [00:20, 00:30) is not.
  await db.execute(`INSERT INTO bid VALUES (3, '2024-01-01 00:00:30')`);
  assert.deepEqual(await rows(db, 'SELECT * FROM closed'), [row(1, 3, at('00:00:00'), at('00:00:24'))]);
  await db.close();
});

test('SESSION refuses malformed calls', async () => {
  const db = await Eddy.open();
  await db.execute('CREATE TABLE bid (bidder integer, date_time timestamp)');
  const refused = async (sql: string, code: string) =>
    assert.rejects(db.query(`SELECT * FROM ${sql}`), { code }, sql);
  await refused(`SESSION(bid, date_time)`, '42883');
  await refused(`SESSION(bid, bidder, INTERVAL '1' SECOND)`, '42804');
  await refused(`SESSION(bid, date_time, INTERVAL '0' SECOND)`, '22023');
  await refused(`SESSION(bid, date_time, INTERVAL '1' MONTH)`, '0A000');
  await refused(`SESSION(bid, date_time, INTERVAL '1' SECOND, nope)`, '42703');
  await refused(`SESSION(nope, date_time, INTERVAL '1' SECOND)`, '42P01');
  await db.close();
});
