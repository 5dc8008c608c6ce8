/**
 * proctime(), processing time (docs/sql.md, "Event time"): in a materialized view each row takes
 * the clock reading of the step in which it reaches the view, and keeps it; windows over it
 * (Nexmark q12) count rows by arrival. Allowed only over rows that are never deleted (sources,
 * tables with a watermark), since a retraction would read another step's time. Ad hoc, it is the
 * transaction's time, as now().
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Eddy, ManualClock } from '../../src/index.ts';

const T0 = Date.UTC(2026, 0, 1) * 1000;
const second = 1_000_000;

async function open(): Promise<{ db: Eddy; clock: ManualClock }> {
  const clock = new ManualClock(T0);
  const db = await Eddy.open({ clock });
  await db.execute(
    `CREATE SOURCE bid (bidder BIGINT, date_time TIMESTAMP, WATERMARK FOR date_time AS date_time - INTERVAL '4' SECOND)`,
  );
  return { db, clock };
}

test('each row keeps the step clock of its arrival; windows over it, also through a plain view', async () => {
  const { db, clock } = await open();
  await db.execute('CREATE MATERIALIZED VIEW stamped AS SELECT bidder, proctime() AS p FROM bid');
  await db.execute('CREATE VIEW b AS SELECT *, proctime() AS p_time FROM bid');
  await db.execute(`CREATE MATERIALIZED VIEW per_window AS SELECT bidder, count(*) AS n, window_start
    FROM TUMBLE(b, p_time, INTERVAL '10' SECOND) GROUP BY bidder, window_start`);
  await db.insert('bid', [[1, new Date(0)]]);
  clock.advanceTo(T0 + 12 * second);
  await db.insert('bid', [
    [1, new Date(1000)],
    [2, new Date(2000)],
  ]);
  clock.advanceTo(T0 + 15 * second);
  const sorted = async (sql: string) => (await db.query(sql)).rows.map((r) => JSON.stringify(r)).sort();
  // The clock moved on without input: nothing is re-stamped.
  assert.deepEqual(await sorted('SELECT * FROM stamped'), [
    JSON.stringify([1, T0]),
    JSON.stringify([1, T0 + 12 * second]),
    JSON.stringify([2, T0 + 12 * second]),
  ]);
  assert.deepEqual(await sorted('SELECT * FROM per_window'), [
    JSON.stringify([1, 1, T0]),
    JSON.stringify([1, 1, T0 + 10 * second]),
    JSON.stringify([2, 1, T0 + 10 * second]),
  ]);
  await db.close();
});

test('over rows that can be deleted proctime() is refused; ad hoc it is the transaction time', async () => {
  const { db } = await open();
  await db.execute('CREATE TABLE t (a integer)');
  await assert.rejects(db.execute('CREATE MATERIALIZED VIEW v AS SELECT a, proctime() FROM t'), {
    code: '0A000',
    message: /proctime\(\) only over rows that are never deleted/,
  });
  // A left join may retract the rows it padded.
  await assert.rejects(
    db.execute('CREATE MATERIALIZED VIEW v AS SELECT proctime() FROM bid LEFT JOIN t ON t.a = bid.bidder'),
    { code: '0A000' },
  );
  const [row] = (await db.query('SELECT proctime() = now()')).rows;
  assert.deepEqual(row, [true]);
  await db.close();
});
