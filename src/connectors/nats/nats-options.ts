/**
 * @module connectors/nats/nats-options
 * A NATS JetStream source's options, from `CREATE SOURCE … WITH (connector = 'nats', …)`: the
 * servers, the stream (and optionally one subject of it), where a new source starts, and how
 * much one step takes. Refused with 22023 when malformed (connectors/options).
 */
import { invalid, Options, type SourceOption } from '../options.ts';

export interface NatsSourceSpec {
  readonly connector: 'nats';
  /** `nats://host:port` URLs (or `host:port`). */
  readonly servers: readonly string[];
  readonly stream: string;
  /** Only messages of this subject (wildcards allowed); all of the stream's when absent. */
  readonly subject: string | null;
  /** Where a source with no recorded sequence starts. */
  readonly start: 'earliest' | 'latest';
  readonly maxRecordBytes: number;
  /** Messages one step takes at most. */
  readonly pollMessages: number;
  /** Bytes Eddy's queue holds at most (a larger message still arrives alone). */
  readonly pollBytes: number;
  /** Longest a poll waits for a first message before it answers empty (ms). */
  readonly pollWaitMs: number;
}

const known = [
  'servers',
  'stream',
  'subject',
  'start',
  'max_record_bytes',
  'poll_messages',
  'poll_bytes',
  'poll_wait_ms',
];

export function natsSourceSpec(options: readonly SourceOption[]): NatsSourceSpec {
  const o = new Options(options, known, 'a NATS source');
  const servers = o
    .required('servers', "Say servers = 'nats://host:port[,…]'.")
    .split(',')
    .map((s) => s.trim());
  for (const s of servers)
    if (!/^(nats:\/\/)?[^\s:/]+:\d{1,5}$/.test(s))
      throw invalid(`NATS server address "${s}" is not [nats://]host:port`);
  const stream = o.required('stream');
  if (/[\s.*>]/.test(stream)) throw invalid(`"${stream}" is not a JetStream stream name`);
  return {
    connector: 'nats',
    servers,
    stream,
    subject: o.text('subject') ?? null,
    start: o.oneOf('start', ['earliest', 'latest'], 'earliest'),
    maxRecordBytes: o.integer('max_record_bytes', 1 << 20),
    pollMessages: o.integer('poll_messages', 10_000),
    pollBytes: o.integer('poll_bytes', 4 << 20),
    pollWaitMs: o.integer('poll_wait_ms', 200),
  };
}
