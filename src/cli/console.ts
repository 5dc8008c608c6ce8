/**
 * @module cli/console
 * `eddy console --url URL`: checks that the server answers, prints the console's address and
 * opens it with $BROWSER or the system's opener (xdg-open, open, start). The console itself is
 * served by the server (server/http/console-assets); this command only points a browser at it.
 */
import { spawn } from 'node:child_process';
import { CommandFailure } from './command-line.ts';
import type { consoleCommand, ParsedCommandLine } from './commands.ts';
import { fetchFrom } from './remote.ts';

export async function runConsole({ values }: ParsedCommandLine<typeof consoleCommand>): Promise<number> {
  const url = values.url ?? 'http://127.0.0.1:6876';
  const health = await fetchFrom(url, '/health');
  if (!health.ok) throw new CommandFailure(`${url} answers /health with HTTP ${health.status}`);
  const page = new URL('/', url).href;
  process.stdout.write(`eddy: the console is at ${page}\n`);
  if (values.print) return 0;
  const opened = await openInBrowser(page);
  if (!opened) process.stdout.write('eddy: no browser could be started; open the address above yourself\n');
  return 0;
}

/** Starts the browser on `page`; false when no opener could be started. */
function openInBrowser(page: string): Promise<boolean> {
  const [command, ...args] = process.env.BROWSER
    ? [process.env.BROWSER]
    : process.platform === 'darwin'
      ? ['open']
      : process.platform === 'win32'
        ? ['cmd', '/c', 'start', '""']
        : ['xdg-open'];
  return new Promise((resolve) => {
    const child = spawn(command!, [...args, page], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}
