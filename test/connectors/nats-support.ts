/**
 * @module test/connectors/nats-support
 * JetStream streams and publishing against the real nats-server of `npm run services`
 * (EDDY_NATS_URL), for the NATS source tests and the ingest measurement.
 */
import { randomBytes } from 'node:crypto';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/** Creates a stream over subjects `<name>.>`; answers its name. */
export async function createStream(
  url: string,
  name = `eddy_test_${randomBytes(6).toString('hex')}`,
): Promise<string> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name, subjects: [`${name}.>`] });
  } finally {
    await nc.close();
  }
  return name;
}

/** Publishes `values` to `<stream>.events`, acknowledged by the stream, `window` at a time. */
export async function publish(
  url: string,
  stream: string,
  values: readonly (string | Uint8Array)[],
  window = 1000,
): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const js = jetstream(nc);
    for (let from = 0; from < values.length; from += window)
      await Promise.all(values.slice(from, from + window).map((v) => js.publish(`${stream}.events`, v)));
  } finally {
    await nc.close();
  }
}

export async function deleteStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream);
  } finally {
    await nc.close();
  }
}
