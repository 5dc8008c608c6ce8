/**
 * @module test/clients/jdbc-journey
 * The client journey with JDBC (org.postgresql:postgresql from Maven Central): java/ is a Maven
 * project with one main class, built once into java/target (driver in .tools/m2); it runs the
 * session, DatabaseMetaData included, and prints what it saw; the checks are here.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import {
  type ClientServer,
  observations,
  repoRoot,
  requireClient,
  run,
  skipUnlessInstalled,
  startClientServer,
  transcript,
  works,
} from './client-support.ts';

const project = join(repoRoot, 'test/clients/java');
const mainClass = join(project, 'target/classes/eddy/clients/JdbcJourney.class');
const lib = join(project, 'target/lib');
const mavenArgs = ['-q', `-Dmaven.repo.local=${join(repoRoot, '.tools/m2')}`, '-f', join(project, 'pom.xml')];

/** Built, and newer than the pom and the source. */
function upToDate(): boolean {
  if (!existsSync(mainClass) || !existsSync(lib)) return false;
  if (!readdirSync(lib).some((f) => f.startsWith('postgresql-'))) return false;
  const built = statSync(mainClass).mtimeMs;
  const source = join(project, 'src/main/java/eddy/clients/JdbcJourney.java');
  return built >= statSync(join(project, 'pom.xml')).mtimeMs && built >= statSync(source).mtimeMs;
}

/** Builds offline from .tools/m2 when it can, else fetches; null when the client is ready. */
async function build(): Promise<string | null> {
  if (!(await works('java', ['-version'])))
    return 'java is not installed (apt-get install default-jdk-headless)';
  if (upToDate()) return null;
  if (!(await works('mvn', ['-v']))) return 'mvn is not installed (apt-get install maven)';
  const goals = ['package', '-DskipTests'];
  const offline = await run('mvn', [...mavenArgs, '-o', ...goals], { timeoutMs: 300_000 });
  if (offline.code === 0 && upToDate()) return null;
  const online = await run('mvn', [...mavenArgs, ...goals], { timeoutMs: 600_000 });
  if (online.code === 0 && upToDate()) return null;
  return `the JDBC journey did not build (mvn ${mavenArgs.join(' ')} package):\n${transcript(online).slice(-2000)}`;
}

const missing = await build();

let s: ClientServer;

before(async () => {
  s = await startClientServer();
});

after(async () => {
  await s.server.close();
});

test('JDBC: create, insert, materialize, parameters, metadata, a change through a cursor, errors', {
  skip: skipUnlessInstalled(missing),
  timeout: 60_000,
}, async () => {
  requireClient(missing);
  const classpath = `${join(project, 'target/classes')}:${join(lib, '*')}`;
  const url = `jdbc:postgresql://127.0.0.1:${s.pgPort}/eddy`;
  const done = await run('java', ['-cp', classpath, 'eddy.clients.JdbcJourney', url], { timeoutMs: 45_000 });
  const seen = observations(done.stdout);
  assert.deepEqual(seen.get('failed'), undefined, 'a client call failed (its step, SQLSTATE and message)');
  assert.equal(done.code, 0, transcript(done));
  const at = (step: string) => {
    const o = seen.get(step);
    assert.ok(o, `the journey reported "${step}"\n${transcript(done)}`);
    const { step: _, ...rest } = o;
    return rest;
  };
  console.log(`# pgjdbc ${at('version').driver}`);
  assert.deepEqual(at('insert'), { rows: 3 }, 'executeBatch counts every row');
  assert.deepEqual(at('columns'), { columns: ['total numeric 2', 'orders int8 -5'] }, 'java.sql.Types');
  assert.deepEqual(at('select'), { rows: Array(4).fill(['15.50 2', '20.00 1']).flat() });
  // As pgjdbc lists them on PostgreSQL 15: ordered by TABLE_TYPE, indexes included.
  assert.deepEqual(at('tables'), {
    tables: ['orders_pkey INDEX', 'revenue MATERIALIZED VIEW', 'orders TABLE'],
  });
  assert.deepEqual(at('columns of orders'), {
    columns: ['id int4 4 10 NO', 'region text 12 2147483647 NO', 'amount numeric 2 10 YES'],
  });
  const rows = (at('change').rows as string[]).map((r) => r.split(' '));
  assert.equal(rows.length, 2);
  assert.equal(rows[0]![0], rows[1]![0], 'one step');
  assert.deepEqual(rows.map((r) => r.slice(1).join(' ')).sort(), [
    'false -1 west 20.00 1',
    'false 1 west 21.00 2',
  ]);
  assert.deepEqual(at('duplicate key'), {
    sqlstate: '23505',
    message: 'duplicate key value violates unique constraint "orders_pkey"',
    detail: 'Key (id)=(1) already exists.',
    position: 0,
  });
  assert.deepEqual(at('undefined table'), {
    sqlstate: '42P01',
    message: 'relation "nowhere" does not exist',
    detail: null,
    position: 19,
  });
  assert.deepEqual(at('done'), {});
});
