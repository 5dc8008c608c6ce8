/**
 * @module cli/commands
 * Every `eddy` command's flags, in one table that `--help` and argument parsing both read. This
 * file imports nothing heavy, so `eddy --help` and `eddy status` never load the engine; each
 * command's code is loaded only when it runs (see main.ts).
 */
import type { CommandSpec, parseCommandLine } from './command-line.ts';

const defaultHttpUrl = 'http://127.0.0.1:6876';

const urlOption = {
  url: {
    type: 'string',
    value: 'URL',
    help: `a running server's HTTP address (e.g. ${defaultHttpUrl}); credentials from EDDY_USER / EDDY_PASSWORD`,
  },
} as const;

export const serveCommand = {
  name: 'serve',
  summary:
    'Serves one database over the PostgreSQL wire protocol and HTTP until SIGINT / SIGTERM.\n' +
    'Users may also come from EDDY_USERS (name:password,name:password), out of the process list.',
  options: {
    host: { type: 'string', value: 'HOST', default: '127.0.0.1', help: 'address to listen on' },
    'pg-port': {
      type: 'string',
      value: 'N',
      default: '6875',
      help: 'PostgreSQL wire protocol port (0: any free)',
    },
    'http-port': { type: 'string', value: 'N', default: '6876', help: 'HTTP API port (0: any free)' },
    'data-dir': {
      type: 'string',
      value: 'DIR',
      help: 'data folder, durable (default: $EDDY_DATA_DIR, else ~/.local/share/eddy/data)',
    },
    'in-memory': { type: 'boolean', help: 'keep the database in memory only: nothing survives a restart' },
    'checkpoint-interval': {
      type: 'string',
      value: 'MS',
      help: 'milliseconds between checkpoints of the data folder (10000; 0: only at shutdown)',
    },
    checkpoints: {
      type: 'string',
      value: 'full|incremental',
      help: 'what each checkpoint writes: everything (full, default) or the changes since the previous one (incremental)',
    },
    'log-sync': {
      type: 'string',
      value: 'pool|turn',
      help: "where the input log's fdatasync runs: libuv's thread pool (pool, default) or the event loop at the end of a turn",
    },
    'memory-budget': {
      type: 'string',
      value: 'SIZE',
      help: 'anonymous resident memory to stay under (256MB, 2GB); colder state spills to --data-dir',
    },
    'subscription-history-rows': {
      type: 'string',
      value: 'N',
      help: 'rows of change history kept per subscribed view for resuming subscribers (100000)',
    },
    user: {
      type: 'string',
      value: 'NAME:PASSWORD',
      multiple: true,
      help: 'a user who may log in; without users, only loopback clients, no password',
    },
    'tls-cert': { type: 'string', value: 'FILE', help: 'TLS certificate (PEM), with --tls-key' },
    'tls-key': { type: 'string', value: 'FILE', help: 'TLS private key (PEM), with --tls-cert' },
    'max-handshakes': {
      type: 'string',
      value: 'N',
      help: 'connections per protocol still in their handshake before the oldest is cut (512)',
    },
    'handshake-timeout-ms': {
      type: 'string',
      value: 'MS',
      help: 'time a connection may take to authenticate (10000)',
    },
    'max-body-size': { type: 'string', value: 'BYTES', help: 'largest HTTP request body accepted (16 MiB)' },
    'query-memory': {
      type: 'string',
      value: 'SIZE',
      help: "default eddy.query_memory: one statement's working memory (64MB, 2GB; half the heap)",
    },
    'allowed-origin': {
      type: 'string',
      value: 'ORIGIN',
      multiple: true,
      help: 'a browser origin allowed to call the HTTP API (CORS)',
    },
  },
} as const satisfies CommandSpec;

export const runCommand = {
  name: 'run',
  summary: 'Executes a SQL script and prints each result, in-process or on a server (--url).',
  positionals: { synopsis: 'FILE.sql', min: 1, max: 1 },
  options: urlOption,
} as const satisfies CommandSpec;

export const sqlCommand = {
  name: 'sql',
  summary:
    'Interactive SQL shell, in-process or on a server (--url); also reads statements piped to it.\n' +
    'Statements end with ";". \\d lists relations, \\d NAME describes one, \\q quits.',
  options: urlOption,
} as const satisfies CommandSpec;

export const statusCommand = {
  name: 'status',
  summary: 'Whether a server answers, and its main counters (from /health and /metrics).',
  options: { url: { ...urlOption.url, default: defaultHttpUrl } },
} as const satisfies CommandSpec;

export const consoleCommand = {
  name: 'console',
  summary:
    'Opens the web console of a running server (what `eddy serve` serves at /) in the browser.\n' +
    'The BROWSER environment variable names the program to open it with (else the system default).',
  options: {
    url: { ...urlOption.url, default: defaultHttpUrl },
    print: { type: 'boolean', help: 'only print the address, do not open a browser' },
  },
} as const satisfies CommandSpec;

export const demoCommand = {
  name: 'demo',
  summary: 'Runs the live demo pipeline (what `npm start` runs): a table, two views, a stream of changes.',
  options: {
    steps: { type: 'string', value: 'N', default: '12', help: 'transactions to run' },
    'interval-ms': { type: 'string', value: 'MS', default: '400', help: 'pause between transactions' },
  },
} as const satisfies CommandSpec;

/** A command's parsed arguments (values typed from its options table). */
export type ParsedCommandLine<S extends CommandSpec> = NonNullable<
  ReturnType<typeof parseCommandLine<S['options']>>
>;
