/**
 * The workload a crash test kills (test/storage/crash.test.ts): opens a durable database in
 * argv[2] and inserts rows with ids from argv[3] on, eight writes in flight at a time (so group
 * commit shares syncs), printing `ack ID` once each insert's promise resolves. Checkpoints run
 * every argv[4] ms. It runs until killed (or a failpoint kills it), or exits after argv[5] rows.
 */
import { writeSync } from 'node:fs';
import { Eddy } from '../../src/eddy.ts';

/** Synchronous: a line written is the parent's before any kill can land. */
const say = (line: string): void => void writeSync(1, `${line}\n`);

const [dir, firstText, intervalText, rowsText] = process.argv.slice(2);
const db = await Eddy.open({ dir: dir!, checkpointInterval: Number(intervalText) });
await db.execute(`
  CREATE TABLE IF NOT EXISTS items (id int, grp int, v float8);
  CREATE MATERIALIZED VIEW IF NOT EXISTS per_group AS
    SELECT grp, count(*) AS n, min(v) AS lo, max(v) AS hi FROM items GROUP BY grp;
`);
let next = Number(firstText);
const last = next + Number(rowsText);
const write = async (): Promise<void> => {
  while (next < last) {
    const id = next++;
    say(`try ${id}`);
    await db.insert('items', [[id, id % 7, id * 0.5]]);
    say(`ack ${id}`);
    if (id % 50 === 0) {
      say(`trydel ${id - 25}`);
      await db.execute('DELETE FROM items WHERE id = $1', [id - 25]);
      say(`del ${id - 25}`);
    }
  }
};
await Promise.all(Array.from({ length: 8 }, write));
await db.close();
