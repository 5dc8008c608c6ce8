/**
 * @module values
 * Reading Eddy's values in a program (README, "Values"): a query's rows hold Eddy's own forms
 * (common/value.ts); these helpers turn them into what JavaScript code usually wants. Building
 * values needs none: `insert()` and parameters take Dates, strings, bigints and plain objects.
 */

import { Jsonb } from './common/jsonb.ts';
import { JsonObject, type JsonValue } from './common/jsonb-value.ts';
import type { SqlType } from './common/types.ts';
import type { Value } from './common/value.ts';
import { formatText } from './functions/text-io.ts';

/** A value as PostgreSQL prints it (what `::text` gives, and psql shows), in UTC; null stays null. */
export function formatValue(value: Value, type: SqlType): string | null {
  return value === null ? null : formatText(value, type);
}

/**
 * A timestamp or timestamptz value (microseconds since 1970-01-01 UTC), or a date (days since
 * then), as a Date. A Date holds milliseconds: the microseconds below them are dropped.
 */
export function toDate(value: number, type: SqlType): Date {
  return new Date(type.id === 'date' ? value * 86_400_000 : Math.floor(value / 1000));
}

/**
 * A jsonb value as plain JavaScript data (objects, arrays, strings, booleans, null). Numbers that a
 * double holds exactly are numbers; others stay `Numeric`s, so no digit is lost.
 */
export function jsonbToPlain(value: Jsonb): unknown {
  return plain(value instanceof Jsonb ? value.value : value);
}

function plain(v: JsonValue): unknown {
  if (v instanceof JsonObject) {
    const out: Record<string, unknown> = {};
    v.keys.forEach((key, i) => {
      // defineProperty: a "__proto__" key stays a plain key.
      Object.defineProperty(out, key, {
        value: plain(v.values[i]!),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return out;
  }
  if (Array.isArray(v)) return v.map(plain);
  return v;
}
