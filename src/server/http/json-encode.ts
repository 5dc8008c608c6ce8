/**
 * @module server/http/json-encode
 * SQL values as JSON text for HTTP responses, one encoder per column type compiled once per
 * result: JSON numbers where JSON can carry the value exactly, PostgreSQL's text output otherwise.
 */
import type { TimeZone } from '../../common/datetime-zone.ts';
import { type SqlType, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { encoderFor } from '../../functions/json-values.ts';
import type { ResultColumn } from '../../runtime/result.ts';

export { encoderFor, type ValueEncoder } from '../../functions/json-values.ts';

/** A row encoder: `[v1,v2,…]` with one compiled encoder per column. */
export function rowEncoder(types: readonly SqlType[], zone: TimeZone): (row: readonly Value[]) => string {
  const encoders = types.map((t) => encoderFor(t, zone));
  const arity = encoders.length;
  return (row) => {
    let out = '[';
    for (let j = 0; j < arity; j++) {
      if (j > 0) out += ',';
      const v = row[j]!;
      out += v === null ? 'null' : encoders[j]!(v);
    }
    return `${out}]`;
  };
}

/** `[{"name":…,"type":…},…]` with PostgreSQL's type names. */
export function columnsJson(columns: readonly ResultColumn[]): string {
  let out = '[';
  for (let i = 0; i < columns.length; i++) {
    if (i > 0) out += ',';
    const c = columns[i]!;
    out += `{"name":${JSON.stringify(c.name)},"type":${JSON.stringify(typeName(c.type))}}`;
  }
  return `${out}]`;
}

/** `[[…],[…]]` for rows of the given columns. */
export function rowsJson(
  columns: readonly ResultColumn[],
  rows: readonly (readonly Value[])[],
  zone: TimeZone,
): string {
  if (rows.length === 0) return '[]';
  const encode = rowEncoder(
    columns.map((c) => c.type),
    zone,
  );
  let out = '[';
  for (let i = 0; i < rows.length; i++) {
    if (i > 0) out += ',';
    out += encode(rows[i]!);
  }
  return `${out}]`;
}
