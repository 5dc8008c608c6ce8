/**
 * @module connectors/datagen/datagen-options
 * A datagen source's options, from `CREATE SOURCE … WITH (connector = 'datagen', generator =
 * 'nexmark' | 'orders' | 'clicks', …)`: the generator (and for Nexmark which of its three
 * tables), the seed, the rate, and a limit. The source's columns are checked against what the
 * generator makes (by name; each a column the generator has, of its type), so a source that
 * exists can always be fed. Refused with 22023 (42804 for a column of the wrong type).
 */
import type { TableColumn } from '../../catalog/catalog.ts';
import { SemanticError, SqlState } from '../../common/errors.ts';
import { invalid, Options, type SourceOption } from '../options.ts';
import { generatedColumns } from './simple-generators.ts';

export type DatagenGenerator = 'nexmark' | 'orders' | 'clicks';

export interface DatagenSourceSpec {
  readonly connector: 'datagen';
  readonly generator: DatagenGenerator;
  /** Nexmark: which table's events this source keeps. */
  readonly table: 'person' | 'auction' | 'bid' | null;
  readonly seed: number;
  /** Events per second (over every kind, for Nexmark); 0 = as fast as the source can commit. */
  readonly rate: number;
  /** Stop after this many events (Infinity = never; the option's 0). */
  readonly maxEvents: number;
  /** Events one step holds at most. */
  readonly batchEvents: number;
}

const known = ['generator', 'table', 'seed', 'rate', 'max_events', 'batch_events'];

export function datagenSourceSpec(
  options: readonly SourceOption[],
  columns: readonly TableColumn[],
): DatagenSourceSpec {
  const o = new Options(options, known, 'a datagen source');
  const generator = o.oneOf<DatagenGenerator>('generator', ['nexmark', 'orders', 'clicks'], 'orders');
  const tableOption = o.text('table');
  if (generator !== 'nexmark' && tableOption !== undefined)
    throw invalid('option "table" is for the nexmark generator');
  const table = generator === 'nexmark' ? o.oneOf('table', ['person', 'auction', 'bid'], 'bid') : null;
  const seedText = o.text('seed') ?? '1';
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : Number.NaN;
  if (!Number.isSafeInteger(seed)) throw invalid('option "seed" must be an integer');
  const spec: DatagenSourceSpec = {
    connector: 'datagen',
    generator,
    table,
    seed,
    rate: o.integer('rate', 1000, false),
    maxEvents: o.integer('max_events', 0, false) || Number.POSITIVE_INFINITY,
    batchEvents: o.integer('batch_events', 10_000),
  };
  const made = generatedColumns(spec);
  for (const c of columns) {
    const type = made.get(c.name);
    if (type === undefined)
      throw invalid(
        `the ${generator}${table ? ` ${table}` : ''} generator makes no column "${c.name}"`,
        `It makes: ${[...made.keys()].join(', ')}.`,
      );
    if (!sameForm(type.id, c.type.id))
      throw new SemanticError(
        SqlState.datatypeMismatch,
        `column "${c.name}" is ${type.id} in the ${generator} generator, not ${c.type.id}`,
      );
  }
  return spec;
}

/** Types whose values have one form (strings for text and varchar). */
function sameForm(made: string, declared: string): boolean {
  if (made === declared) return true;
  const text = new Set(['text', 'varchar']);
  return text.has(made) && text.has(declared);
}
