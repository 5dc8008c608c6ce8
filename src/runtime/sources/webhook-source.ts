/**
 * @module runtime/sources/webhook-source
 * A webhook source: `POST /webhook/<source>` (server/http) hands each request's body here. The
 * body is one JSON object, a JSON array of objects, or NDJSON (one object per line, by the
 * Content-Type `application/x-ndjson`); with `hmac_secret` set, the request must carry the
 * HMAC-SHA256 of its exact bytes (hex, optionally `sha256=`-prefixed) in the signature header,
 * or it is refused (401, 28000) with nothing written. **One request is one step**: its good
 * records and its dead letters (the partition column is 0, the offset the record's place in the
 * request, from 1) commit together, and the answer comes once the step is durable. There are no
 * positions: a sender that retries a request it saw fail sends it again (at least once).
 */
import { isUtf8 } from 'node:buffer';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { EddyError, SqlState } from '../../common/errors.ts';
import type { WebhookSourceSpec } from '../../connectors/webhook/webhook-options.ts';
import { ConnectorSource, type SourceRecord } from './connector-source.ts';

export interface WebhookAnswer {
  readonly records: number;
  readonly deadLetters: number;
  readonly step: number;
}

export class WebhookSource extends ConnectorSource {
  start(): void {
    this.state = 'running';
    this.publish();
  }

  /** Takes one request: checks its signature, then commits its records as one step. */
  async receive(
    body: Buffer,
    headers: Readonly<Record<string, string | string[] | undefined>>,
  ): Promise<WebhookAnswer> {
    const spec = this.spec as WebhookSourceSpec;
    if (spec.hmacSecret !== null) {
      const given = headers[spec.signatureHeader];
      const text = (Array.isArray(given) ? given[0] : given)?.trim().replace(/^sha256=/i, '') ?? '';
      const expected = createHmac('sha256', spec.hmacSecret).update(body).digest();
      const actual = /^[0-9a-f]{64}$/i.test(text) ? Buffer.from(text, 'hex') : null;
      if (actual === null || !timingSafeEqual(actual, expected)) {
        this.stats.errors++;
        this.lastError = `a request with ${actual === null ? 'no valid' : 'a wrong'} ${spec.signatureHeader} signature was refused`;
        this.publish();
        // 28000: HTTP answers 401.
        throw new EddyError({
          code: SqlState.invalidAuthorizationSpecification,
          message: this.lastError,
          hint: `Sign the body with HMAC-SHA256 and send the hex digest in the ${spec.signatureHeader} header.`,
        });
      }
    }
    const type = String(headers['content-type'] ?? '').toLowerCase();
    const records = type.includes('ndjson') || type.includes('jsonl') ? lines(body) : document(body);
    const { good, dead } = await this.commit({ records, next: new Map() });
    this.publish();
    return { records: good, deadLetters: dead, step: this.db.currentStep };
  }
}

function lines(body: Buffer): SourceRecord[] {
  const records: SourceRecord[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(0x0a, start);
    if (end === -1) end = body.length;
    let stop = end;
    if (stop > start && body[stop - 1] === 0x0d) stop--;
    if (stop > start) records.push({ key: 0, offset: records.length + 1, value: body.subarray(start, stop) });
    start = end + 1;
  }
  return records;
}

/** A JSON document: an array is one record per element, anything else one record. */
function document(body: Buffer): SourceRecord[] {
  let i = 0;
  while (i < body.length && (body[i] === 0x20 || body[i] === 0x0a || body[i] === 0x0d || body[i] === 0x09))
    i++;
  if (body[i] !== 0x5b || !isUtf8(body)) return [{ key: 0, offset: 1, value: body }];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return [{ key: 0, offset: 1, value: body }];
  }
  return (parsed as unknown[]).map((element, index) => ({
    key: 0,
    offset: index + 1,
    value: Buffer.from(JSON.stringify(element) ?? 'null'),
  }));
}
