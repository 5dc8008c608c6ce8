/**
 * @module common/datetime
 * The public face of Eddy's date/time support: re-exports the datetime-* modules. Values follow
 * common/value.ts: date = days since 1970-01-01, time = µs since midnight, timestamp(tz) = µs since
 * 1970-01-01 00:00 (UTC for tz); PostgreSQL's `infinity` / `-infinity` are ±Infinity.
 */
export * from './datetime-arith.ts';
export * from './datetime-calendar.ts';
export * from './datetime-extract.ts';
export * from './datetime-format.ts';
export * from './datetime-interval-parse.ts';
export * from './datetime-make.ts';
export * from './datetime-parse.ts';
export * from './datetime-to-char.ts';
export * from './datetime-trunc.ts';
export * from './datetime-units.ts';
export * from './datetime-zone.ts';
