/**
 * @module common/jsonb
 * PostgreSQL `jsonb`: an immutable document in canonical form (jsonb-value.ts, jsonb-number.ts) with its
 * text I/O, btree order and hash. Operations: jsonb-ops, jsonb-path, jsonb-functions, jsonb-build and
 * jsonb-convert (to_jsonb, casts, `jsonbFromJs`).
 */
import { compareJson, equalsJson, hashJson } from './jsonb-compare.ts';
import { parseJson } from './jsonb-parse.ts';
import { jsonPretty, jsonText } from './jsonb-text.ts';
import type { JsonValue } from './jsonb-value.ts';

export type { JsonArray, JsonNumber, JsonScalar, JsonValue } from './jsonb-value.ts';
export { JsonObject } from './jsonb-value.ts';

export class Jsonb {
  /** The document. Never mutated: operations build new values and share unchanged parts. */
  readonly value: JsonValue;
  #hash: number | undefined;

  /** Wraps a value that is already canonical (from this module family); else use `jsonbFromJs`. */
  constructor(value: JsonValue) {
    this.value = value;
  }

  static readonly NULL: Jsonb = new Jsonb(null);

  /** jsonb_in. Throws 22P02 `invalid input syntax for type json` with PostgreSQL's detail. */
  static parse(text: string): Jsonb {
    return new Jsonb(parseJson(text));
  }

  /** PostgreSQL's btree order for jsonb. */
  static compare(a: Jsonb, b: Jsonb): number {
    return a === b ? 0 : compareJson(a.value, b.value);
  }

  static equals(a: Jsonb, b: Jsonb): boolean {
    return a === b || equalsJson(a.value, b.value);
  }

  equals(other: Jsonb): boolean {
    return this === other || equalsJson(this.value, other.value);
  }

  /** 32-bit, consistent with `equals` (so `1.5` and `1.50` hash alike). Memoised. */
  hashCode(): number {
    let h = this.#hash;
    if (h === undefined) h = this.#hash = hashJson(this.value);
    return h;
  }

  /** jsonb_out: `{"a": 1, "b": [1, 2, "x"]}`. */
  toString(): string {
    return jsonText(this.value);
  }

  /** jsonb_pretty. */
  pretty(): string {
    return jsonPretty(this.value);
  }
}
