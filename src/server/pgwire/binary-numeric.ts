/**
 * @module server/pgwire/binary-numeric
 * PostgreSQL's binary `numeric` (numeric_send / numeric_recv): ndigits, weight, sign and display
 * scale as int16s, then base-10000 digits, the first multiplying 10000^weight. Zero has no digits;
 * leading and trailing zero digits are never sent, as PostgreSQL strips them.
 */
import { Numeric } from '../../common/numeric.ts';
import type { MessageWriter } from './message-writer.ts';
import { WireError, WireState } from './wire-error.ts';

const SIGN_POS = 0x0000;
const SIGN_NEG = 0x4000;
const SIGN_NAN = 0xc000;
const SIGN_PINF = 0xd000;
const SIGN_NINF = 0xf000;

export function writeNumericBinary(w: MessageWriter, n: Numeric): void {
  if (!n.isFinite()) {
    const sign = n.isNaN() ? SIGN_NAN : n.signum() > 0 ? SIGN_PINF : SIGN_NINF;
    w.int16(0).int16(0).uint16(sign).int16(0);
    return;
  }
  const negative = n.digits < 0n;
  const decimal = (negative ? -n.digits : n.digits).toString();
  const scale = n.scale;
  // Split at the decimal point, then pad each side to whole groups of four decimal digits.
  const intLen = decimal.length - scale;
  const intPart = intLen > 0 ? decimal.slice(0, intLen) : '';
  const fracPart = intLen >= 0 ? decimal.slice(intLen) : '0'.repeat(-intLen) + decimal;
  const intPadded = '0'.repeat((4 - (intPart.length % 4)) % 4) + intPart;
  const fracPadded = fracPart + '0'.repeat((4 - (fracPart.length % 4)) % 4);
  const all = intPadded + fracPadded;
  let first = 0;
  let last = all.length / 4;
  let weight = intPadded.length / 4 - 1;
  while (first < last && all.startsWith('0000', first * 4)) {
    first++;
    weight--;
  }
  while (last > first && all.startsWith('0000', (last - 1) * 4)) last--;
  if (first === last) {
    w.int16(0).int16(0).int16(SIGN_POS).int16(scale);
    return;
  }
  w.int16(last - first)
    .int16(weight)
    .uint16(negative ? SIGN_NEG : SIGN_POS)
    .int16(scale);
  for (let g = first; g < last; g++) w.int16(Number(all.slice(g * 4, g * 4 + 4)));
}

export function readNumericBinary(b: Buffer): Numeric {
  if (b.length < 8) throw badNumeric();
  const ndigits = b.readInt16BE(0);
  const weight = b.readInt16BE(2);
  const sign = b.readUInt16BE(4);
  const dscale = b.readInt16BE(6);
  if (sign === SIGN_NAN) return Numeric.NaN;
  if (sign === SIGN_PINF) return Numeric.POSITIVE_INFINITY;
  if (sign === SIGN_NINF) return Numeric.NEGATIVE_INFINITY;
  if ((sign !== SIGN_POS && sign !== SIGN_NEG) || ndigits < 0 || dscale < 0 || b.length !== 8 + 2 * ndigits) {
    throw badNumeric();
  }
  if (ndigits === 0) return new Numeric(0n, dscale);
  // value = Σ d_i · 10000^(weight − i); as an integer of unscaled digits at scale `dscale`.
  let digits = '';
  for (let i = 0; i < ndigits; i++) {
    const d = b.readInt16BE(8 + 2 * i);
    if (d < 0 || d > 9999) throw badNumeric();
    digits += String(d).padStart(4, '0');
  }
  // digits represent Σ at scale 4·(ndigits − 1 − weight).
  const scaleOfDigits = 4 * (ndigits - 1 - weight);
  let unscaled = BigInt(digits);
  if (scaleOfDigits < dscale) unscaled *= 10n ** BigInt(dscale - scaleOfDigits);
  else if (scaleOfDigits > dscale) unscaled /= 10n ** BigInt(scaleOfDigits - dscale);
  return new Numeric(sign === SIGN_NEG ? -unscaled : unscaled, dscale);
}

function badNumeric(): WireError {
  return WireError.error(WireState.invalidBinaryRepresentation, 'invalid external "numeric" value');
}
