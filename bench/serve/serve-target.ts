/**
 * @module bench/serve/serve-target
 * A server under test, as the suite sees it: where to connect, how much CPU it has used, and how
 * to stop it. Every target the suite starts is stopped by the suite, also when a phase fails.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { freePort } from '../../test/support/postgres-cluster.ts';
import type { ServeSystem } from './serve-result.ts';

export { freePort };

export interface ServeTarget {
  readonly system: ServeSystem;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  /** User + system CPU seconds of the server's processes so far (children that exited included). */
  cpuSeconds(): number;
  /** Eddy's HTTP /metrics address (PostgreSQL has none). */
  readonly metricsUrl?: string;
  stop(): Promise<void>;
}

const clockTicks = 100;

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid: number): string[] | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/**
 * CPU seconds of `pid`, with its reaped children (cutime, cstime) and, when `withChildren`, its
 * live children: PostgreSQL's backends exit with their connections and land in the postmaster's
 * cutime once reaped, so postmaster + live children covers every backend.
 */
export function processTreeCpuSec(pid: number, withChildren: boolean): number {
  const own = statFields(pid);
  if (own === null) return 0;
  // After the name: state(0) ppid(1) … utime(11) stime(12) cutime(13) cstime(14).
  let ticks = Number(own[11]) + Number(own[12]) + Number(own[13]) + Number(own[14]);
  if (withChildren) {
    for (const entry of readdirSync('/proc')) {
      if (entry.charCodeAt(0) < 48 || entry.charCodeAt(0) > 57) continue;
      const fields = statFields(Number(entry));
      if (fields !== null && Number(fields[1]) === pid) ticks += Number(fields[11]) + Number(fields[12]);
    }
  }
  return ticks / clockTicks;
}

/**
 * Busy CPU seconds of the whole machine, all cores (user, nice, system, irq, softirq, steal from
 * /proc/stat): with the server's and the suite's own, it shows how much other work ran meanwhile.
 */
export function machineBusyCpuSec(): number {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    return (user + nice + system + irq + softirq + (steal ?? 0)) / clockTicks;
  } catch {
    return 0;
  }
}
