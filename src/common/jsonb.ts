/**
 * @module common/jsonb
 * PostgreSQL `jsonb`: a parsed JSON document in canonical form. (Contract stub.)
 */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export class Jsonb {
  readonly value: JsonValue;
  constructor(value: JsonValue) {
    this.value = value;
  }
}
