/**
 * Temporal filters across restarts: every step's clock reading is logged with it (the steps a
 * timer committed with no input too), so recovery from the input log alone, or from a
 * checkpoint plus the log after it, re-forms the same view contents and held rows; a clock that
 * reads earlier after the restart does not move the views back, and they keep following it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Eddy, ManualClock } from '../../src/index.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 0, 1) * 1000;
const minute = 60_000_000;
const stamp = (micros: number) => new Date(micros / 1000).toISOString();

const views: Record<string, string> = {
  recent: "SELECT id, g FROM ev WHERE at > now() - INTERVAL '1 hour'",
  counts:
    "SELECT g, count(*) AS n FROM ev WHERE at BETWEEN now() - INTERVAL '30 minutes' AND now() + INTERVAL '20 minutes' GROUP BY g",
};

async function snapshot(db: Eddy): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of Object.keys(views))
    out[name] = (await db.query(`SELECT * FROM ${name}`)).rows.map((r) => JSON.stringify(r)).sort();
  return out;
}

async function oracle(db: Eddy): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const [name, query] of Object.entries(views))
    out[name] = (await db.query(query)).rows.map((r) => JSON.stringify(r)).sort();
  return out;
}

function operatorEntries(db: Eddy): number {
  const inner = db as unknown as { db: { operatorState(): { entries: number }[] } };
  return inner.db.operatorState().reduce((n, s) => n + s.entries, 0);
}

/** Drops a database without a clean close, as a crash would. */
function abandon(db: Eddy): void {
  const inner = db as unknown as {
    durability: { dir: { close(): void } };
    db: { durableLog: unknown; stopTimers(): void };
  };
  inner.db.durableLog = null;
  inner.db.stopTimers();
  inner.durability.dir.close();
}

async function writeAndTick(db: Eddy, clock: ManualClock, from: number, to: number): Promise<void> {
  for (let i = from; i < to; i++) {
    await db.execute(
      `INSERT INTO ev VALUES (${i}, ${i % 3}, '${stamp(clock.now() + ((i * 37) % 90) * minute - 40 * minute)}')`,
    );
    if (i % 4 === 0) await db.execute(`DELETE FROM ev WHERE id = ${i - 3}`);
    clock.advanceBy(((i * 13) % 17) * minute);
  }
}

for (const checkpointFirst of [false, true]) {
  test(`temporal filters come back the same after a crash (${checkpointFirst ? 'checkpoint + log' : 'log only'})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-temporal-'));
    dirs.push(dir);
    let clock = new ManualClock(T0);
    let db = await Eddy.open({ dir, checkpointInterval: 0, clock });
    await db.execute('CREATE TABLE ev (id int, g int, at timestamptz)');
    for (const [name, query] of Object.entries(views))
      await db.execute(`CREATE MATERIALIZED VIEW ${name} AS ${query}`);
    await writeAndTick(db, clock, 1, 25);
    if (checkpointFirst) {
      await db.checkpoint();
      await writeAndTick(db, clock, 25, 35);
    }
    // Steps the timer commits with no input are in the log too.
    clock.advanceBy(25 * minute);
    const before = await snapshot(db);
    const entries = operatorEntries(db);
    const reading = clock.now();
    assert.deepEqual(before, await oracle(db));
    assert.ok(before.recent!.length > 0 && entries > 0);
    abandon(db);

    // The clock reads earlier after the restart: the views stay as they were, not moved back.
    clock = new ManualClock(reading - 120 * minute);
    db = await Eddy.open({ dir, checkpointInterval: 0, clock });
    assert.deepEqual(await snapshot(db), before);
    assert.equal(operatorEntries(db), entries, 'the held rows are held again');
    assert.deepEqual(await oracle(db), before, 'ad hoc, now() does not go back either');
    clock.advanceTo(reading + 30 * minute);
    assert.deepEqual(await snapshot(db), await oracle(db));
    await writeAndTick(db, clock, 40, 45);
    assert.deepEqual(await snapshot(db), await oracle(db));
    await db.close();
  });
}
