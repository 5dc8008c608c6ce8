/**
 * @module bench/insert/insert-suite
 * `npm run bench -- insert [...]`: the library's bulk path alone. `insertBatch()` of rows of
 * (integer, bigint, text, timestamptz, numeric) into a table with a primary key, into a source, and
 * into a source feeding a view grouped by the text column (`view`: what the rows meet downstream),
 * with the values a library user passes (`js`: numbers, strings, Dates) or Eddy's own forms
 * (`engine`: microseconds, `Numeric`). Only the insertBatch calls are timed, in CPU time as well as
 * wall time, since the machine may be shared; the values are made between calls, untimed.
 * Uses only the API that predates the value conversion, so the same file measures older commits.
 */
import { Numeric } from '../../src/common/numeric.ts';
import { Eddy } from '../../src/index.ts';

export type InsertForm = 'js' | 'engine';
export type InsertTarget = 'table' | 'source' | 'view';

export interface InsertSuiteOptions {
  readonly rows: number;
  readonly batch: number;
  readonly forms: readonly InsertForm[];
  readonly targets: readonly InsertTarget[];
}

export interface InsertCaseResult {
  readonly form: InsertForm;
  readonly target: InsertTarget;
  readonly rows: number;
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly rowsPerCpuSec: number;
}

export const INSERT_USAGE = `usage: npm run bench -- insert [--rows 1000000] [--batch 10000] [--form js,engine] [--target table,source]
Sizes accept k and M suffixes (1M = 1000000).`;

export function parseInsertArgs(args: readonly string[]): InsertSuiteOptions {
  let rows = 1_000_000;
  let batch = 10_000;
  let forms: InsertForm[] = ['js', 'engine'];
  let targets: InsertTarget[] = ['table', 'source', 'view'];
  for (let i = 0; i < args.length; i += 2) {
    const [flag, value] = [args[i], args[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value\n${INSERT_USAGE}`);
    if (flag === '--rows') rows = size(value);
    else if (flag === '--batch') batch = size(value);
    else if (flag === '--form') forms = value.split(',').map((f) => oneOf(f, ['js', 'engine'] as const));
    else if (flag === '--target')
      targets = value.split(',').map((t) => oneOf(t, ['table', 'source', 'view'] as const));
    else throw new Error(`unknown option ${flag}\n${INSERT_USAGE}`);
  }
  return { rows, batch, forms, targets };
}

/** Runs every form × target case in turn, printing one line each. */
export async function runInsertSuite(options: InsertSuiteOptions): Promise<InsertCaseResult[]> {
  const results: InsertCaseResult[] = [];
  for (const target of options.targets) {
    for (const form of options.forms) {
      const r = await runInsertCase(form, target, options.rows, options.batch);
      results.push(r);
      console.log(
        `insert ${target} ${form} rows=${r.rows} batch=${options.batch}: ${Math.round(r.rowsPerCpuSec).toLocaleString('en-US')} rows/CPU s, ${r.cpuSeconds.toFixed(3)} s CPU, ${r.wallSeconds.toFixed(3)} s wall`,
      );
    }
  }
  return results;
}

const ARITY = 5;
const START_MS = Date.UTC(2026, 0, 1);

async function runInsertCase(
  form: InsertForm,
  target: InsertTarget,
  rows: number,
  batch: number,
): Promise<InsertCaseResult> {
  const db = await Eddy.open();
  const kind = target === 'table' ? 'TABLE' : 'SOURCE';
  const key = target === 'table' ? ' PRIMARY KEY' : '';
  await db.execute(
    `CREATE ${kind} t (id integer${key}, amount bigint, name text, at timestamptz, price numeric)`,
  );
  if (target === 'view') {
    await db.execute(
      'CREATE MATERIALIZED VIEW v AS SELECT name, count(*) AS n, sum(price) AS total FROM t GROUP BY name',
    );
  }
  let cpuMicros = 0;
  let wallNs = 0n;
  for (let first = 0; first < rows; first += batch) {
    const count = Math.min(batch, rows - first);
    const values = batchValues(form, first, count);
    const cpuStart = process.cpuUsage();
    const wallStart = process.hrtime.bigint();
    // The js form is the default; an older Eddy without the option reads the engine form as is.
    await db.insertBatch('t', values, count, form === 'engine' ? { valueForm: 'engine' } : {});
    wallNs += process.hrtime.bigint() - wallStart;
    const cpu = process.cpuUsage(cpuStart);
    cpuMicros += cpu.user + cpu.system;
  }
  await db.close();
  const cpuSeconds = cpuMicros / 1e6;
  return {
    form,
    target,
    rows,
    cpuSeconds,
    wallSeconds: Number(wallNs) / 1e9,
    rowsPerCpuSec: rows / cpuSeconds,
  };
}

/** Rows first…first+count−1 as one flat row-major array, in the given value form. */
function batchValues(form: InsertForm, first: number, count: number): unknown[] {
  const values: unknown[] = new Array(count * ARITY);
  for (let r = 0; r < count; r++) {
    const i = first + r;
    const ms = START_MS + i * 1000;
    const cents = (i * 7919) % 1_000_000;
    const k = r * ARITY;
    values[k] = i;
    values[k + 1] = i * 1_000_003;
    values[k + 2] = `customer-${i % 10_000}`;
    if (form === 'js') {
      values[k + 3] = new Date(ms);
      values[k + 4] = cents / 100;
    } else {
      values[k + 3] = ms * 1000;
      values[k + 4] = Numeric.parse((cents / 100).toString());
    }
  }
  return values;
}

function size(text: string): number {
  const m = /^(\d+)([kM]?)$/.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Number(m[1]) * (m[2] === 'k' ? 1_000 : m[2] === 'M' ? 1_000_000 : 1);
}

function oneOf<T extends string>(value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new Error(`unknown value ${value}; expected one of ${allowed.join(', ')}\n${INSERT_USAGE}`);
}
