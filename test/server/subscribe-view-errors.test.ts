/**
 * @module test/server/subscribe-view-errors
 * Subscribers hear when a view enters a row-error state and when it leaves it, on every protocol:
 * SSE and WebSocket `view-error` / `view-error-cleared` events, and pgwire notices among the rows
 * (WARNING with the error's SQLSTATE, then NOTICE 00000); a new subscription to a view in error
 * starts (with the rows that computed) instead of failing. And psql itself: a plain
 * `SUBSCRIBE TO v` prints a NOTICE at once naming the forms that show rows as they come.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { type EddyServer, serve } from '../../src/server/server.ts';
import { works } from '../clients/client-support.ts';
import { SseClient } from './http-support.ts';
import { type BackendMessage, copyLines, fe, fieldsOf, RawClient } from './pgwire-support.ts';

// Before any test is declared: node:test starts running tests at the first await of the module.
const havePsql = await works('psql', ['--version']);

let server: EddyServer;
let pgPort: number;
let base: string;

before(async () => {
  server = await serve({ host: '127.0.0.1', pgPort: 0, httpPort: 0 });
  pgPort = server.pg.address().port;
  base = `http://127.0.0.1:${server.http.address().port}`;
});

after(async () => {
  await server.close();
});

async function sql(script: string): Promise<void> {
  const res = await fetch(`${base}/sql`, {
    method: 'POST',
    headers: { 'Content-Type': 'text/plain' },
    body: script,
  });
  assert.equal(res.status, 200, await res.text());
}

interface WsMessage {
  readonly event: string;
  readonly step: number;
  readonly error?: { code: string; message: string };
}

/** A WebSocket subscription whose messages are read in order. */
async function openWs(
  url: string,
): Promise<{ until: (event: string) => Promise<WsMessage>; close: () => void }> {
  const ws = new WebSocket(url);
  const queue: WsMessage[] = [];
  let wake: (() => void) | null = null;
  ws.addEventListener('message', (e) => {
    queue.push(JSON.parse(String(e.data)) as WsMessage);
    wake?.();
  });
  await new Promise((resolve, reject) => {
    ws.addEventListener('open', resolve);
    ws.addEventListener('error', reject);
  });
  return {
    async until(event) {
      const deadline = Date.now() + 5000;
      for (;;) {
        const m = queue.shift();
        if (m?.event === event) return m;
        if (m) continue;
        if (Date.now() > deadline) throw new Error(`no ${event} message in time`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => ws.close(),
  };
}

/** pgwire messages up to and including the first notice (type N). */
async function untilNotice(
  raw: RawClient,
): Promise<{ before: BackendMessage[]; notice: Record<string, string> }> {
  const messages = await raw.until('N');
  const notice = messages.pop();
  assert.equal(notice?.type, 'N');
  return { before: messages, notice: fieldsOf(notice!) };
}

test('a view entering and leaving a row-error state: events on SSE and WebSocket, notices on COPY', async () => {
  await sql('CREATE TABLE t (a int, b int); CREATE MATERIALIZED VIEW v AS SELECT a / b AS q FROM t');
  await sql('INSERT INTO t VALUES (6, 3)');
  const sse = await SseClient.open(`${base}/subscribe/v`);
  assert.equal(sse.status, 200);
  assert.deepEqual((await sse.until('snapshot')).at(-1)!.data.rows, [[2]]);
  const ws = await openWs(`${base.replace('http:', 'ws:')}/subscribe/v`);
  await ws.until('snapshot');
  const raw = await RawClient.connect(pgPort);
  raw.send(fe.query('COPY (SUBSCRIBE v WITH (progress = false)) TO STDOUT'));
  await raw.until('d'); // the snapshot row
  try {
    await sql('INSERT INTO t VALUES (1, 0), (10, 5)');
    const failing = server.db.currentStep;
    const sseError = (await sse.until('view-error')).at(-1)!;
    assert.equal(sseError.id, String(failing));
    assert.deepEqual(sseError.data, {
      step: failing,
      error: { code: '22012', message: 'division by zero' },
    });
    const wsError = await ws.until('view-error');
    assert.deepEqual([wsError.step, wsError.error?.code], [failing, '22012']);
    // The row that computed arrives first, then the warning, in step order.
    const copy = await untilNotice(raw);
    assert.deepEqual(copyLines(copy.before), [`${failing}\tf\t1\t2`]);
    assert.deepEqual([copy.notice.S, copy.notice.C, copy.notice.M], ['WARNING', '22012', 'division by zero']);
    assert.match(copy.notice.D!, new RegExp(`as of step ${failing}`));

    // A new subscription while the error lasts starts with the rows that computed, then the error.
    const late = await SseClient.open(`${base}/subscribe/v`);
    assert.equal(late.status, 200);
    const lateEvents = await late.until('view-error');
    assert.deepEqual(
      lateEvents.map((e) => e.event),
      ['snapshot', 'view-error'],
    );
    assert.deepEqual(lateEvents[0]!.data.rows.sort(), [[2], [2]]);
    late.close();

    await sql('DELETE FROM t WHERE b = 0');
    const cleared = server.db.currentStep;
    assert.deepEqual((await sse.until('view-error-cleared')).at(-1)!.data, { step: cleared });
    assert.equal((await ws.until('view-error-cleared')).step, cleared);
    const back = await untilNotice(raw);
    assert.deepEqual([back.notice.S, back.notice.C], ['NOTICE', '00000']);
    assert.match(back.notice.M!, new RegExp(`cleared at step ${cleared}`));
  } finally {
    sse.close();
    ws.close();
    raw.end();
  }
});

/**
 * psql with `args`, until `done(stderr, stdout)` holds; then interrupted as a user would (Ctrl-C).
 * `meanwhile` runs once psql is under way (whether it runs before or after psql subscribes, the
 * outcome is the same: a subscription starting in an error state is told so at once).
 */
function psqlUntil(
  args: readonly string[],
  done: (stderr: string, stdout: string) => boolean,
  meanwhile: () => Promise<void> = async () => {},
): Promise<{ stdout: string; stderr: string }> {
  const child = spawn('psql', ['-X', '-h', '127.0.0.1', '-p', String(pgPort), '-U', 'eddy', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`psql: condition not met in time; stdout: ${stdout}; stderr: ${stderr}`));
    }, 15_000);
    setTimeout(() => meanwhile().catch(reject), 300);
    const check = () => {
      if (done(stderr, stdout)) {
        clearTimeout(timer);
        child.once('close', () => resolve({ stdout, stderr }));
        child.kill('SIGINT');
      }
    };
    child.stdout.setEncoding('utf8').on('data', (s: string) => {
      stdout += s;
      check();
    });
    child.stderr.setEncoding('utf8').on('data', (s: string) => {
      stderr += s;
      check();
    });
  });
}

test('psql: a plain SUBSCRIBE prints a NOTICE at once; COPY (SUBSCRIBE …) shows the view error as a WARNING', {
  skip: havePsql ? false : 'psql is not installed',
}, async () => {
  await sql('CREATE TABLE p (a int, b int); CREATE MATERIALIZED VIEW pv AS SELECT a / b AS q FROM p');
  await sql('INSERT INTO p VALUES (4, 2)');
  const plain = await psqlUntil(['-c', 'SUBSCRIBE TO pv;'], (stderr) => stderr.includes('HINT'));
  assert.match(plain.stderr, /^NOTICE: {2}SUBSCRIBE streams rows until it is cancelled/m);
  assert.match(
    plain.stderr,
    /HINT: {2}To see rows as they arrive, run COPY \(SUBSCRIBE TO pv\) TO STDOUT, or use a cursor: BEGIN; DECLARE c CURSOR FOR SUBSCRIBE TO pv; FETCH ALL c;/,
  );
  const copy = await psqlUntil(
    ['-c', 'COPY (SUBSCRIBE pv WITH (progress = false)) TO STDOUT'],
    (stderr) => stderr.includes('division by zero'),
    () => sql('INSERT INTO p VALUES (1, 0)'),
  );
  // psql buffers COPY output on a pipe: the snapshot row shows once it stops.
  assert.match(copy.stdout, /^\d+\tf\t1\t2$/m);
  assert.match(copy.stderr, /^WARNING: {2}division by zero/m);
  await sql('DELETE FROM p WHERE b = 0');
});
