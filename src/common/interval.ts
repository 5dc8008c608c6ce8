/**
 * @module common/interval
 * PostgreSQL `interval`: months, days and microseconds kept apart, as PostgreSQL does. (Contract stub.)
 */
export class Interval {
  readonly months: number;
  readonly days: number;
  readonly micros: number;
  constructor(months: number, days: number, micros: number) {
    this.months = months;
    this.days = days;
    this.micros = micros;
  }
}
