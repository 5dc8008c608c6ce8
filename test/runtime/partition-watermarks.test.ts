/**
 * Per-partition watermarks (runtime/event-time) through the step a connector source commits: each
 * partition its row in `<name>_watermarks`, the relation's the least; a known partition without
 * rows at -infinity; idle partitions follow the most advanced one; a partition's first watermark
 * never below the relation's (the relation's never moves back); and the figures in /metrics.
 * kafka-watermarks.test.ts runs the same through a real Kafka source.
 */
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import { ChangeSet } from '../../src/runtime/changes.ts';
import { Database } from '../../src/runtime/database.ts';
import { createDataflowMaintainer } from '../../src/runtime/dataflow-maintainer.ts';
import { Session } from '../../src/runtime/session.ts';
import { HttpMetrics } from '../../src/server/http/metrics.ts';
import { loadParser } from '../../src/sql/front/index.ts';

before(async () => {
  await loadParser();
});

const T0 = Date.UTC(2024, 0, 1) * 1000;
const s = (seconds: number) => T0 + seconds * 1_000_000;

function open(): {
  db: Database;
  step: (rows: [string, number, number][], known: string[], idle?: string[]) => void;
} {
  const db = new Database(createDataflowMaintainer);
  new Session(db).execute(
    `CREATE SOURCE ev (id integer, ts timestamp, WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)`,
  );
  const relation = db.catalog.relation('ev')!;
  const step = (rows: [string, number, number][], known: string[], idle: string[] = []): void => {
    const changes = new ChangeSet();
    changes.addFlat(
      relation.id,
      2,
      rows.flatMap(([, id, seconds]) => [id, s(seconds)]),
      rows.length,
    );
    changes.eventPartitions.set(relation.id, {
      rowPartitions: rows.map(([p]) => p),
      known,
      idle: new Set(idle),
    });
    db.commitStep(changes);
  };
  return { db, step };
}

function marks(db: Database): string[] {
  const session = new Session(db);
  return session
    .execute('SELECT partition, watermark FROM ev_watermarks ORDER BY partition')
    .at(-1)!
    .rows.map(([p, w]) => `${p}:${Number.isFinite(w) ? ((w as number) - T0) / 1e6 : w}`);
}

function late(db: Database): unknown[] {
  return new Session(db)
    .execute('SELECT id FROM ev_late ORDER BY id')
    .at(-1)!
    .rows.map((r) => r[0]);
}

test('a watermark per partition; the least decides what is late; silent partitions hold it', () => {
  const { db, step } = open();
  step([['0', 1, 20]], ['0', '1']);
  assert.deepEqual(marks(db), ['0:19', '1:-Infinity']);
  step(
    [
      ['1', 2, 5],
      ['0', 3, 30],
    ],
    ['0', '1'],
  );
  assert.deepEqual(marks(db), ['0:29', '1:4']);
  // The least is 4 s: 3 s is late, on any partition; 6 s is not, and moves nothing back.
  step(
    [
      ['0', 4, 3],
      ['1', 5, 6],
      ['1', 6, 2],
    ],
    ['0', '1'],
  );
  assert.deepEqual(late(db), [4, 6]);
  assert.deepEqual(marks(db), ['0:29', '1:5']);
});

test('idle partitions follow the most advanced; a new partition starts at the relation watermark', () => {
  const { db, step } = open();
  step(
    [
      ['0', 1, 20],
      ['1', 2, 10],
    ],
    ['0', '1'],
  );
  step([['0', 3, 40]], ['0', '1'], ['1']);
  assert.deepEqual(marks(db), ['0:39', '1:39']);
  // A partition added later starts at the relation's watermark (39 s), not at -infinity or its own 20 s.
  step([['2', 4, 21]], ['0', '1', '2']);
  assert.deepEqual(late(db), [4]);
  assert.deepEqual(marks(db), ['0:39', '1:39', '2:39']);
  // Every partition idle: nothing to follow, nothing moves.
  step([], ['0', '1', '2'], ['0', '1', '2']);
  assert.deepEqual(marks(db), ['0:39', '1:39', '2:39']);
  const text = new HttpMetrics(db).render({ sse: 0, websocket: 0, bufferedBytes: 0 });
  assert.match(text, /eddy_watermark_seconds\{relation="ev",partition="1"\} 1704067239\b/);
  assert.match(text, /eddy_watermark_idle_partitions\{relation="ev"\} 3\b/);
  assert.match(text, /eddy_late_rows_total\{relation="ev"\} 1\b/);
});
