/**
 * @module storage/value-codec
 * Eddy's binary encoding of values for the log and checkpoints (ADR 0003): one tag byte per
 * value form, then its payload. Every form of `common/value.ts` decodes to an identical form
 * (same JS type, -0 and NaN kept, Numeric scale kept, jsonb numbers as they were), so a row read
 * back has the exact identity it had. `ByteWriter` / `ByteReader` also carry the record formats.
 */
import { SqlState, StorageError } from '../common/errors.ts';
import { Interval } from '../common/interval.ts';
import { Jsonb, JsonObject, type JsonValue } from '../common/jsonb.ts';
import { Numeric } from '../common/numeric.ts';
import type { Value } from '../common/value.ts';

/** The tag byte of each value form. Stored on disk: never renumber, only add. */
const Tag = {
  Null: 0,
  False: 1,
  True: 2,
  Int32: 3,
  Float64: 4,
  BigInt: 5,
  Numeric: 6,
  Text: 7,
  Bytea: 8,
  Interval: 9,
  Jsonb: 10,
  Array: 11,
  /** Plain data only (`plain()`): an object with string keys. */
  Object: 12,
} as const;

/** The tag byte of each jsonb node. Stored on disk: never renumber, only add. */
const JsonTag = {
  Null: 0,
  False: 1,
  True: 2,
  Number: 3,
  Numeric: 4,
  String: 5,
  Array: 6,
  Object: 7,
} as const;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** How many bytes `varuint(n)` writes. */
function varuintBytes(n: number): number {
  let bytes = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    bytes++;
  }
  return bytes;
}

/** An append-only byte buffer that grows by doubling. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  length = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  /** Empties the buffer (its memory is kept for what is written next). */
  reset(): void {
    this.length = 0;
  }

  u8(n: number): void {
    this.ensure(1);
    this.buf[this.length++] = n;
  }

  /** An unsigned integer below 2^53 in 7-bit groups, low first. */
  varuint(n: number): void {
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }

  i32(n: number): void {
    this.ensure(4);
    this.view.setInt32(this.length, n, true);
    this.length += 4;
  }

  f64(n: number): void {
    this.ensure(8);
    this.view.setFloat64(this.length, n, true);
    this.length += 8;
  }

  bytes(b: Uint8Array): void {
    this.varuint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /**
   * A string as its UTF-8 length and bytes, encoded straight into the buffer (no copy of its own):
   * room for the longest encoding (3 bytes per UTF-16 unit) and its length's varuint is taken
   * first, then the bytes move back when the actual length's varuint is shorter.
   */
  string(s: string): void {
    const most = 3 * s.length;
    const head = varuintBytes(most);
    this.ensure(head + most + 8);
    const at = this.length;
    const { written } = utf8.encodeInto(s, this.buf.subarray(at + head));
    const used = varuintBytes(written);
    if (used < head) this.buf.copyWithin(at + used, at + head, at + head + written);
    this.varuint(written);
    this.length = at + used + written;
  }

  bigint(n: bigint): void {
    this.u8(n < 0n ? 1 : 0);
    this.string((n < 0n ? -n : n).toString(16));
  }

  value(v: Value): void {
    writeValue(this, v);
  }

  /** Plain data: Eddy values, arrays and objects with string keys (saved operator state). */
  plain(v: PlainData): void {
    writePlain(this, v);
  }

  /** The bytes written (a view of the internal buffer: copy it before writing more). */
  finish(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Reads what a ByteWriter wrote; a truncated or malformed input throws XX001. */
export class ByteReader {
  private readonly buf: Uint8Array;
  private readonly view: DataView;
  offset = 0;

  constructor(buf: Uint8Array) {
    this.buf = buf;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean {
    return this.offset >= this.buf.length;
  }

  private need(n: number): void {
    if (this.offset + n > this.buf.length) throw corrupt('a record ends early');
  }

  u8(): number {
    this.need(1);
    return this.buf[this.offset++]!;
  }

  varuint(): number {
    let n = 0;
    let scale = 1;
    for (;;) {
      const b = this.u8();
      n += (b & 0x7f) * scale;
      if (b < 0x80) return n;
      scale *= 0x80;
      if (scale > 2 ** 56) throw corrupt('a length is too long');
    }
  }

  i32(): number {
    this.need(4);
    const n = this.view.getInt32(this.offset, true);
    this.offset += 4;
    return n;
  }

  f64(): number {
    this.need(8);
    const n = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return n;
  }

  bytes(): Uint8Array {
    const n = this.varuint();
    this.need(n);
    const out = this.buf.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  string(): string {
    const n = this.varuint();
    this.need(n);
    const s = utf8Decoder.decode(this.buf.subarray(this.offset, this.offset + n));
    this.offset += n;
    return s;
  }

  bigint(): bigint {
    const negative = this.u8() === 1;
    const magnitude = BigInt(`0x${this.string()}`);
    return negative ? -magnitude : magnitude;
  }

  value(): Value {
    return readValue(this);
  }

  plain(): PlainData {
    return readPlain(this);
  }
}

/** What `plain()` stores: Eddy values, and arrays and string-keyed objects of plain data. */
export type PlainData = Value | readonly PlainData[] | { readonly [key: string]: PlainData };

function isPlainObject(v: unknown): v is { readonly [key: string]: PlainData } {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function writePlain(w: ByteWriter, v: PlainData): void {
  if (isPlainObject(v)) {
    const keys = Object.keys(v);
    w.u8(Tag.Object);
    w.varuint(keys.length);
    for (const k of keys) {
      w.string(k);
      writePlain(w, v[k]!);
    }
  } else if (Array.isArray(v)) {
    w.u8(Tag.Array);
    w.varuint(v.length);
    for (const e of v) writePlain(w, e);
  } else writeValue(w, v as Value);
}

/** Nesting down to which `writePlainInTurns` may pause; deeper parts (one state entry) are written whole. */
const turnsDepth = 5;
/** Array elements written between two looks at the clock. */
const turnsCheckEvery = 64;

/**
 * The bytes of `w.plain(v)`, written over several event-loop turns: once about `sliceMs` of work
 * is done, at an array element no deeper than `turnsDepth`, `turn` is awaited (it may flush what
 * was written; steps run meanwhile). `v` must not change until this returns.
 */
export async function writePlainInTurns(
  w: ByteWriter,
  v: PlainData,
  turn: () => Promise<void>,
  sliceMs = 4,
): Promise<void> {
  let started = performance.now();
  const walk = async (x: PlainData, depth: number): Promise<void> => {
    if (isPlainObject(x)) {
      const keys = Object.keys(x);
      w.u8(Tag.Object);
      w.varuint(keys.length);
      for (const k of keys) {
        w.string(k);
        if (depth < turnsDepth) await walk(x[k]!, depth + 1);
        else writePlain(w, x[k]!);
      }
    } else if (Array.isArray(x)) {
      w.u8(Tag.Array);
      w.varuint(x.length);
      for (let i = 0; i < x.length; i++) {
        if (depth < turnsDepth) await walk(x[i], depth + 1);
        else writePlain(w, x[i]);
        if (i % turnsCheckEvery === turnsCheckEvery - 1 && performance.now() - started >= sliceMs) {
          await turn();
          started = performance.now();
        }
      }
    } else writeValue(w, x as Value);
  };
  await walk(v, 0);
}

function readPlain(r: ByteReader): PlainData {
  const tag = r.u8();
  if (tag === Tag.Object) {
    const out: Record<string, PlainData> = {};
    for (let n = r.varuint(); n > 0; n--) {
      // Defined, not assigned: a key such as "__proto__" stays an ordinary key.
      Object.defineProperty(out, r.string(), {
        value: readPlain(r),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  if (tag === Tag.Array) {
    const n = r.varuint();
    const out: PlainData[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = readPlain(r);
    return out;
  }
  return readTagged(r, tag);
}

export function corrupt(what: string): StorageError {
  return new StorageError(SqlState.dataCorrupted, `durable state is corrupt: ${what}`);
}

function writeValue(w: ByteWriter, v: Value): void {
  if (v === null) {
    w.u8(Tag.Null);
    return;
  }
  switch (typeof v) {
    case 'boolean': {
      w.u8(v ? Tag.True : Tag.False);
      return;
    }
    case 'number':
      if ((v | 0) === v && !Object.is(v, -0)) {
        w.u8(Tag.Int32);
        w.i32(v);
        return;
      }
      w.u8(Tag.Float64);
      {
        w.f64(v);
        return;
      }
    case 'bigint':
      w.u8(Tag.BigInt);
      {
        w.bigint(v);
        return;
      }
    case 'string':
      w.u8(Tag.Text);
      {
        w.string(v);
        return;
      }
  }
  if (v instanceof Uint8Array) {
    w.u8(Tag.Bytea);
    w.bytes(v);
    return;
  }
  if (Array.isArray(v)) {
    w.u8(Tag.Array);
    w.varuint(v.length);
    for (const e of v) writeValue(w, e);
    return;
  }
  if (v instanceof Numeric) {
    w.u8(Tag.Numeric);
    writeNumeric(w, v);
    return;
  }
  if (v instanceof Interval) {
    w.u8(Tag.Interval);
    w.i32(v.months);
    w.i32(v.days);
    w.f64(v.micros);
    return;
  }
  if (v instanceof Jsonb) {
    w.u8(Tag.Jsonb);
    writeJson(w, v.value);
    return;
  }
  throw new StorageError(SqlState.internalError, `cannot store a value of form ${typeof v}`);
}

function writeNumeric(w: ByteWriter, n: Numeric): void {
  w.u8(n.special);
  w.varuint(n.scale);
  w.bigint(n.digits);
}

function readNumeric(r: ByteReader): Numeric {
  const special = r.u8();
  const scale = r.varuint();
  return new Numeric(r.bigint(), scale, special);
}

function readValue(r: ByteReader): Value {
  return readTagged(r, r.u8());
}

function readTagged(r: ByteReader, tag: number): Value {
  switch (tag) {
    case Tag.Null:
      return null;
    case Tag.False:
      return false;
    case Tag.True:
      return true;
    case Tag.Int32:
      return r.i32();
    case Tag.Float64:
      return r.f64();
    case Tag.BigInt:
      return r.bigint();
    case Tag.Text:
      return r.string();
    case Tag.Bytea:
      return r.bytes();
    case Tag.Array: {
      const n = r.varuint();
      const out: Value[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readValue(r);
      return out;
    }
    case Tag.Numeric:
      return readNumeric(r);
    case Tag.Interval: {
      const months = r.i32();
      const days = r.i32();
      return new Interval(months, days, r.f64());
    }
    case Tag.Jsonb:
      return new Jsonb(readJson(r));
    default:
      throw corrupt(`unknown value tag ${tag}`);
  }
}

function writeJson(w: ByteWriter, v: JsonValue): void {
  if (v === null) {
    w.u8(JsonTag.Null);
    return;
  }
  if (v === true || v === false) {
    w.u8(v ? JsonTag.True : JsonTag.False);
    return;
  }
  if (typeof v === 'number') {
    w.u8(JsonTag.Number);
    w.f64(v);
    return;
  }
  if (typeof v === 'string') {
    w.u8(JsonTag.String);
    w.string(v);
    return;
  }
  if (v instanceof Numeric) {
    w.u8(JsonTag.Numeric);
    writeNumeric(w, v);
    return;
  }
  if (v instanceof JsonObject) {
    w.u8(JsonTag.Object);
    w.varuint(v.keys.length);
    for (let i = 0; i < v.keys.length; i++) {
      w.string(v.keys[i]!);
      writeJson(w, v.values[i]!);
    }
    return;
  }
  w.u8(JsonTag.Array);
  w.varuint(v.length);
  for (const e of v) writeJson(w, e);
}

function readJson(r: ByteReader): JsonValue {
  const tag = r.u8();
  switch (tag) {
    case JsonTag.Null:
      return null;
    case JsonTag.False:
      return false;
    case JsonTag.True:
      return true;
    case JsonTag.Number:
      return r.f64();
    case JsonTag.Numeric:
      return readNumeric(r);
    case JsonTag.String:
      return r.string();
    case JsonTag.Array: {
      const n = r.varuint();
      const out: JsonValue[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = readJson(r);
      return out;
    }
    case JsonTag.Object: {
      const n = r.varuint();
      const keys: string[] = new Array(n);
      const values: JsonValue[] = new Array(n);
      for (let i = 0; i < n; i++) {
        keys[i] = r.string();
        values[i] = readJson(r);
      }
      // Written from a canonical object: keys are unique and already in jsonb order.
      return new JsonObject(keys, values);
    }
    default:
      throw corrupt(`unknown jsonb tag ${tag}`);
  }
}
