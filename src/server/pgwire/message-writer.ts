/**
 * @module server/pgwire/message-writer
 * Builds backend messages into one growable buffer per connection; `take()` hands the bytes
 * written so far to the socket. Invariant: between `begin` and `end` exactly one message is open,
 * and `end` back-fills its length, so a taken buffer always holds whole messages.
 */

const initialBytes = 2 * 1024;

export class MessageWriter {
  private buf = Buffer.allocUnsafe(initialBytes);
  private pos = 0;
  private start = -1;

  /** Bytes written and not yet taken. */
  get length(): number {
    return this.pos;
  }

  /** Opens a message of type `code` (a byte); `end()` closes it. */
  begin(code: number): this {
    this.ensure(5);
    this.buf[this.pos] = code;
    this.start = this.pos + 1;
    this.pos += 5;
    return this;
  }

  end(): void {
    this.buf.writeInt32BE(this.pos - this.start, this.start);
    this.start = -1;
  }

  /** Drops a message left half-written by an error, so what follows stays well-framed. */
  abandon(): void {
    if (this.start < 0) return;
    this.pos = this.start - 1;
    this.start = -1;
  }

  byte(b: number): this {
    this.ensure(1);
    this.buf[this.pos++] = b;
    return this;
  }

  int16(n: number): this {
    this.ensure(2);
    this.buf.writeInt16BE(n, this.pos);
    this.pos += 2;
    return this;
  }

  uint16(n: number): this {
    this.ensure(2);
    this.buf.writeUInt16BE(n, this.pos);
    this.pos += 2;
    return this;
  }

  int32(n: number): this {
    this.ensure(4);
    this.buf.writeInt32BE(n | 0, this.pos);
    this.pos += 4;
    return this;
  }

  uint32(n: number): this {
    this.ensure(4);
    this.buf.writeUInt32BE(n >>> 0, this.pos);
    this.pos += 4;
    return this;
  }

  /** A signed 64-bit integer given as a safe-integer number (split into two 32-bit halves). */
  int64(n: number): this {
    const hi = Math.floor(n / 4294967296);
    this.ensure(8);
    this.buf.writeInt32BE(hi, this.pos);
    this.buf.writeUInt32BE(n - hi * 4294967296, this.pos + 4);
    this.pos += 8;
    return this;
  }

  bigint64(n: bigint): this {
    this.ensure(8);
    this.buf.writeBigInt64BE(n, this.pos);
    this.pos += 8;
    return this;
  }

  float32(x: number): this {
    this.ensure(4);
    this.buf.writeFloatBE(x, this.pos);
    this.pos += 4;
    return this;
  }

  float64(x: number): this {
    this.ensure(8);
    this.buf.writeDoubleBE(x, this.pos);
    this.pos += 8;
    return this;
  }

  /** UTF-8 text with no terminator; returns its byte length. */
  text(s: string): number {
    this.ensure(s.length * 3);
    const n = this.buf.write(s, this.pos, 'utf8');
    this.pos += n;
    return n;
  }

  /** A NUL-terminated string. */
  cstring(s: string): this {
    this.text(s);
    return this.byte(0);
  }

  bytes(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /** Reserves an int32 to fill in later (a value's length); returns its offset. */
  reserve32(): number {
    this.ensure(4);
    const at = this.pos;
    this.pos += 4;
    return at;
  }

  /** Fills a reserved int32 with the number of bytes written since it. */
  fillLength(at: number): void {
    this.buf.writeInt32BE(this.pos - at - 4, at);
  }

  /**
   * The bytes written so far, as a buffer the caller may keep (the socket holds on to it until
   * it is sent); the writer starts empty again. Small results are copied into Node's pool.
   */
  take(): Buffer {
    const out = Buffer.allocUnsafe(this.pos);
    this.buf.copy(out, 0, 0, this.pos);
    this.pos = 0;
    if (this.buf.length > 1024 * 1024) this.buf = Buffer.allocUnsafe(initialBytes);
    return out;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
}
