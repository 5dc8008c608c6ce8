/**
 * Journey 1's Eddy, as a process of its own (test/connectors/pg-journey.test.ts kills it with
 * SIGKILL and starts it again): opens a data directory, creates (once) the CDC source over the
 * upstream's orders and customers and the revenue-by-region view, and runs the PostgreSQL sink
 * of that view into `j_revenue_out` (keyed) and of a view over `j_log` into `j_log_out` (append-only). Prints `ready` once the sink runs. Args: data dir, upstream URL.
 */
import type { ViewEntry } from '../../src/catalog/catalog.ts';
import { PostgresSink } from '../../src/connectors/postgres/pg-sink.ts';
import { Eddy } from '../../src/eddy.ts';
import type { Database } from '../../src/runtime/database.ts';
import { inferKey, viewFeed } from '../../src/runtime/sinks/view-feed.ts';
import { addressOf } from '../../src/runtime/statements/create-postgres-source.ts';

const [dir, url] = process.argv.slice(2) as [string, string];
const u = new URL(url);
const eddy = await Eddy.open({ dir, checkpointInterval: 300 });
const db = (eddy as unknown as { db: Database }).db;
if (db.catalog.relation('j_revenue') === undefined) {
  await eddy.execute(`CREATE SECRET j_pw AS 'journey-secret';
    CREATE CONNECTION j_shop WITH (type = 'postgres', host = '${u.hostname}', port = ${u.port},
      user = '${decodeURIComponent(u.username)}', password = SECRET j_pw, dbname = '${u.pathname.slice(1)}')`);
  await eddy.execute(
    'CREATE SOURCE j_shop FROM POSTGRES CONNECTION j_shop FOR TABLES (j_orders, j_customers, j_log)',
  );
  await eddy.execute(`CREATE MATERIALIZED VIEW j_revenue AS
    SELECT c.region, sum(o.amount) AS revenue, count(*) AS orders
      FROM j_orders o JOIN j_customers c ON c.id = o.customer GROUP BY c.region`);
  await eddy.execute('CREATE MATERIALIZED VIEW j_log_view AS SELECT id, note FROM j_log');
}
const connection = db.catalog.connection('j_shop')!;
// Keyed (the view's GROUP BY key) and append-only (a view over a table without a key).
for (const [name, target] of [
  ['j_revenue', 'j_revenue_out'],
  ['j_log_view', 'j_log_out'],
] as const) {
  const view = db.catalog.relation(name) as ViewEntry;
  const sink = new PostgresSink(
    {
      name: target,
      address: addressOf(db, connection.spec),
      table: target,
      columns: view.schema,
      key: inferKey(db.catalog, view.plan),
      createTable: true,
    },
    (line) => process.stderr.write(`eddy: ${line}\n`),
  );
  await sink.start(viewFeed(db, name));
}
process.stdout.write('ready\n');
