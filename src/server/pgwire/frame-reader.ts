/**
 * @module server/pgwire/frame-reader
 * Cuts the byte stream of an authenticated connection into frontend messages (type byte, int32
 * length, body). Invariant: it never buffers more than one message of at most `messageBytesMax`:
 * a length outside [4, messageBytesMax] is reported as soon as the header arrives.
 */
import { decodeUtf8 } from '../../common/utf8-text.ts';
import { WireError, WireState } from './wire-error.ts';

export interface Frame {
  readonly type: number;
  /** The message body (after the length); a view into the received bytes. */
  readonly body: Buffer;
}

export class FrameReader {
  private readonly messageBytesMax: number;
  /** Bytes of an incomplete message, in arrival order. */
  private parts: Buffer[] = [];
  private partsBytes = 0;
  /** Total bytes of the incomplete message once its header is known, else -1. */
  private expected = -1;

  constructor(messageBytesMax: number) {
    this.messageBytesMax = messageBytesMax;
  }

  /** Bytes held for an incomplete message. */
  get bufferedBytes(): number {
    return this.partsBytes;
  }

  /** Appends the complete messages in `chunk` to `out`; throws a FATAL WireError on a bad length. */
  push(chunk: Buffer, out: Frame[]): void {
    if (this.parts.length > 0) {
      this.parts.push(chunk);
      this.partsBytes += chunk.length;
      if (this.expected < 0) {
        if (this.partsBytes < 5) return;
        const head = Buffer.concat(this.parts);
        this.parts = [head];
        this.expected = 1 + this.checkLength(head.readInt32BE(1), head[0]!);
      }
      if (this.partsBytes < this.expected) return;
      chunk = Buffer.concat(this.parts, this.partsBytes);
      this.parts = [];
      this.partsBytes = 0;
      this.expected = -1;
    }
    let at = 0;
    const end = chunk.length;
    while (end - at >= 5) {
      const type = chunk[at]!;
      const length = this.checkLength(chunk.readInt32BE(at + 1), type);
      if (end - at - 1 < length) {
        this.expected = 1 + length;
        break;
      }
      out.push({ type, body: chunk.subarray(at + 5, at + 1 + length) });
      at += 1 + length;
    }
    if (at < end) {
      this.parts.push(at === 0 ? chunk : chunk.subarray(at));
      this.partsBytes = end - at;
    }
  }

  private checkLength(length: number, type: number): number {
    if (length < 4) {
      throw WireError.fatal(WireState.protocolViolation, `invalid message length ${length}`, {
        detail: `Message type 0x${type.toString(16).padStart(2, '0')}.`,
      });
    }
    if (length > this.messageBytesMax) {
      throw WireError.fatal(
        WireState.programLimitExceeded,
        `message of ${length} bytes exceeds the limit of ${this.messageBytesMax} bytes`,
        {
          hint: 'Send smaller statements or parameters; load bulk data over several statements or with POST /ingest/{table}.',
        },
      );
    }
    return length;
  }
}

/** Reads the fields of one message body; a read past the end is a protocol violation. */
export class BodyReader {
  private buf: Buffer;
  private at = 0;

  constructor(buf: Buffer) {
    this.buf = buf;
  }

  get remaining(): number {
    return this.buf.length - this.at;
  }

  byte(): number {
    this.need(1);
    return this.buf[this.at++]!;
  }

  int16(): number {
    this.need(2);
    const v = this.buf.readInt16BE(this.at);
    this.at += 2;
    return v;
  }

  int32(): number {
    this.need(4);
    const v = this.buf.readInt32BE(this.at);
    this.at += 4;
    return v;
  }

  uint32(): number {
    this.need(4);
    const v = this.buf.readUInt32BE(this.at);
    this.at += 4;
    return v;
  }

  cstring(): string {
    const end = this.buf.indexOf(0, this.at);
    if (end < 0) throw malformed('a string is not terminated');
    const s = decodeUtf8(this.buf, this.at, end);
    this.at = end + 1;
    return s;
  }

  bytes(n: number): Buffer {
    this.need(n);
    const b = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }

  private need(n: number): void {
    if (this.at + n > this.buf.length) throw malformed('the message is shorter than its fields');
  }
}

function malformed(detail: string): WireError {
  return WireError.fatal(WireState.protocolViolation, 'invalid message format', { detail });
}
