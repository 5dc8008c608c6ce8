/**
 * @module functions/json-values
 * SQL values as JSON text, one encoder per column type compiled once: JSON numbers where JSON can
 * carry the value exactly, PostgreSQL's text output otherwise. The HTTP API's results
 * (server/http/json-encode) and the sinks' records (runtime/sinks) both use it.
 */
import type { TimeZone } from '../common/datetime-zone.ts';
import { float4Out, float8Out } from '../common/float-text.ts';
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { formatText } from './text-io.ts';

/** Encodes one value (never null) as JSON text. */
export type ValueEncoder = (value: Value) => string;

/**
 * The JSON encoder of a column type: booleans and int2/int4 as JSON, int8 as a number while
 * safe and a string beyond 2^53, numeric as an exact string, finite floats as numbers (non-finite
 * as "NaN"/"Infinity"), jsonb as its document, arrays as JSON arrays, everything else as its
 * PostgreSQL text (timestamps, intervals, `\x…` bytea) in a JSON string.
 */
export function encoderFor(type: SqlType, zone: TimeZone): ValueEncoder {
  switch (type.id) {
    case 'bool':
      return (v) => (v ? 'true' : 'false');
    case 'int2':
    case 'int4':
      return (v) => String(v);
    case 'int8':
      return (v) => (typeof v === 'bigint' ? `"${v}"` : String(v));
    case 'float4':
      return (v) => floatJson(v as number, float4Out);
    case 'float8':
      return (v) => floatJson(v as number, float8Out);
    case 'numeric':
      return (v) => `"${String(v)}"`;
    case 'jsonb':
      return (v) => String(v);
    case 'text':
    case 'varchar':
    case 'unknown':
    case 'uuid':
    case 'enum':
    case 'bpchar':
      return (v) => JSON.stringify(v);
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'interval':
      // Their text never holds a quote, a backslash or a control character.
      return (v) => `"${formatText(v, type, zone)}"`;
    case 'bytea':
      return (v) => JSON.stringify(formatText(v, type, zone));
    case 'array': {
      const element = encoderFor(type.element, zone);
      return (v) => arrayJson(v as Value[], element);
    }
  }
}

function floatJson(x: number, out: (x: number) => string): string {
  return Number.isFinite(x) ? out(x) : `"${out(x)}"`;
}

function arrayJson(values: readonly Value[], element: ValueEncoder): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ',';
    const v = values[i]!;
    out += v === null ? 'null' : Array.isArray(v) ? arrayJson(v, element) : element(v);
  }
  return `${out}]`;
}
