/**
 * @module test/server/handshake-flood
 * Connections that never finish their handshake (partial HTTP headers, a partial pgwire startup
 * packet) are bounded per listener: past the bound the oldest is cut, each is cut after the
 * handshake timeout, and clients that do authenticate (psql, curl) keep getting answers during a
 * flood. Loopback only; the flood is a few hundred sockets, well under `ulimit -n`.
 */
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { HandshakeBound } from '../../src/server/handshake-bound.ts';
import { type EddyServer, serve } from '../../src/server/server.ts';
import { run, works } from '../clients/client-support.ts';
import { metric } from './http-support.ts';

const bound = 40;
const user = { name: 'alice', password: 'flood-test-pw' };
const havePsql = await works('psql', ['--version']);
const haveCurl = await works('curl', ['--version']);

let server: EddyServer;
let pgPort: number;
let httpPort: number;

before(async () => {
  server = await serve({
    host: '127.0.0.1',
    pgPort: 0,
    httpPort: 0,
    users: [user],
    handshake: { handshakesMax: bound, handshakeTimeoutMs: 20_000 },
  });
  pgPort = server.pg.address().port;
  httpPort = server.http.address().port;
});

after(async () => {
  await server.close();
});

interface HalfOpen {
  readonly socket: Socket;
  closed: boolean;
}

/** A socket that sends the start of a handshake and nothing more. */
async function halfOpen(port: number, firstBytes: Buffer | string): Promise<HalfOpen> {
  const socket = connect(port, '127.0.0.1');
  const entry: HalfOpen = { socket, closed: false };
  socket.on('error', () => {});
  socket.on('close', () => (entry.closed = true));
  await new Promise<void>((resolve) => {
    socket.once('connect', resolve);
    socket.once('close', resolve);
  });
  socket.write(firstBytes);
  return entry;
}

/** The first 6 bytes of a StartupMessage: a length, and half of the protocol version. */
const partialStartup = Buffer.from([0, 0, 0, 40, 0, 3]);
const partialHeaders = 'GET /views/t HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ';

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('a flood of half-open sockets is bounded, and psql and curl still get answers', {
  skip: havePsql && haveCurl ? false : 'psql or curl is not installed',
}, async () => {
  const flood: HalfOpen[] = [];
  try {
    // Three times the bound on each protocol, then a trickle while the real clients connect.
    for (let i = 0; i < 3 * bound; i++) {
      flood.push(await halfOpen(pgPort, partialStartup), await halfOpen(httpPort, partialHeaders));
    }
    await until(() => flood.filter((s) => !s.closed).length <= 2 * bound);
    let trickling = true;
    const trickle = (async () => {
      while (trickling) {
        flood.push(await halfOpen(pgPort, partialStartup), await halfOpen(httpPort, partialHeaders));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    try {
      const env = {
        PGHOST: '127.0.0.1',
        PGPORT: String(pgPort),
        PGUSER: user.name,
        PGPASSWORD: user.password,
        PGDATABASE: 'eddy',
        PGCONNECT_TIMEOUT: '10',
      };
      const psql = await run('psql', ['-X', '-At', '-c', 'SELECT current_user, 6 * 7'], {
        env,
        timeoutMs: 20_000,
      });
      assert.equal(psql.stderr, '');
      assert.equal(psql.stdout.trim(), 'alice|42');
      const curl = await run(
        'curl',
        [
          '-sS',
          '--max-time',
          '10',
          '-u',
          `${user.name}:${user.password}`,
          '-H',
          'Content-Type: text/plain',
          '--data',
          'SELECT current_user AS who',
          `http://127.0.0.1:${httpPort}/sql`,
        ],
        { timeoutMs: 20_000 },
      );
      assert.equal(curl.code, 0, curl.stderr);
      assert.match(curl.stdout, /"who"/);
      assert.match(curl.stdout, /"alice"/);
    } finally {
      trickling = false;
      await trickle;
    }
    // Never more pending than the bound per listener: everything older was cut.
    await until(() => flood.filter((s) => !s.closed).length <= 2 * bound);
    assert.ok(flood.length > 6 * bound);
    const base = `http://127.0.0.1:${httpPort}`;
    const auth = { Authorization: `Bearer ${user.password}` };
    for (const protocol of ['pgwire', 'http']) {
      const evicted = await metric(
        base,
        `eddy_handshakes_cut_total{protocol="${protocol}",reason="evicted"}`,
        auth,
      );
      assert.ok(evicted >= 2 * bound, `${protocol}: ${evicted} evicted`);
      const pending = await metric(base, `eddy_handshakes_pending{protocol="${protocol}"}`, auth);
      assert.ok(pending <= bound, `${protocol}: ${pending} pending`);
    }
  } finally {
    for (const s of flood) s.socket.destroy();
  }
});

test('the handshake bound evicts the oldest pending connection and times pending ones out', async () => {
  const sockets = Array.from({ length: 4 }, () => ({ destroyed: 0, once: () => {} }));
  const cuts: string[] = [];
  const handshakes = new HandshakeBound({ handshakesMax: 2, handshakeTimeoutMs: 50 });
  const admit = (i: number) =>
    handshakes.admit(sockets[i] as unknown as Socket, (reason) => cuts.push(`${i}:${reason}`));
  admit(0);
  admit(1);
  handshakes.authenticated(sockets[0] as unknown as Socket);
  admit(2); // 0 authenticated: 1 and 2 pending, nothing evicted
  assert.deepEqual(cuts, []);
  admit(3); // full: the oldest pending (1) goes
  assert.deepEqual(cuts, ['1:evicted']);
  assert.equal(handshakes.size, 2);
  await new Promise((r) => setTimeout(r, 120));
  assert.deepEqual(cuts, ['1:evicted', '2:timeout', '3:timeout']);
  assert.equal(handshakes.size, 0);
});

test('limits left undefined (flags not given) take the defaults, not an instant timeout', async () => {
  const handshakes = new HandshakeBound({ handshakesMax: undefined, handshakeTimeoutMs: undefined });
  assert.equal(handshakes.timeoutMs, 10_000);
  const cuts: string[] = [];
  const socket = { once: () => {} } as unknown as Socket;
  handshakes.admit(socket, (reason) => cuts.push(reason));
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(cuts, []);
  handshakes.authenticated(socket);
  assert.equal(handshakes.size, 0);
});

test('an HTTP connection without an authorised request is cut after the timeout; an authorised one stays', async () => {
  const quick = await serve({
    host: '127.0.0.1',
    pgPort: 0,
    httpPort: 0,
    users: [user],
    handshake: { handshakeTimeoutMs: 300 },
  });
  const port = quick.http.address().port;
  const slow = await halfOpen(port, partialHeaders);
  const kept = await halfOpen(port, '');
  try {
    const answers: string[] = [];
    kept.socket.setEncoding('utf8').on('data', (s: string) => answers.push(s));
    const authorisedRequest = `POST /sql HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${user.password}\r\nContent-Type: text/plain\r\nContent-Length: 8\r\n\r\nSELECT 1`;
    kept.socket.write(authorisedRequest);
    await until(() => answers.join('').includes('"rows"'));
    await until(() => slow.closed, 5000);
    // Well past the timeout, the authorised connection still serves a second request.
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(kept.closed, false);
    kept.socket.write(authorisedRequest);
    await until(() => answers.join('').split('"rows"').length === 3);
  } finally {
    slow.socket.destroy();
    kept.socket.destroy();
    await quick.close();
  }
});
