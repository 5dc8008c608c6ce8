/**
 * Event time across restarts: the watermark, the late-data table, EMIT ON WINDOW CLOSE's held
 * rows and a windowed aggregate's (freed) groups come back the same from the input log alone and
 * from a checkpoint plus the log after it, so a row late before the crash is late after it, and
 * a window closes exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const setup = `
  CREATE SOURCE clicks (page text, at timestamp, WATERMARK FOR at AS at - INTERVAL '5 seconds');
  CREATE MATERIALIZED VIEW per_minute AS
    SELECT page, window_start, window_end, count(*) AS views
    FROM TUMBLE(clicks, at, INTERVAL '1 minute') GROUP BY page, window_start, window_end
    EMIT ON WINDOW CLOSE;
  CREATE MATERIALIZED VIEW sliding AS
    SELECT page, window_start, count(*) AS views
    FROM HOP(clicks, at, INTERVAL '30 seconds', INTERVAL '1 minute') GROUP BY page, window_start;
`;

const at = (seconds: number) => {
  const d = new Date(Date.UTC(2020, 0, 1, 0, 0, seconds));
  return d.toISOString().replace('T', ' ').replace('Z', '');
};

/** Everything event time keeps, in a comparable form. */
async function snapshot(db: Eddy): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const name of ['clicks_watermarks', 'clicks_late', 'per_minute', 'sliding'])
    out[name] = (await db.query(`SELECT * FROM ${name}`)).rows.map((r) => JSON.stringify(r)).sort();
  return out;
}

function operatorEntries(db: Eddy): number {
  const inner = db as unknown as { db: { operatorState(): { entries: number }[] } };
  return inner.db.operatorState().reduce((n, s) => n + s.entries, 0);
}

/** Drops a database without a clean close, as a crash would. */
function abandon(db: Eddy): void {
  const inner = db as unknown as { durability: { dir: { close(): void } }; db: { durableLog: unknown } };
  inner.db.durableLog = null;
  inner.durability.dir.close();
}

for (const checkpointFirst of [false, true]) {
  test(`watermark, late rows and window state survive a crash (${checkpointFirst ? 'checkpoint + log' : 'log only'})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-event-time-'));
    dirs.push(dir);
    let db = await Eddy.open({ dir, checkpointInterval: 0 });
    await db.execute(setup);
    for (let s = 0; s < 150; s += 7) await db.execute(`INSERT INTO clicks VALUES ('p${s % 3}', '${at(s)}')`);
    await db.execute(`INSERT INTO clicks VALUES ('late', '${at(10)}')`);
    // On time against the watermark the step began with (142 s), behind the one it ends with.
    await db.execute(`INSERT INTO clicks VALUES ('p2', '${at(143)}'), ('p0', '${at(170)}')`);
    if (checkpointFirst) {
      await db.checkpoint();
      await db.execute(`INSERT INTO clicks VALUES ('p0', '${at(171)}'), ('late', '${at(100)}')`);
    }
    const before = await snapshot(db);
    const entries = operatorEntries(db);
    assert.ok(before.clicks_late!.length >= 1);
    assert.ok(before.per_minute!.length > 0);
    abandon(db);
    db = await Eddy.open({ dir, checkpointInterval: 0 });
    assert.deepEqual(await snapshot(db), before);
    assert.equal(operatorEntries(db), entries, 'freed state stays freed; held rows are held again');
    // Late before the crash, late after it; the next window closes once.
    await db.execute(`INSERT INTO clicks VALUES ('late', '${at(20)}'), ('p1', '${at(200)}')`);
    const afterRestart = await snapshot(db);
    assert.equal(afterRestart.clicks_late!.length, before.clicks_late!.length + 1);
    const minutes = afterRestart.per_minute!.map((r) => JSON.parse(r) as unknown[]);
    assert.equal(new Set(minutes.map((r) => `${r[0]} ${r[1]}`)).size, minutes.length, 'each window once');
    await db.close();
  });
}
