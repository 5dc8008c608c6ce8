/**
 * @module bench/serve/postgres-target
 * PostgreSQL 15 as a serve-benchmark target: a throwaway cluster (test/support/postgres-cluster)
 * with the benchmark's settings, seen through the suite's ServeTarget interface.
 */
import { PG_BIN, postgresVersion, startPostgresCluster } from '../../test/support/postgres-cluster.ts';
import { processTreeCpuSec, type ServeTarget } from './serve-target.ts';

export { PG_BIN, postgresVersion };

/**
 * Settings beyond initdb's defaults. Eddy keeps its database in memory for now (durability is the
 * storage issue's), so PostgreSQL skips fsync too; everything else is as initdb leaves it.
 */
export const POSTGRES_SETTINGS = ['fsync=off'] as const;

export async function startPostgres(): Promise<ServeTarget> {
  const cluster = await startPostgresCluster({ settings: POSTGRES_SETTINGS });
  return {
    system: 'postgres',
    host: cluster.host,
    port: cluster.port,
    user: cluster.user,
    database: cluster.database,
    cpuSeconds: () => processTreeCpuSec(cluster.postmasterPid, true),
    stop: () => cluster.stop(),
  };
}
