/**
 * @module functions/catalog-datetime
 * Catalog entries for the date/time and interval operators and functions, with PostgreSQL 15's
 * signatures (pg_operator / pg_proc over Eddy's types; no timetz). Entries that depend on the
 * session's TimeZone bind it at bind time; their plain `impl` is the UTC form.
 */
import { clockMicros } from '../common/clock.ts';
import * as D from '../common/datetime.ts';
import { formatInterval, type TimeZone, UTC } from '../common/datetime.ts';
import type { Interval } from '../common/interval.ts';
import * as I from '../common/interval.ts';
import { T } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import { type ArgType, type CatalogBuilder, type ScalarImpl, withDefaults } from './catalog-types.ts';
import * as F from './datetime-fns.ts';

const { int4, float8, numeric, text, bool, date, time, timestamp, timestamptz, interval } = T;

/** An implementation taking the session's zone after its SQL arguments. */
type Zoned = (...args: never[]) => Value;
type Loose = (...args: unknown[]) => Value;

/**
 * A strict entry whose implementation depends on the session's zone: `bind` closes over it with a
 * fixed-arity closure (no argument array per call); `impl` is the UTC form.
 */
function zoned(c: CatalogBuilder, name: string, args: ArgType[], returns: ArgType, f: Zoned): void {
  const g = f as unknown as Loose;
  c.fn(name, {
    args,
    returns,
    strict: true,
    impl: withZone(g, args.length, UTC),
    bind: (_types, env) => withZone(g, args.length, env.timeZone),
  });
}

/** A binary operator returning timestamptz whose result depends on the session's zone. */
function zonedOp(c: CatalogBuilder, symbol: string, left: ArgType, right: ArgType, f: Zoned): void {
  const g = f as unknown as Loose;
  c.opDef(symbol, {
    left,
    right,
    returns: T.timestamptz,
    impl: withZone(g, 2, UTC),
    bind: (_types, env) => withZone(g, 2, env.timeZone),
  });
}

function withZone(g: Loose, arity: number, zone: TimeZone): ScalarImpl {
  switch (arity) {
    case 2:
      return (a, b) => g(a, b, zone);
    case 6:
      return (a, b, d, e, h, i) => g(a, b, d, e, h, i, zone);
    default:
      return (...args) => g(...args, zone);
  }
}

function dateOperators(c: CatalogBuilder): void {
  c.op('+', date, int4, date, D.addDaysToDate);
  c.op('+', int4, date, date, (n: number, d: number) => D.addDaysToDate(d, n));
  c.op('-', date, int4, date, D.subtractDaysFromDate);
  c.op('-', date, date, int4, D.subtractDates);
  c.op('+', date, interval, timestamp, D.addIntervalToDate);
  c.op('+', interval, date, timestamp, (iv: Interval, d: number) => D.addIntervalToDate(d, iv));
  c.op('-', date, interval, timestamp, D.subtractIntervalFromDate);
  c.op('+', date, time, timestamp, D.addTimeToDate);
  c.op('+', time, date, timestamp, (t: number, d: number) => D.addTimeToDate(d, t));
}

function timestampOperators(c: CatalogBuilder): void {
  c.op('+', timestamp, interval, timestamp, D.addIntervalToTimestamp);
  c.op('+', interval, timestamp, timestamp, (iv: Interval, ts: number) => D.addIntervalToTimestamp(ts, iv));
  c.op('-', timestamp, interval, timestamp, D.subtractIntervalFromTimestamp);
  c.op('-', timestamp, timestamp, interval, D.subtractTimestamps);
  c.op('-', timestamptz, timestamptz, interval, D.subtractTimestamps);
  zonedOp(c, '+', timestamptz, interval, D.addIntervalToTimestamptz);
  zonedOp(c, '+', interval, timestamptz, (iv: Interval, ts: number, zone: TimeZone) =>
    D.addIntervalToTimestamptz(ts, iv, zone),
  );
  zonedOp(c, '-', timestamptz, interval, D.subtractIntervalFromTimestamptz);
}

function timeAndIntervalOperators(c: CatalogBuilder): void {
  c.op('+', time, interval, time, D.addIntervalToTime);
  c.op('+', interval, time, time, (iv: Interval, t: number) => D.addIntervalToTime(t, iv));
  c.op('-', time, interval, time, D.subtractIntervalFromTime);
  c.op('-', time, time, interval, D.subtractTimes);
  c.op('+', interval, interval, interval, I.addIntervals);
  c.op('-', interval, interval, interval, I.subtractIntervals);
  c.prefix('-', interval, interval, I.negateInterval);
  c.op('*', interval, float8, interval, I.multiplyInterval);
  c.op('*', float8, interval, interval, (x: number, iv: Interval) => I.multiplyInterval(iv, x));
  c.op('/', interval, float8, interval, I.divideInterval);
}

function extractFunctions(c: CatalogBuilder): void {
  c.strict('date_part', [text, timestamp], float8, D.extractTimestamp);
  c.strict('date_part', [text, date], float8, (field: string, d: number) =>
    D.extractTimestamp(field, D.dateToTimestamp(d)),
  );
  c.strict('date_part', [text, time], float8, D.extractTime);
  c.strict('date_part', [text, interval], float8, D.extractInterval);
  zoned(c, 'date_part', [text, timestamptz], float8, D.extractTimestamptz);
  c.strict('extract', [text, timestamp], numeric, F.extractTimestampNumeric);
  c.strict('extract', [text, date], numeric, F.extractDateNumeric);
  c.strict('extract', [text, time], numeric, F.extractTimeNumeric);
  c.strict('extract', [text, interval], numeric, F.extractIntervalNumeric);
  zoned(c, 'extract', [text, timestamptz], numeric, F.extractTimestamptzNumeric);
  c.strict('date_trunc', [text, timestamp], timestamp, D.truncTimestamp);
  c.strict('date_trunc', [text, interval], interval, D.truncInterval);
  zoned(c, 'date_trunc', [text, timestamptz], timestamptz, D.truncTimestamptz);
  // An explicit zone is read as AT TIME ZONE reads it (POSIX sign: '+05' is five hours west).
  c.strict('date_trunc', [text, timestamptz, text], timestamptz, (field: string, ts: number, zone: string) =>
    D.truncTimestamptz(field, ts, D.timeZone(zone)),
  );
  c.strict('date_bin', [interval, timestamp, timestamp], timestamp, F.dateBin);
  c.strict('date_bin', [interval, timestamptz, timestamptz], timestamptz, F.dateBin);
  for (const t of [date, timestamp, timestamptz]) c.strict('isfinite', [t], bool, F.isFiniteDatetime);
  // Intervals have no infinite values in PostgreSQL 15.
  c.strict('isfinite', [interval], bool, () => true);
}

function constructorFunctions(c: CatalogBuilder): void {
  c.strict('make_date', [int4, int4, int4], date, D.makeDate);
  c.strict('make_time', [int4, int4, float8], time, D.makeTime);
  c.strict('make_timestamp', [int4, int4, int4, int4, int4, float8], timestamp, D.makeTimestamp);
  zoned(c, 'make_timestamptz', [int4, int4, int4, int4, int4, float8], timestamptz, D.makeTimestamptz);
  c.strict(
    'make_timestamptz',
    [int4, int4, int4, int4, int4, float8, text],
    timestamptz,
    (y: number, mo: number, d: number, h: number, mi: number, s: number, zone: string) =>
      D.makeTimestamptz(y, mo, d, h, mi, s, D.zoneArgument(zone)),
  );
  // pg_proc has one make_interval with seven defaulted parameters; Eddy's catalog has no
  // defaults, so each positional arity is its own entry (named arguments are not supported).
  const makeIntervalArgs = [int4, int4, int4, int4, int4, int4, float8];
  for (let n = 0; n <= makeIntervalArgs.length; n++) {
    c.strict('make_interval', makeIntervalArgs.slice(0, n), interval, withDefaults(D.makeInterval));
  }
  c.strict('to_timestamp', [float8], timestamptz, D.toTimestamp);
  c.strict('justify_days', [interval], interval, I.justifyDays);
  c.strict('justify_hours', [interval], interval, I.justifyHours);
  c.strict('justify_interval', [interval], interval, I.justifyInterval);
  c.strict('age', [timestamp, timestamp], interval, D.age);
  zoned(c, 'age', [timestamptz, timestamptz], interval, D.ageTz);
}

function zoneFunctions(c: CatalogBuilder): void {
  // `x AT TIME ZONE z` arrives as timezone(z, x).
  c.strict('timezone', [text, timestamp], timestamptz, (zone: string, ts: number) =>
    D.timestampToTimestamptz(ts, D.timeZone(zone)),
  );
  c.strict('timezone', [text, timestamptz], timestamp, (zone: string, ts: number) =>
    D.timestamptzToTimestamp(ts, D.timeZone(zone)),
  );
  c.strict('timezone', [interval, timestamp], timestamptz, (iv: Interval, ts: number) =>
    D.timestampToTimestamptz(ts, D.zoneFromInterval(iv, formatInterval(iv))),
  );
  c.strict('timezone', [interval, timestamptz], timestamp, (iv: Interval, ts: number) =>
    D.timestamptzToTimestamp(ts, D.zoneFromInterval(iv, formatInterval(iv))),
  );
  c.strict('to_char', [timestamp, text], text, D.toCharTimestamp);
  zoned(c, 'to_char', [timestamptz, text], text, D.toCharTimestamptz);
}

export function addDatetimeCatalog(c: CatalogBuilder): void {
  dateOperators(c);
  timestampOperators(c);
  timeAndIntervalOperators(c);
  extractFunctions(c);
  constructorFunctions(c);
  zoneFunctions(c);
  // The clock itself, read at every call (now() is the transaction's reading: see plan/clock-calls).
  c.fn('clock_timestamp', {
    args: [],
    returns: timestamptz,
    strict: true,
    volatile: true,
    impl: clockMicros,
  });
}
