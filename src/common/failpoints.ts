/**
 * @module common/failpoints
 * Named points in the durable paths where a crash test can make the process die abruptly, so
 * that recovery is exercised at exactly the seams that matter. `EDDY_FAILPOINTS="name@n,other@m"`
 * kills the process with SIGKILL the n-th time it passes `name` (counting from 1). `enospc@n`
 * is not a kill: the n-th durable write fails as if the disk were full. Unset, every call is a
 * counter check and nothing more. The names are documented in docs/reliability.md.
 */

/** Every failpoint, in the order a write meets them. */
export const failpointNames = [
  'log.before-append',
  'log.after-append',
  'group-commit.synced',
  'group-commit.ack',
  'checkpoint.before-write',
  'checkpoint.after-chunk',
  'checkpoint.after-manifest',
  'checkpoint.before-latest',
  'checkpoint.after-latest',
  'truncate.middle',
  'recovery.replay',
  'sink.after-commit',
  'enospc',
] as const;

export type FailpointName = (typeof failpointNames)[number];

/** Armed failpoints: how many more passes until each fires. */
let armed = parse(process.env.EDDY_FAILPOINTS ?? '');

function parse(spec: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of spec.split(',')) {
    const text = part.trim();
    if (text === '') continue;
    const m = /^([a-z.-]+)(?:@(\d+))?$/.exec(text);
    if (!m || !(failpointNames as readonly string[]).includes(m[1]!))
      throw new Error(`EDDY_FAILPOINTS: unknown failpoint "${text}" (known: ${failpointNames.join(', ')})`);
    out.set(m[1]!, Math.max(1, Number(m[2] ?? '1')));
  }
  return out;
}

/** Replaces the armed failpoints (tests in one process; others use the environment variable). */
export function setFailpoints(spec: string): void {
  armed = parse(spec);
}

/** Whether any failpoint is armed (lets hot paths take a slower, finer-grained route only then). */
export function failpointsArmed(): boolean {
  return armed.size > 0;
}

/** Counts a pass of `name`; true on the pass it was armed for (then it is disarmed). */
function fires(name: FailpointName): boolean {
  const left = armed.get(name);
  if (left === undefined) return false;
  if (left > 1) {
    armed.set(name, left - 1);
    return false;
  }
  armed.delete(name);
  return true;
}

/** Passes the failpoint `name`: dies at once (SIGKILL, no cleanup) if it is armed for this pass. */
export function failpoint(name: Exclude<FailpointName, 'enospc'>): void {
  if (armed.size === 0 || !fires(name)) return;
  process.kill(process.pid, 'SIGKILL');
}

/** Whether the durable write about to happen must fail as disk-full (`enospc@n`). */
export function diskFullInjected(): boolean {
  return armed.size > 0 && fires('enospc');
}
