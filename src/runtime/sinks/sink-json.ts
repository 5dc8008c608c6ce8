/**
 * @module runtime/sinks/sink-json
 * Rows as JSON objects for sinks: `{"column": value, …}` with the HTTP API's value encoding
 * (numbers where JSON carries them exactly, int8 beyond 2^53 and numeric as strings, timestamps in
 * UTC as PostgreSQL's text), one compiled encoder per column.
 */
import { timeZone } from '../../common/datetime-zone.ts';
import type { Value } from '../../common/value.ts';
import { encoderFor } from '../../functions/json-values.ts';
import type { Column } from '../../plan/logical.ts';

export type RowJson = (row: readonly Value[]) => string;

/** Encodes the columns at `positions` (all of them by default) as one JSON object. */
export function rowJson(columns: readonly Column[], positions?: readonly number[]): RowJson {
  const zone = timeZone('UTC');
  const picked = positions ?? columns.map((_, i) => i);
  const names = picked.map((i) => JSON.stringify(columns[i]!.name));
  const encoders = picked.map((i) => encoderFor(columns[i]!.type, zone));
  return (row) => {
    let out = '{';
    for (let j = 0; j < picked.length; j++) {
      if (j > 0) out += ',';
      const v = row[picked[j]!]!;
      out += `${names[j]}:${v === null ? 'null' : encoders[j]!(v)}`;
    }
    return `${out}}`;
  };
}
