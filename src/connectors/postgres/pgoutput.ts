/**
 * @module connectors/postgres/pgoutput
 * Decodes the messages of PostgreSQL's `pgoutput` logical decoding plugin (protocol version 1,
 * text-format values) as they arrive in a replication stream's XLogData, and encodes the standby
 * status update that confirms LSNs. Values stay text: the source converts them with the Eddy
 * column type's text input, so a value that does not convert is one dead letter, not a failure.
 * Reference: PostgreSQL 15 documentation, "Logical Replication Message Formats".
 */

/** A column value in a tuple: text, NULL, or unchanged TOASTed (not sent: keep the old one). */
export type TupleValue = string | null | typeof unchangedToast;

export const unchangedToast: unique symbol = Symbol('unchanged TOAST value');

export interface RelationMessage {
  readonly tag: 'relation';
  readonly relationId: number;
  readonly schema: string;
  readonly table: string;
  /** 'd' default, 'n' nothing, 'f' full, 'i' index. */
  readonly replicaIdentity: string;
  readonly columns: readonly { readonly name: string; readonly typeOid: number; readonly key: boolean }[];
}

export type PgOutputMessage =
  | { readonly tag: 'begin'; readonly finalLsn: bigint; readonly xid: number }
  | { readonly tag: 'commit'; readonly commitLsn: bigint; readonly endLsn: bigint }
  | RelationMessage
  | { readonly tag: 'insert'; readonly relationId: number; readonly row: TupleValue[] }
  | {
      readonly tag: 'update';
      readonly relationId: number;
      /** The old row: its key columns ('K') or all of it ('O', REPLICA IDENTITY FULL); null when not sent. */
      readonly old: TupleValue[] | null;
      readonly oldIsKey: boolean;
      readonly row: TupleValue[];
    }
  | {
      readonly tag: 'delete';
      readonly relationId: number;
      readonly old: TupleValue[];
      readonly oldIsKey: boolean;
    }
  | { readonly tag: 'truncate'; readonly relationIds: readonly number[] }
  | { readonly tag: 'other' };

/** A CopyData message of the replication stream: WAL data, or the server's keepalive. */
export type StreamMessage =
  | { readonly kind: 'xlog'; readonly walStart: bigint; readonly walEnd: bigint; readonly body: Buffer }
  | { readonly kind: 'keepalive'; readonly walEnd: bigint; readonly replyRequested: boolean };

export function parseStreamMessage(chunk: Buffer): StreamMessage | null {
  if (chunk[0] === 0x77)
    return {
      kind: 'xlog',
      walStart: chunk.readBigUInt64BE(1),
      walEnd: chunk.readBigUInt64BE(9),
      body: chunk.subarray(25),
    };
  if (chunk[0] === 0x6b)
    return { kind: 'keepalive', walEnd: chunk.readBigUInt64BE(1), replyRequested: chunk[17] === 1 };
  return null;
}

class Reader {
  private readonly b: Buffer;
  pos = 0;
  constructor(b: Buffer) {
    this.b = b;
  }
  u8(): number {
    return this.b[this.pos++]!;
  }
  i16(): number {
    const v = this.b.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  i32(): number {
    const v = this.b.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u32(): number {
    const v = this.b.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    const v = this.b.readBigUInt64BE(this.pos);
    this.pos += 8;
    return v;
  }
  cstring(): string {
    const end = this.b.indexOf(0, this.pos);
    if (end < 0) throw new Error('pgoutput: unterminated string');
    const s = this.b.toString('utf8', this.pos, end);
    this.pos = end + 1;
    return s;
  }
  bytes(n: number): Buffer {
    const v = this.b.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}

/** One pgoutput message (the body of an XLogData). Unknown kinds come back as `other`. */
export function decodePgOutput(body: Buffer): PgOutputMessage {
  const r = new Reader(body);
  const tag = String.fromCharCode(r.u8());
  switch (tag) {
    case 'B': {
      const finalLsn = r.u64();
      r.u64(); // commit timestamp
      return { tag: 'begin', finalLsn, xid: r.u32() };
    }
    case 'C': {
      r.u8(); // flags
      const commitLsn = r.u64();
      const endLsn = r.u64();
      return { tag: 'commit', commitLsn, endLsn };
    }
    case 'R': {
      const relationId = r.u32();
      const schema = r.cstring();
      const table = r.cstring();
      const replicaIdentity = String.fromCharCode(r.u8());
      const n = r.i16();
      const columns = [];
      for (let i = 0; i < n; i++) {
        const flags = r.u8();
        const name = r.cstring();
        const typeOid = r.u32();
        r.i32(); // typmod
        columns.push({ name, typeOid, key: (flags & 1) === 1 });
      }
      return { tag: 'relation', relationId, schema, table, replicaIdentity, columns };
    }
    case 'I': {
      const relationId = r.u32();
      r.u8(); // 'N'
      return { tag: 'insert', relationId, row: tuple(r) };
    }
    case 'U': {
      const relationId = r.u32();
      let kind = String.fromCharCode(r.u8());
      let old: TupleValue[] | null = null;
      const oldIsKey = kind === 'K';
      if (kind === 'K' || kind === 'O') {
        old = tuple(r);
        kind = String.fromCharCode(r.u8());
      }
      return { tag: 'update', relationId, old, oldIsKey, row: tuple(r) };
    }
    case 'D': {
      const relationId = r.u32();
      const kind = String.fromCharCode(r.u8());
      return { tag: 'delete', relationId, oldIsKey: kind === 'K', old: tuple(r) };
    }
    case 'T': {
      const n = r.i32();
      r.u8(); // options (CASCADE, RESTART IDENTITY)
      const relationIds: number[] = [];
      for (let i = 0; i < n; i++) relationIds.push(r.u32());
      return { tag: 'truncate', relationIds };
    }
    default:
      return { tag: 'other' };
  }
}

function tuple(r: Reader): TupleValue[] {
  const n = r.i16();
  const out: TupleValue[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const kind = String.fromCharCode(r.u8());
    if (kind === 'n') out[i] = null;
    else if (kind === 'u') out[i] = unchangedToast;
    else if (kind === 't') out[i] = r.bytes(r.i32()).toString('utf8');
    else throw new Error(`pgoutput: tuple value of kind '${kind}' (binary values are not asked for)`);
  }
  return out;
}

/** Microseconds from the Unix epoch to PostgreSQL's (2000-01-01). */
const pgEpochMicros = 946_684_800_000_000n;

/** A standby status update confirming `lsn` as written, flushed and applied. */
export function standbyStatus(lsn: bigint, replyRequested = false): Buffer {
  const b = Buffer.alloc(34);
  b[0] = 0x72; // 'r'
  b.writeBigUInt64BE(lsn, 1);
  b.writeBigUInt64BE(lsn, 9);
  b.writeBigUInt64BE(lsn, 17);
  b.writeBigUInt64BE(BigInt(Date.now()) * 1000n - pgEpochMicros, 25);
  b[33] = replyRequested ? 1 : 0;
  return b;
}

/** `16/B374D848` → bigint. */
export function parseLsn(text: string): bigint {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  if (m === null) throw new Error(`not an LSN: ${text}`);
  return (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`);
}

export function formatLsn(lsn: bigint): string {
  return `${(lsn >> 32n).toString(16).toUpperCase()}/${(lsn & 0xffffffffn).toString(16).toUpperCase()}`;
}
