/**
 * @module server/http/ingest-convert
 * JSON values → SQL values for ingest, one reader per column type compiled once per request.
 * A JSON string is always read with the type's text input (as COPY reads it); a JSON number,
 * boolean, array or object is taken directly where it is the type's natural JSON form; any other
 * JSON type is refused (42804). Numbers that a double cannot hold exactly are re-read from their
 * source text (`ExactNumber`), so bigint and numeric values stay exact.
 */
import type { TimeZone } from '../../common/datetime-zone.ts';
import { SemanticError, SqlState } from '../../common/errors.ts';
import { checkJsNestingDepth, jsonbFromJs } from '../../common/jsonb-convert.ts';
import { nestingTooDeep } from '../../common/jsonb-parse.ts';
import { Numeric } from '../../common/numeric.ts';
import { type SqlType, T, typeName } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import { parseText } from '../../functions/text-io.ts';

/** A JSON number with its source text, from a parse that kept it (see `parseExact`). */
export class ExactNumber {
  readonly text: string;
  readonly value: number;

  constructor(text: string, value: number) {
    this.text = text;
    this.value = value;
  }
}

/**
 * Thrown by a reader given a plain double that may have lost digits (a bigint beyond 2^53): the
 * caller parses the body again keeping number texts and converts once more.
 */
export const needExactNumbers: unique symbol = Symbol('needExactNumbers');

/** Reads one JSON value (never null or undefined) as a value of the column's type. */
export type JsonReader = (json: unknown) => Value;

/** JSON.parse keeping every number's source text (about 7× slower than a plain parse). */
export function parseExact(text: string): unknown {
  try {
    return JSON.parse(text, exactReviver);
  } catch (err) {
    // The reviver makes V8 recurse once per nesting level: deep input overflows the stack.
    if (err instanceof RangeError) throw nestingTooDeep();
    throw err;
  }
}

function exactReviver(this: unknown, _key: string, value: unknown, context?: { source?: string }): unknown {
  return typeof value === 'number' && context?.source !== undefined
    ? new ExactNumber(context.source, value)
    : value;
}

/**
 * Whether a body must be parsed keeping number texts for these column types: only when a numeric
 * or jsonb column is present and the text holds a number a double would change (16 or more
 * digits, or a fraction with trailing zeros that numeric keeps). False positives only cost speed.
 */
export function needsExactParse(text: string, types: readonly SqlType[]): boolean {
  if (!types.some(holdsExactNumbers)) return false;
  return longNumber.test(text) || trailingZeroFraction.test(text);
}

const longNumber = /[0-9][0-9.]{15}/;
const trailingZeroFraction = /[0-9]\.[0-9]*0[\s,\]}]/;

function holdsExactNumbers(type: SqlType): boolean {
  if (type.id === 'array') return holdsExactNumbers(type.element);
  return type.id === 'numeric' || type.id === 'jsonb';
}

/**
 * The reader for `type`; `column` names the column in type-mismatch errors; `exact` when the body
 * was parsed with `parseExact` (numbers may then be `ExactNumber`s).
 */
export function readerFor(type: SqlType, column: string, zone: TimeZone, exact: boolean): JsonReader {
  const mismatch = (json: unknown): never => {
    throw new SemanticError(
      SqlState.datatypeMismatch,
      `column "${column}" is of type ${typeName(type)} but expression is of type ${jsonTypeName(json)}`,
      { hint: `Send the value as a JSON string in the text form of ${typeName(type)}.` },
    );
  };
  switch (type.id) {
    case 'bool':
      return (j) => (typeof j === 'boolean' ? j : typeof j === 'string' ? parseText(j, type) : mismatch(j));
    case 'int2':
    case 'int4': {
      const [min, max] = type.id === 'int2' ? [-32768, 32767] : [-2147483648, 2147483647];
      return (j) => {
        const n = j instanceof ExactNumber ? j.value : j;
        if (typeof n === 'number')
          return Number.isInteger(n) && n >= min && n <= max ? n : parseText(String(n), type);
        return typeof j === 'string' ? parseText(j, type) : mismatch(j);
      };
    }
    case 'int8':
      return (j) => {
        if (typeof j === 'number') {
          if (Number.isSafeInteger(j)) return j;
          if (Number.isInteger(j)) throw needExactNumbers;
          return parseText(String(j), type);
        }
        if (j instanceof ExactNumber)
          return Number.isSafeInteger(j.value) ? j.value : parseText(j.text, type);
        return typeof j === 'string' ? parseText(j, type) : mismatch(j);
      };
    case 'float4':
    case 'float8':
      return (j) => {
        const n = j instanceof ExactNumber ? j.value : j;
        if (typeof n === 'number') return type.id === 'float8' ? n : parseText(String(n), T.float4);
        return typeof j === 'string' ? parseText(j, type, zone) : mismatch(j);
      };
    case 'numeric':
      return (j) => {
        if (typeof j === 'number') return parseText(String(j), type);
        if (j instanceof ExactNumber) return parseText(j.text, type);
        return typeof j === 'string' ? parseText(j, type) : mismatch(j);
      };
    case 'jsonb':
      return exact
        ? (j) => {
            checkJsNestingDepth(j);
            return jsonbFromJs(withExactNumbers(j));
          }
        : jsonbFromJs;
    case 'array': {
      const element = readerFor(type.element, column, zone, exact);
      return (j) => {
        if (typeof j === 'string') return parseText(j, type, zone);
        if (!Array.isArray(j)) return mismatch(j);
        const out: Value[] = new Array(j.length);
        for (let i = 0; i < j.length; i++) {
          const e: unknown = j[i];
          out[i] = e === null ? null : element(e);
        }
        return out;
      };
    }
    default:
      // text, varchar, uuid, enum, bytea, date/time types, interval: their text form only.
      return (j) => (typeof j === 'string' ? parseText(j, type, zone) : mismatch(j));
  }
}

function jsonTypeName(json: unknown): string {
  if (json instanceof ExactNumber || typeof json === 'number') return 'numeric';
  if (typeof json === 'boolean') return 'boolean';
  if (typeof json === 'string') return 'text';
  return 'jsonb';
}

/** A JSON tree with `ExactNumber`s turned into numerics (jsonb keeps a number's digits and scale). */
function withExactNumbers(j: unknown): unknown {
  if (j instanceof ExactNumber) return j.text === String(j.value) ? j.value : Numeric.parse(j.text);
  if (Array.isArray(j)) return j.map(withExactNumbers);
  if (j !== null && typeof j === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(j)) {
      // defineProperty: a "__proto__" key stays a plain key.
      Object.defineProperty(out, k, {
        value: withExactNumbers(v),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return j;
}
