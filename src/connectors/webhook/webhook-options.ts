/**
 * @module connectors/webhook/webhook-options
 * A webhook source's options, from `CREATE SOURCE … WITH (connector = 'webhook', …)`: the
 * optional HMAC-SHA256 key and the header that carries the signature, and the record size limit.
 * Refused with 22023 when malformed.
 */
import { invalid, Options, type SourceOption } from '../options.ts';

export interface WebhookSourceSpec {
  readonly connector: 'webhook';
  /** The HMAC-SHA256 key requests are signed with; unsigned requests are taken when null. */
  readonly hmacSecret: string | null;
  /** The header with the signature (lower case): hex, optionally prefixed `sha256=`. */
  readonly signatureHeader: string;
  readonly maxRecordBytes: number;
}

const known = ['hmac_secret', 'signature_header', 'max_record_bytes'];

export function webhookSourceSpec(options: readonly SourceOption[]): WebhookSourceSpec {
  const o = new Options(options, known, 'a webhook source');
  const header = (o.text('signature_header') ?? 'x-eddy-signature').toLowerCase();
  if (!/^[a-z0-9-]+$/.test(header)) throw invalid(`"${header}" is not an HTTP header name`);
  return {
    connector: 'webhook',
    hmacSecret: o.text('hmac_secret') ?? null,
    signatureHeader: header,
    maxRecordBytes: o.integer('max_record_bytes', 1 << 20),
  };
}
