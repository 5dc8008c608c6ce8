/**
 * @module common/numeric
 * PostgreSQL `numeric`: exact decimal arithmetic. (Contract stub; see the helper's implementation.)
 */
export class Numeric {
  /** Unscaled digits: the value is `digits / 10^scale`. */
  readonly digits: bigint;
  /** Digits after the decimal point, ≥ 0 (PostgreSQL's display scale). */
  readonly scale: number;
  constructor(digits: bigint, scale: number) {
    this.digits = digits;
    this.scale = scale;
  }
}
