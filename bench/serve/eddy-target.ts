/**
 * @module bench/serve/eddy-target
 * Starts `eddy serve` in its own process on free loopback ports, as a user would run it, and stops
 * it with SIGTERM (SIGKILL if it has not exited 10 s later).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, processTreeCpuSec, type ServeTarget } from './serve-target.ts';

// EDDY_SERVE_ROOT serves another checkout (e.g. main, for a before/after comparison).
const ROOT = process.env.EDDY_SERVE_ROOT ?? fileURLToPath(new URL('../../', import.meta.url));
const startTimeoutMs = 30_000;
const stopTimeoutMs = 10_000;

/**
 * `extraArgs`: further `eddy serve` flags; by default in memory, as the serve suite compares.
 * `nodeFlags`: flags for Node.js itself (V8's, which NODE_OPTIONS does not take all of).
 */
export async function startEddy(
  extraArgs: readonly string[] = ['--in-memory'],
  nodeFlags: readonly string[] = [],
): Promise<ServeTarget> {
  const pgPort = await freePort();
  const httpPort = await freePort();
  // scripts/node.sh execs Node, so the child's pid is the server's own.
  const child = spawn(
    'sh',
    [
      'scripts/node.sh',
      ...nodeFlags,
      'src/cli/main.ts',
      'serve',
      '--pg-port',
      String(pgPort),
      '--http-port',
      String(httpPort),
      ...extraArgs,
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${why}: ${output.trim().split('\n').slice(-3).join(' | ')}`));
    };
    const onExit = (code: number | null, signal: string | null) =>
      fail(`eddy serve exited (code ${code}, signal ${signal})`);
    const timer = setTimeout(
      () => fail(`eddy serve did not start in ${startTimeoutMs / 1000} s`),
      startTimeoutMs,
    );
    const onData = (chunk: string) => {
      output += chunk;
      if (output.includes('eddy: serving PostgreSQL')) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.once('exit', onExit);
  });
  const pid = child.pid ?? 0;
  return {
    system: 'eddy',
    host: '127.0.0.1',
    port: pgPort,
    user: 'eddy',
    database: 'eddy',
    cpuSeconds: () => processTreeCpuSec(pid, false),
    metricsUrl: `http://127.0.0.1:${httpPort}/metrics`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
      await exited;
      clearTimeout(timer);
    },
  };
}
