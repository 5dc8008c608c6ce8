/**
 * @module sql/bind/literals
 * Small helpers for typed literals: the field qualifier of `INTERVAL '…' <field>` from the
 * parser's typmod bit mask (PostgreSQL's INTERVAL_MASK values).
 */
import type { TypeName } from 'libpg-query';

const YEAR = 1 << 2;
const MONTH = 1 << 1;
const DAY = 1 << 3;
const HOUR = 1 << 10;
const MINUTE = 1 << 11;
const SECOND = 1 << 12;

const fields: [number, string][] = [
  [YEAR, 'YEAR'],
  [YEAR | MONTH, 'YEAR TO MONTH'],
  [MONTH, 'MONTH'],
  [DAY, 'DAY'],
  [DAY | HOUR, 'DAY TO HOUR'],
  [DAY | HOUR | MINUTE, 'DAY TO MINUTE'],
  [DAY | HOUR | MINUTE | SECOND, 'DAY TO SECOND'],
  [HOUR, 'HOUR'],
  [HOUR | MINUTE, 'HOUR TO MINUTE'],
  [HOUR | MINUTE | SECOND, 'HOUR TO SECOND'],
  [MINUTE, 'MINUTE'],
  [MINUTE | SECOND, 'MINUTE TO SECOND'],
  [SECOND, 'SECOND'],
];

/** The interval field qualifier named by a TypeName's first typmod, or null for a full interval. */
export function intervalTypmodField(typeName: TypeName): string | null {
  const first = typeName.typmods?.[0];
  const mask = first && 'A_Const' in first ? (first.A_Const.ival?.ival ?? 0) : 0;
  for (const [bits, name] of fields) if (bits === mask) return name;
  return null;
}
