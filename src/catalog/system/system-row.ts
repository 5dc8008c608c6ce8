/**
 * @module catalog/system/system-row
 * A system relation's row as its producer builds it: values by column name. Columns a producer
 * leaves out are NULL; `toRows` lays the objects out in the relation's column order.
 */
import type { Value } from '../../common/value.ts';
import type { Column } from '../../plan/logical.ts';

export type SystemRow = Readonly<Record<string, Value | undefined>>;

export function toRows(schema: readonly Column[], rows: readonly SystemRow[]): Value[][] {
  const names = schema.map((c) => c.name);
  const out: Value[][] = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const values: Value[] = new Array(names.length);
    for (let i = 0; i < names.length; i++) values[i] = row[names[i]!] ?? null;
    out[r] = values;
  }
  return out;
}
