/**
 * @module functions/json-input
 * JSON values → SQL values for ingest (`POST /ingest`, connector sources' JSON records), one
 * reader per column type compiled once per request or source, with the library's mapping
 * (functions/js-input): a JSON string is read with the type's text input, a number is a numeric
 * constant under the assignment cast, a boolean a boolean, arrays fit array columns and any JSON
 * value fits jsonb; anything without an assignment cast is 42804. Numbers that a double cannot
 * hold exactly are re-read from their source text (`ExactNumber`), so bigint and numeric values
 * stay exact.
 */
import type { TimeZone } from '../common/datetime-zone.ts';
import { checkJsNestingDepth, jsonbFromJs } from '../common/jsonb-convert.ts';
import { nestingTooDeep } from '../common/jsonb-parse.ts';
import { Numeric } from '../common/numeric.ts';
import type { SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { arrayFromJs } from './array-dims.ts';
import { jsInputFor } from './js-input.ts';

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
 * was parsed with `parseExact` (numbers may then be `ExactNumber`s). A JSON value is read as the
 * library reads the same JavaScript value (functions/js-input): a number is a numeric constant, a
 * string the type's text form; only jsonb differs, taking any JSON value as the document itself.
 */
export function readerFor(type: SqlType, column: string, zone: TimeZone, exact: boolean): JsonReader {
  switch (type.id) {
    case 'jsonb':
      return exact
        ? (j) => {
            checkJsNestingDepth(j);
            return jsonbFromJs(withExactNumbers(j));
          }
        : jsonbFromJs;
    case 'array': {
      const element = readerFor(type.element, column, zone, exact);
      const whole = jsInputFor(type, column, zone);
      const subArrays = type.element.id !== 'jsonb';
      return (j) => (Array.isArray(j) ? arrayFromJs(j, element, subArrays) : whole(j));
    }
    default: {
      const js = jsInputFor(type, column, zone);
      const inexact = type.id === 'int8' || type.id === 'numeric';
      return (j) => {
        if (j instanceof ExactNumber) return js(exactConstant(j));
        // A double may have lost an int8's or a numeric's digits: have the body re-read exactly.
        if (inexact && typeof j === 'number' && !exact && mayHaveLostDigits(j)) throw needExactNumbers;
        return js(j);
      };
    }
  }
}

/** The constant a JSON number's text stands for: the double when it is an exact integer, else numeric. */
function exactConstant(n: ExactNumber): unknown {
  return Number.isSafeInteger(n.value) && /^-?[0-9]+$/.test(n.text) ? n.value : Numeric.parse(n.text);
}

function mayHaveLostDigits(n: number): boolean {
  return Number.isInteger(n) && !Number.isSafeInteger(n);
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
