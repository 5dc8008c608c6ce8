/**
 * @module sql/front/secret-value
 * A secret's value, readable only through `reveal()`. Every other way of turning it into text
 * (String(), template literals, JSON, util.inspect, console.log) shows a fixed mask instead.
 */
import { inspect } from 'node:util';

export const SECRET_MASK = '[REDACTED]';

export class SecretValue {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The value itself: call only where it is handed to the system that needs it. */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return SECRET_MASK;
  }

  toJSON(): string {
    return SECRET_MASK;
  }

  [inspect.custom](): string {
    return `SecretValue(${SECRET_MASK})`;
  }
}
