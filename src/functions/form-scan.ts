/**
 * @module functions/form-scan
 * The bulk insert's fast lane: a tight loop over one column of a flat batch that skips values
 * already in the column's canonical form (common/value.ts), so only the others pay for a
 * converter call. The form is chosen once per column per call; each form has its own loop.
 */
import type { SqlType } from '../common/types.ts';

/** A canonical form a loop can test inline; `'none'` sends every value to the converter. */
export type ScanForm = 'int2' | 'int4' | 'safeInteger' | 'number' | 'string' | 'boolean' | 'none';

/** The form a natural JavaScript value of this column type already has (the js-input mapping). */
export function jsScanForm(type: SqlType): ScanForm {
  switch (type.id) {
    case 'int2':
    case 'int4':
      return type.id;
    case 'int8':
      return 'safeInteger';
    case 'float8':
      return 'number';
    case 'text':
      return 'string';
    case 'bool':
      return 'boolean';
    default:
      return 'none';
  }
}

/** The form of Eddy's own values of this column type that needs no further check (engine-form). */
export function engineScanForm(type: SqlType): ScanForm {
  switch (type.id) {
    case 'int8':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
      return 'safeInteger';
    default:
      return jsScanForm(type);
  }
}

/**
 * The first position from `k` on (stepping by `step`, the batch's arity) whose value is not in
 * `form`, or a position ≥ `values.length` when there is none. A negative zero is never in form:
 * the canonical zero is +0.
 */
export function skipInForm(form: ScanForm, values: readonly unknown[], k: number, step: number): number {
  const n = values.length;
  switch (form) {
    case 'string':
      while (k < n && typeof values[k] === 'string') k += step;
      return k;
    case 'boolean':
      while (k < n && typeof values[k] === 'boolean') k += step;
      return k;
    case 'int4':
      for (; k < n; k += step) {
        const v = values[k];
        if (typeof v !== 'number' || (v | 0) !== v || (v === 0 && 1 / v < 0)) return k;
      }
      return k;
    case 'int2':
      for (; k < n; k += step) {
        const v = values[k];
        if (typeof v !== 'number' || (v | 0) !== v || v < -32768 || v > 32767 || (v === 0 && 1 / v < 0))
          return k;
      }
      return k;
    case 'safeInteger':
      for (; k < n; k += step) {
        const v = values[k];
        if (!Number.isSafeInteger(v) || (v === 0 && 1 / (v as number) < 0)) return k;
      }
      return k;
    case 'number':
      for (; k < n; k += step) {
        const v = values[k];
        if (typeof v !== 'number' || (v === 0 && 1 / v < 0)) return k;
      }
      return k;
    case 'none':
      return k;
  }
}
