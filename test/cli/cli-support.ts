/**
 * @module test/cli/cli-support
 * Runs the `eddy` command as a user runs it from a clone (`./eddy …`, a child process) and
 * collects its exit code and output; writes SQL scripts to a temporary folder.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `./eddy ARGS…` with `input` on its standard input (closed at once when absent). Each run gets
 * its own default data directory (EDDY_DATA_DIR) in the scratch folder: tests never touch the
 * user's own (~/.local/share/eddy/data), nor share one's lock.
 */
export function eddy(args: readonly string[], input = '', env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const dataDir = join(scratch, `data-${++dataDirs}`);
  return new Promise((resolve, reject) => {
    const child = spawn('sh', [join(repoRoot, 'eddy'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, EDDY_DATA_DIR: dataDir, ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

const scratch = mkdtempSync(join(tmpdir(), 'eddy-cli-test-'));
let files = 0;
let dataDirs = 0;

/** Writes `sql` to a new file in a temporary folder; returns its path. */
export function sqlFile(sql: string): string {
  return scratchFile(`script-${++files}.sql`, sql);
}

/** Writes a file of the given name to the temporary folder; returns its path. */
export function scratchFile(name: string, text: string): string {
  const path = join(scratch, name);
  writeFileSync(path, text);
  return path;
}
