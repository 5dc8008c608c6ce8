/**
 * @module test/support/services
 * Which real services (scripts/services.ts) a suite may use. A suite needing one calls
 * `requireService`: with the service's variable set it runs; without it, it skips with one line
 * saying how to enable it; and with EDDY_REQUIRE_SERVICES=1 (CI) a missing service fails the
 * suite instead of skipping it, so CI cannot pass without running it.
 */
import { test } from 'node:test';

export type ServiceName = 'kafka' | 'postgres' | 'nats';

const variables: Record<ServiceName, string> = {
  kafka: 'EDDY_KAFKA_BROKERS',
  postgres: 'EDDY_PG_URL',
  nats: 'EDDY_NATS_URL',
};

const howTo =
  'start them with \'npm run services -- up\' and export their addresses: set -a; eval "$(npm run -s services -- env)"; set +a';

/**
 * The service's address, or a `skip` reason when it is not configured; throws when
 * EDDY_REQUIRE_SERVICES=1 and it is missing.
 */
export function serviceAddress(service: ServiceName): { address: string } | { skip: string } {
  const variable = variables[service];
  const address = process.env[variable];
  if (address !== undefined && address !== '') return { address };
  if (process.env.EDDY_REQUIRE_SERVICES === '1')
    throw new Error(`${variable} is not set but EDDY_REQUIRE_SERVICES=1: ${howTo}`);
  return { skip: `${variable} is not set: ${howTo}` };
}

/**
 * Runs `body(address)` as a test when the service is there; else one skipped test saying why
 * (or, with EDDY_REQUIRE_SERVICES=1, one failing test).
 */
export function withService(
  service: ServiceName,
  name: string,
  body: (address: string) => Promise<void>,
): void {
  withServices([service], name, (address) => body(address));
}

/**
 * `withService` for a suite that needs several services: runs `body` with their addresses (in
 * the order named) when all are there; else one skipped test naming the first one missing (or,
 * with EDDY_REQUIRE_SERVICES=1, one failing test).
 */
export function withServices(
  services: readonly ServiceName[],
  name: string,
  body: (...addresses: string[]) => Promise<void>,
): void {
  const addresses: string[] = [];
  for (const service of services) {
    let found: ReturnType<typeof serviceAddress>;
    try {
      found = serviceAddress(service);
    } catch (err) {
      test(name, () => {
        throw err;
      });
      return;
    }
    if ('skip' in found) {
      test(name, { skip: found.skip }, () => {});
      return;
    }
    addresses.push(found.address);
  }
  test(name, () => body(...addresses));
}
