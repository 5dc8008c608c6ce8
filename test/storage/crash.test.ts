/**
 * Crashes of a durable database in a child process (test/storage/crash-child.ts): killed by
 * SIGKILL from outside mid-workload, and killed by its own failpoints inside the log append,
 * group commit, checkpoint writing, log truncation and recovery replay. After each, recovery
 * must hold every acknowledged insert exactly once, no acknowledged delete, nothing never
 * tried, and the view must equal a batch evaluation. (The seeded campaign is test/chaos/.)
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Eddy } from '../../src/eddy.ts';

const node = process.execPath;
const child = new URL('./crash-child.ts', import.meta.url).pathname;
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Outcome {
  readonly signal: NodeJS.Signals | null;
  /** Whether this test killed it (else it died by itself: a failpoint). */
  killedByTest: boolean;
  readonly tried: Set<number>;
  readonly acked: Set<number>;
  readonly delTried: Set<number>;
  readonly deleted: Set<number>;
}

/** Runs the child; kills it after `killAfterAcks` acknowledgements (if given). */
function runChild(
  dir: string,
  first: number,
  options: { failpoints?: string; killAfterAcks?: number; checkpointIntervalMs?: number },
): Promise<Outcome> {
  const interval = String(options.checkpointIntervalMs ?? 40);
  const proc = spawn(node, [child, dir, String(first), interval, '100000'], {
    env: { ...process.env, EDDY_FAILPOINTS: options.failpoints ?? '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: Outcome = {
    signal: null,
    killedByTest: false,
    tried: new Set(),
    acked: new Set(),
    delTried: new Set(),
    deleted: new Set(),
  };
  let buffered = '';
  let stderr = '';
  proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  proc.stdout.setEncoding('utf8').on('data', (s: string) => {
    buffered += s;
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const [what, id] = line.split(' ');
      const set = { try: out.tried, ack: out.acked, trydel: out.delTried, del: out.deleted }[what!];
      set?.add(Number(id));
      if (
        options.killAfterAcks !== undefined &&
        out.acked.size >= options.killAfterAcks &&
        !out.killedByTest
      ) {
        out.killedByTest = true;
        proc.kill('SIGKILL');
      }
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`the child did not die in time; stderr: ${stderr}`));
    }, 60_000);
    // 'close', not 'exit': every line the child wrote has been read by then.
    proc.once('close', (_code, signal) => {
      clearTimeout(timer);
      resolve({ ...out, signal });
    });
  });
}

/** Recovers the directory in this process and checks it against what the child reported. */
async function check(dir: string, outcome: Outcome, history: Outcome[]): Promise<number> {
  history.push(outcome);
  const db = await Eddy.open({ dir, checkpointInterval: 0 });
  try {
    const rows = (await db.query<[number, number]>('SELECT id, count(*)::int FROM items GROUP BY id')).rows;
    const present = new Map(rows.map(([id, n]) => [id, n]));
    const all = (key: 'tried' | 'acked' | 'delTried' | 'deleted') =>
      new Set(history.flatMap((h) => [...h[key]]));
    const [tried, acked, delTried, deleted] = [all('tried'), all('acked'), all('delTried'), all('deleted')];
    for (const [id, n] of present) {
      assert.equal(n, 1, `row ${id} is there ${n} times`);
      assert.ok(tried.has(id), `row ${id} was never written`);
      assert.ok(!deleted.has(id), `row ${id} was deleted (acknowledged) but is back`);
    }
    for (const id of acked)
      if (!delTried.has(id)) assert.ok(present.has(id), `acknowledged row ${id} is lost`);
    const stored = (await db.query('SELECT * FROM per_group ORDER BY grp')).rows;
    const fresh = (
      await db.query(
        'SELECT grp, count(*) AS n, min(v) AS lo, max(v) AS hi FROM items GROUP BY grp ORDER BY grp',
      )
    ).rows;
    assert.deepEqual(stored, fresh);
    return Math.max(0, ...tried) + 1;
  } finally {
    await db.close();
  }
}

test('SIGKILL at random points of a workload loses and duplicates nothing acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-crash-'));
  dirs.push(dir);
  const history: Outcome[] = [];
  let first = 1;
  for (const acks of [30, 120, 75]) {
    const outcome = await runChild(dir, first, { killAfterAcks: acks });
    assert.equal(outcome.signal, 'SIGKILL');
    first = await check(dir, outcome, history);
  }
});

test('a crash at each failpoint recovers exactly what was acknowledged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'eddy-crash-fp-'));
  dirs.push(dir);
  const history: Outcome[] = [];
  let first = 1;
  for (const failpoints of [
    'log.after-append@40',
    'group-commit.synced@30',
    'group-commit.ack@25',
    'log.before-append@60',
    'checkpoint.after-chunk@2',
    'checkpoint.after-manifest@1',
    'checkpoint.before-latest@2',
    'checkpoint.after-latest@2',
    'truncate.middle@1',
  ]) {
    const outcome = await runChild(dir, first, { failpoints, killAfterAcks: 3000 });
    assert.equal(outcome.signal, 'SIGKILL', failpoints);
    assert.ok(!outcome.killedByTest, `${failpoints} never fired`);
    first = await check(dir, outcome, history);
  }
  // A log tail to replay: a run without checkpoints, killed; then a start that dies replaying it.
  const unchecked = await runChild(dir, first, { killAfterAcks: 60, checkpointIntervalMs: 0 });
  history.push(unchecked);
  const replay = await runChild(dir, Math.max(...unchecked.tried) + 1, { failpoints: 'recovery.replay@3' });
  assert.equal(replay.signal, 'SIGKILL');
  assert.ok(!replay.killedByTest && replay.tried.size === 0, 'recovery.replay never fired');
  await check(dir, replay, history);
});
