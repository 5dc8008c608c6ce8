/**
 * @module common/datetime-units
 * The field names that `extract`, `date_part`, `date_trunc` and `interval` input accept, with PostgreSQL's
 * spellings and abbreviations (only the first 10 characters count, as in PostgreSQL's token tables).
 */
import { DataError, FeatureNotSupportedError, SqlState } from './errors.ts';

export type DatetimeUnit =
  | 'microseconds'
  | 'milliseconds'
  | 'second'
  | 'minute'
  | 'hour'
  | 'day'
  | 'week'
  | 'month'
  | 'quarter'
  | 'year'
  | 'decade'
  | 'century'
  | 'millennium'
  | 'timezone'
  | 'timezone_hour'
  | 'timezone_minute'
  | 'isoyear'
  | 'julian'
  | 'epoch'
  | 'dow'
  | 'isodow'
  | 'doy';

/** The units that only `extract` / `date_part` understand. */
type SpecialUnit = 'epoch' | 'dow' | 'isodow' | 'doy' | 'isoyear' | 'julian';
export type OrdinaryUnit = Exclude<DatetimeUnit, SpecialUnit>;

/** Ordinary units (PostgreSQL's `deltatktbl`); `date_trunc` and `interval` input accept only these. */
const units: ReadonlyMap<string, OrdinaryUnit> = new Map<string, OrdinaryUnit>([
  ['microsecon', 'microseconds'],
  ['us', 'microseconds'],
  ['usec', 'microseconds'],
  ['usecs', 'microseconds'],
  ['useconds', 'microseconds'],
  ['usecond', 'microseconds'],
  ['millisecon', 'milliseconds'],
  ['ms', 'milliseconds'],
  ['msec', 'milliseconds'],
  ['msecs', 'milliseconds'],
  ['mseconds', 'milliseconds'],
  ['msecond', 'milliseconds'],
  ['second', 'second'],
  ['seconds', 'second'],
  ['s', 'second'],
  ['sec', 'second'],
  ['secs', 'second'],
  ['minute', 'minute'],
  ['minutes', 'minute'],
  ['m', 'minute'],
  ['min', 'minute'],
  ['mins', 'minute'],
  ['hour', 'hour'],
  ['hours', 'hour'],
  ['h', 'hour'],
  ['hr', 'hour'],
  ['hrs', 'hour'],
  ['day', 'day'],
  ['days', 'day'],
  ['d', 'day'],
  ['week', 'week'],
  ['weeks', 'week'],
  ['w', 'week'],
  ['month', 'month'],
  ['months', 'month'],
  ['mon', 'month'],
  ['mons', 'month'],
  ['quarter', 'quarter'],
  ['qtr', 'quarter'],
  ['year', 'year'],
  ['years', 'year'],
  ['y', 'year'],
  ['yr', 'year'],
  ['yrs', 'year'],
  ['decade', 'decade'],
  ['decades', 'decade'],
  ['dec', 'decade'],
  ['decs', 'decade'],
  ['century', 'century'],
  ['centuries', 'century'],
  ['c', 'century'],
  ['cent', 'century'],
  ['millennium', 'millennium'],
  ['millennia', 'millennium'],
  ['mil', 'millennium'],
  ['mils', 'millennium'],
  ['timezone', 'timezone'],
  ['timezone_h', 'timezone_hour'],
  ['timezone_m', 'timezone_minute'],
]);

/** Reserved words that only `extract` / `date_part` understand. */
const specials: ReadonlyMap<string, DatetimeUnit> = new Map<string, DatetimeUnit>([
  ['epoch', 'epoch'],
  ['dow', 'dow'],
  ['isodow', 'isodow'],
  ['doy', 'doy'],
  ['isoyear', 'isoyear'],
  ['julian', 'julian'],
  ['j', 'julian'],
  ['jd', 'julian'],
  ['mm', 'minute'],
]);

export type UnitTypeName =
  | 'date'
  | 'time without time zone'
  | 'timestamp without time zone'
  | 'timestamp with time zone'
  | 'interval';

/** The ordinary unit a lower-case word names, if any. */
export function ordinaryUnit(word: string): OrdinaryUnit | undefined {
  return units.get(word.length > 10 ? word.slice(0, 10) : word);
}

/** Resolves a field name; 22023 `unit "x" not recognized for type …` when unknown. */
export function datetimeUnit(name: string, type: UnitTypeName, truncOnly = false): DatetimeUnit {
  const key = name.toLowerCase().slice(0, 10);
  const unit = units.get(key) ?? (truncOnly ? undefined : specials.get(key));
  if (unit === undefined)
    throw new DataError(
      SqlState.invalidParameterValue,
      `unit "${name.toLowerCase()}" not recognized for type ${type}`,
    );
  return unit;
}

/** 0A000 `unit "x" not supported for type …`. */
export function unsupportedUnit(name: string, type: UnitTypeName): FeatureNotSupportedError {
  return new FeatureNotSupportedError(`unit "${name.toLowerCase()}" not supported for type ${type}`);
}
