/**
 * The workload a subscription-resume test kills (test/storage/subscribe-resume.test.ts): opens a
 * durable database in argv[2] (no periodic checkpoints), subscribes to view `v`, writes a step
 * at a time, checkpoints after argv[3] steps, subscribes to view `w` only then (so `w` is first
 * watched after the checkpoint), creates and subscribes to view `late`, writes argv[4] more steps, prints `ready STEP` and waits to be
 * killed. Every change a subscriber receives is printed as `change VIEW STEP JSON`.
 */
import { writeSync } from 'node:fs';
import { Eddy, type ViewChange } from '../../src/eddy.ts';

/** Synchronous: a line written is the parent's before any kill can land. */
const say = (line: string): void => void writeSync(1, `${line}\n`);
const print = (view: string) => (c: ViewChange) =>
  say(`change ${view} ${c.step} ${JSON.stringify(c.changes.map((x) => [x.row, x.weight]))}`);

const [dir, beforeText, afterText] = process.argv.slice(2);
const db = await Eddy.open({ dir: dir!, checkpointInterval: 0 });
await db.execute(`
  CREATE TABLE t (id int, g int);
  CREATE MATERIALIZED VIEW v AS SELECT g, count(*) AS n FROM t GROUP BY g;
  CREATE MATERIALIZED VIEW w AS SELECT id FROM t WHERE g = 0;
`);
db.subscribe('v', print('v'));
let id = 0;
const write = async (steps: number): Promise<void> => {
  for (let k = 0; k < steps; k++, id++) {
    // Every fifth step changes neither view: the history must imply it, not lose it.
    if (id % 5 === 4)
      await db.execute('CREATE TABLE IF NOT EXISTS other (x int); INSERT INTO other VALUES (1)');
    else await db.insert('t', [[id, id % 3]]);
  }
};
await write(Number(beforeText));
await db.checkpoint();
say(`checkpoint ${db.currentStep}`);
db.subscribe('w', print('w'));
say(`watch w ${db.currentStep}`);
await db.execute('CREATE MATERIALIZED VIEW late AS SELECT g, sum(id) AS s FROM t GROUP BY g');
db.subscribe('late', print('late'));
say(`watch late ${db.currentStep}`);
await write(Number(afterText));
say(`ready ${db.currentStep}`);
setInterval(() => {}, 60_000);
