/**
 * @module sql/front/secret-value
 * A secret's value, readable only through `reveal()`. Every other way of turning it into text
 * (String(), template literals, JSON, util.inspect, console.log) shows a fixed mask instead.
 */
export const SECRET_MASK = '[REDACTED]';

/**
 * util.inspect.custom, by the name Node.js registers it under: importing node:util here would make
 * the package's declarations need Node.js's types in every TypeScript app that uses the library.
 */
const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom');

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

  [inspectCustom](): string {
    return `SecretValue(${SECRET_MASK})`;
  }
}
