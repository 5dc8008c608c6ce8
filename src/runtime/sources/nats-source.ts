/**
 * @module runtime/sources/nats-source
 * A NATS JetStream source's reader for the shared connector-source loop. Its one position
 * (key 0 in the offsets table) is the next stream sequence to read. A new source records where
 * it starts (the stream's first sequence, or the one after its last message for `start =
 * 'latest'`) in a batch of its own; after that, each batch takes up to `poll_messages` messages
 * from the ordered consumer (connectors/nats) and moves the position past the last of them.
 * On a restart the consumer starts again at the recorded sequence, so nothing is lost or read
 * twice; a gap in sequences (a filtered subject, deleted messages) is fine.
 */
import type { PositionKey } from '../../catalog/catalog.ts';
import type { NatsSourceSpec } from '../../connectors/nats/nats-options.ts';
import { NatsReader, natsErrorMessage } from '../../connectors/nats/nats-reader.ts';
import type { SourceBatch, SourceReader } from './connector-source.ts';

export const describeNatsError = natsErrorMessage;

export async function openNatsSource(spec: NatsSourceSpec, name: string): Promise<SourceReader> {
  const reader = await NatsReader.open({
    servers: spec.servers,
    stream: spec.stream,
    subject: spec.subject,
    name: `eddy-source-${name}`,
    queueMessages: spec.pollMessages,
    queueBytes: spec.pollBytes,
  });
  let started = false;
  return {
    async poll(positions: ReadonlyMap<PositionKey, number>): Promise<SourceBatch | null> {
      const from = positions.get(0);
      if (from === undefined) {
        const bounds = await reader.bounds();
        return { records: [], next: new Map([[0, spec.start === 'earliest' ? bounds.first : bounds.next]]) };
      }
      if (!started) {
        // Never skip silently: messages removed (retention, purge) before they were read stop the source.
        const { first } = await reader.bounds();
        if (first > from)
          throw new Error(
            `stream "${spec.stream}" no longer has sequence ${from} (its first is ${first}); drop and re-create the source to go on`,
          );
        await reader.start(from);
        started = true;
      }
      const poll = await reader.poll(spec.pollMessages, spec.pollWaitMs);
      if (poll.messages.length === 0) return { records: [], next: new Map(), lag: poll.pending };
      const last = poll.messages[poll.messages.length - 1]!.seq;
      return {
        records: poll.messages.map((m) => ({ key: 0, offset: m.seq, value: m.value })),
        next: new Map([[0, last + 1]]),
        lag: poll.pending,
      };
    },
    close: () => reader.close(),
  };
}
