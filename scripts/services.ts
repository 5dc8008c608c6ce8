/**
 * @module scripts/services
 * `npm run services -- up | down | env | status`: the real services the connector suites run against,
 * for development and CI. `up` installs what is missing (nats-server from Debian, the Kafka broker's
 * jars from Maven Central through scripts/services/kafka/pom.xml into .tools/kafka) and starts, on
 * loopback and spare ports with their data under one temporary folder:
 * PostgreSQL 15 (wal_level = logical), Apache Kafka in KRaft mode (one broker that is also its
 * controller, transactions enabled) and nats-server with JetStream. `env` prints their addresses as
 * shell assignments (`eval "$(npm run -s services -- env)"`); `down` stops them and removes the folder.
 * What is running is recorded in a state file beside the folder, named after this clone, so two
 * clones on one machine do not share services.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort, startPostgresCluster, stopPostgresCluster } from '../test/support/postgres-cluster.ts';

const repo = resolve(import.meta.dirname, '..');
const clone = createHash('sha256').update(repo).digest('hex').slice(0, 10);
const statePath = join(tmpdir(), `eddy-services-${clone}.json`);
const kafkaLib = join(repo, '.tools', 'kafka', 'lib');

interface ServicesState {
  readonly root: string;
  readonly pg: { readonly root: string; readonly url: string };
  readonly kafka: { readonly pid: number; readonly brokers: string; readonly startMs: number };
  readonly nats: { readonly pid: number; readonly url: string };
}

function log(message: string): void {
  process.stderr.write(`services: ${message}\n`);
}

function readState(): ServicesState | null {
  if (!existsSync(statePath)) return null;
  return JSON.parse(readFileSync(statePath, 'utf8')) as ServicesState;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Installs nats-server (Debian) and the Kafka jars (Maven Central) when they are missing. */
function install(): void {
  if (!commandExists('nats-server')) {
    log('installing nats-server (apt-get)');
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'nats-server'], {
      stdio: 'ignore',
    });
  }
  if (!existsSync(kafkaLib) || !readdirSync(kafkaLib).some((f) => f.startsWith('kafka_2.13-'))) {
    log('fetching the Kafka broker from Maven Central (mvn dependency:copy-dependencies)');
    execFileSync(
      'mvn',
      [
        '-q',
        '-B',
        `-Dmaven.repo.local=${join(repo, '.tools', 'm2')}`,
        '-f',
        join(repo, 'scripts', 'services', 'kafka', 'pom.xml'),
        'dependency:copy-dependencies',
        '-DincludeScope=runtime',
        `-DoutputDirectory=${kafkaLib}`,
      ],
      { stdio: ['ignore', 'ignore', 'inherit'] },
    );
  }
}

function commandExists(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Resolves once `host:port` accepts a connection, or rejects after `timeoutMs`. */
async function waitForPort(port: number, timeoutMs: number, what: string, pid: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((done) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        done(true);
      });
      socket.once('error', () => done(false));
    });
    if (open) return;
    if (!alive(pid)) throw new Error(`${what} exited while starting`);
    if (Date.now() > deadline) throw new Error(`${what} did not listen on port ${port} in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Resolves once `file` contains `text` (a service's "started" log line). */
async function waitForLine(file: string, text: string, timeoutMs: number, what: string, pid: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(existsSync(file) && readFileSync(file, 'utf8').includes(text))) {
    if (!alive(pid)) throw new Error(`${what} exited while starting; see ${file}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start in ${timeoutMs} ms; see ${file}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts a detached process writing to `logFile`; it outlives this script until `down`. */
function startDetached(command: string, args: readonly string[], logFile: string): number {
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, { detached: true, stdio: ['ignore', out, out] });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  return child.pid;
}

/** Runs `wait`; if it fails, the process it waited for is stopped before the error goes on. */
async function stoppedOnFailure(pid: number, wait: () => Promise<void>): Promise<void> {
  try {
    await wait();
  } catch (err) {
    await stopProcess(pid, 5_000);
    throw err;
  }
}

async function startKafka(root: string): Promise<ServicesState['kafka']> {
  const started = performance.now();
  const dir = join(root, 'kafka');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const controllerPort = await freePort();
  const properties = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    `log.dirs=${join(dir, 'data')}`,
    'num.partitions=1',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
  ];
  const config = join(dir, 'server.properties');
  writeFileSync(config, `${properties.join('\n')}\n`);
  const log4j = join(dir, 'log4j.properties');
  writeFileSync(
    log4j,
    [
      'log4j.rootLogger=INFO, file',
      'log4j.appender.file=org.apache.log4j.FileAppender',
      `log4j.appender.file.File=${join(dir, 'broker.log')}`,
      'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
      'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
      'log4j.logger.kafka=INFO',
      'log4j.logger.org.apache.kafka=WARN',
      '',
    ].join('\n'),
  );
  const java = [
    '-Xms128m',
    '-Xmx512m',
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    `-Dlog4j.configuration=file:${log4j}`,
    '-cp',
    `${kafkaLib}/*`,
  ];
  const clusterId = randomBytes(16).toString('base64url').slice(0, 22);
  execFileSync('java', [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', config], {
    stdio: 'ignore',
  });
  const pid = startDetached('java', [...java, 'kafka.Kafka', config], join(dir, 'stdout.log'));
  await stoppedOnFailure(pid, async () => {
    await waitForLine(join(dir, 'broker.log'), 'Kafka Server started', 120_000, 'Kafka', pid);
    await waitForPort(port, 10_000, 'Kafka', pid);
  });
  const startMs = Math.round(performance.now() - started);
  return { pid, brokers: `127.0.0.1:${port}`, startMs };
}

async function startNats(root: string): Promise<ServicesState['nats']> {
  const dir = join(root, 'nats');
  mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const args = ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', join(dir, 'jetstream')];
  const pid = startDetached('nats-server', args, join(dir, 'nats.log'));
  await stoppedOnFailure(pid, () => waitForPort(port, 20_000, 'nats-server', pid));
  return { pid, url: `nats://127.0.0.1:${port}` };
}

async function up(): Promise<void> {
  const existing = readState();
  if (existing && alive(existing.kafka.pid) && alive(existing.nats.pid)) {
    log(`already running (state in ${statePath})`);
    return;
  }
  if (existing) await down();
  install();
  const root = join(tmpdir(), `eddy-services-${clone}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  const started = performance.now();
  const [pgStart, kafkaStart, natsStart] = await Promise.allSettled([
    startPostgresCluster({
      settings: ['wal_level=logical', 'max_replication_slots=10', 'max_wal_senders=10'],
    }),
    startKafka(root),
    startNats(root),
  ]);
  if (pgStart.status === 'rejected' || kafkaStart.status === 'rejected' || natsStart.status === 'rejected') {
    // Nothing half-started is left behind: what did start is stopped again.
    if (pgStart.status === 'fulfilled') await pgStart.value.stop();
    if (kafkaStart.status === 'fulfilled') await stopProcess(kafkaStart.value.pid, 15_000);
    if (natsStart.status === 'fulfilled') await stopProcess(natsStart.value.pid, 5_000);
    rmSync(root, { recursive: true, force: true });
    const failed = [pgStart, kafkaStart, natsStart].find((r) => r.status === 'rejected');
    throw failed?.reason;
  }
  const [pg, kafka, nats] = [pgStart.value, kafkaStart.value, natsStart.value];
  const state: ServicesState = { root, pg: { root: pg.root, url: pg.url }, kafka, nats };
  writeFileSync(statePath, JSON.stringify(state, null, 2));
  log(
    `up in ${Math.round(performance.now() - started)} ms (Kafka ${kafka.startMs} ms): ` +
      `PostgreSQL ${pg.url}, Kafka ${kafka.brokers}, NATS ${nats.url}`,
  );
}

/** Stops a detached service: SIGTERM, then SIGKILL if it is still there after `graceMs`. */
async function stopProcess(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  if (alive(pid)) process.kill(pid, 'SIGKILL');
}

async function down(): Promise<void> {
  const state = readState();
  if (!state) {
    log('nothing running');
    return;
  }
  await Promise.all([
    stopProcess(state.kafka.pid, 15_000),
    stopProcess(state.nats.pid, 5_000),
    stopPostgresCluster(state.pg.root).catch((e: unknown) => log(`PostgreSQL: ${String(e)}`)),
  ]);
  rmSync(state.root, { recursive: true, force: true });
  rmSync(statePath, { force: true });
  log('down');
}

function env(): void {
  const state = readState();
  if (!state) {
    log("nothing running: 'npm run services -- up' starts the services");
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    [
      `EDDY_PG_URL=${state.pg.url}`,
      `EDDY_KAFKA_BROKERS=${state.kafka.brokers}`,
      `EDDY_NATS_URL=${state.nats.url}`,
      '',
    ].join('\n'),
  );
}

const command = process.argv[2];
try {
  if (command === 'up') await up();
  else if (command === 'down') await down();
  else if (command === 'env') env();
  else {
    log('usage: npm run services -- up | down | env');
    process.exitCode = 2;
  }
} catch (err) {
  log(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
