/**
 * @module common/value
 * The runtime representation of SQL values inside Eddy. Every layer (engine, storage, wire) uses
 * exactly these forms, so no conversion happens inside the dataflow.
 *
 * | SQL type                    | JS representation                                              |
 * |-----------------------------|----------------------------------------------------------------|
 * | NULL (any type)             | `null`                                                         |
 * | boolean                     | `boolean`                                                      |
 * | smallint, integer           | `number` (an integer in range)                                 |
 * | bigint                      | `number` when a safe integer (|v| ≤ 2^53−1), else `bigint`:    |
 * |                             | canonical, so equal values always have the same form           |
 * | numeric                     | `Numeric`                                                      |
 * | real, double precision      | `number`                                                       |
 * | text, varchar, uuid, enum   | `string` (uuid lower-case canonical form)                      |
 * | char(n)                     | `string` padded to n, as PostgreSQL stores it (common/bpchar)  |
 * | bytea                       | `Uint8Array`                                                   |
 * | date                        | `number`: days since 1970-01-01                                |
 * | time                        | `number`: microseconds since midnight                          |
 * | timestamp, timestamptz      | `number`: microseconds since 1970-01-01 00:00:00 (UTC for tz)  |
 * | interval                    | `Interval`                                                     |
 * | jsonb                       | `Jsonb`                                                        |
 * | arrays                      | `Value[]` (elements may be null); a k-dimensional array nests   |
 * |                             | k levels, rectangular (functions/array-dims.ts)                |
 */
import type { Interval } from './interval.ts';
import type { Jsonb } from './jsonb.ts';
import type { Numeric } from './numeric.ts';

export type Value =
  | null
  | boolean
  | number
  | bigint
  | string
  | Numeric
  | Interval
  | Jsonb
  | Uint8Array
  | Value[];

/** A row outside a batch (API boundaries, tests). Inside the engine rows live in batches. */
export type Row = Value[];
