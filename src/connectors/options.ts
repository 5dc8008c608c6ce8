/**
 * @module connectors/options
 * Reading a connector's `WITH (…)` options: every connector refuses an unknown key, a key given
 * twice or a malformed value with 22023 naming the option, so that a source that exists always
 * has a usable configuration. Each connector's spec module (kafka, nats, file, datagen, webhook)
 * declares its keys and reads them through an `Options`.
 */
import { DataError, SqlState } from '../common/errors.ts';

/** One `key = value` option as the statement gave it (strings, numbers as text, booleans). */
export interface SourceOption {
  readonly key: string;
  readonly value: string | boolean;
}

export class Options {
  private readonly byKey = new Map<string, string | boolean>();
  private readonly what: string;

  /** `what` names the connector in messages ("a NATS source"). */
  constructor(options: readonly SourceOption[], known: readonly string[], what: string) {
    this.what = what;
    const allowed = new Set(['connector', ...known]);
    for (const { key, value } of options) {
      if (!allowed.has(key))
        throw invalid(`unknown option "${key}" for ${what}`, `Known options: ${[...allowed].join(', ')}.`);
      if (this.byKey.has(key)) throw invalid(`option "${key}" given twice`);
      this.byKey.set(key, value);
    }
  }

  text(key: string): string | undefined {
    const v = this.byKey.get(key);
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || v === '') throw invalid(`option "${key}" must be a non-empty string`);
    return v;
  }

  required(key: string, hint?: string): string {
    const v = this.text(key);
    if (v === undefined) throw invalid(`${this.what} needs the option "${key}"`, hint);
    return v;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], fallback: T): T {
    const v = this.text(key) ?? fallback;
    if (!(allowed as readonly string[]).includes(v))
      throw invalid(`option "${key}" must be ${allowed.map((a) => `'${a}'`).join(' or ')}, not '${v}'`);
    return v as T;
  }

  /** A non-negative integer (`positive` refuses 0). */
  integer(key: string, fallback: number, positive = true): number {
    const v = this.byKey.get(key);
    if (v === undefined) return fallback;
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
    if (!Number.isSafeInteger(n) || (positive && n <= 0))
      throw invalid(`option "${key}" must be a ${positive ? 'positive' : 'non-negative'} integer`);
    return n;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.byKey.get(key);
    if (v === undefined) return fallback;
    if (typeof v === 'boolean') return v;
    if (v === 'true' || v === 'false') return v === 'true';
    throw invalid(`option "${key}" must be true or false`);
  }
}

export function invalid(message: string, hint?: string): DataError {
  return new DataError(SqlState.invalidParameterValue, message, hint === undefined ? {} : { hint });
}
