/**
 * @module test/prerequisites
 * One rule for tests that need something outside the repository (a client program, openssl, a
 * feature Eddy may not have yet): outside CI a missing prerequisite skips the test with its reason;
 * with CI=true the test runs and fails, so a CI run never passes by skipping.
 */
import assert from 'node:assert/strict';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export const inCi = process.env.CI === 'true';

/**
 * The `skip` option of a test that needs something: the reason when it is missing outside CI, else
 * false (in CI the test then runs, and `requirePrerequisite` fails it).
 */
export function skipUnlessPresent(missing: string | null): string | false {
  return missing !== null && !inCi ? missing : false;
}

/** First statement of such a test: fails it (in CI) when the prerequisite is missing. */
export function requirePrerequisite(missing: string | null): void {
  if (missing !== null) assert.fail(`${missing} (CI=true: tests may not skip for a missing prerequisite)`);
}

/** Skips the running test outside CI, fails it in CI: for prerequisites found only once it runs. */
export function skipOrFail(t: { skip(message: string): void }, missing: string): void {
  if (inCi) assert.fail(`${missing} (CI=true: tests may not skip for a missing prerequisite)`);
  t.skip(missing);
}

/** The full path of an executable `command` found on PATH, or undefined. */
export function findOnPath(command: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not in this folder
    }
  }
  return undefined;
}
