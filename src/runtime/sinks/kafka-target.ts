/**
 * @module runtime/sinks/kafka-target
 * The Kafka sink: each step that changed the relation is one Kafka transaction (connectors/kafka/
 * kafka-writer), its records in one of three envelopes, values JSON:
 * - append-only (FORMAT PLAIN): each inserted row is a record; a step that deletes a row fails the
 *   sink (it cannot be said in an append-only stream);
 * - upsert (FORMAT UPSERT): key → the row's latest value, a tombstone (null value) when the step
 *   leaves the key with no row;
 * - debezium (FORMAT DEBEZIUM): `{"before", "after", "op": "c"|"u"|"d"}`, a delete and an insert of
 *   the same key in one step paired into one "u" event.
 * Values are JSON, or with ENCODE AVRO Avro records in the schema registry's wire format (the
 * schema registered at each connection, runtime/sinks/sink-avro); keys are JSON either way.
 * At (re)connection it reads back the last step the topic committed: exactly once.
 */
import type { RelationEntry } from '../../catalog/catalog.ts';
import { failpoint } from '../../common/failpoints.ts';
import type { Value } from '../../common/value.ts';
import { SchemaRegistryClient } from '../../connectors/formats/schema-registry.ts';
import { KafkaWriter, type OutRecord } from '../../connectors/kafka/kafka-writer.ts';
import type { KafkaSinkSpec } from '../../connectors/sink-options.ts';
import { sinkKeyColumns } from '../statements/create-sink.ts';
import { type SinkDelivery, SinkFailure, type SinkTarget } from './sink.ts';
import { type AvroRows, avroRows, framed } from './sink-avro.ts';
import { type RowJson, rowJson } from './sink-json.ts';

export class KafkaSinkTarget implements SinkTarget {
  private readonly name: string;
  private readonly spec: KafkaSinkSpec;
  private readonly relationName: string;
  private readonly value: RowJson;
  private readonly key: RowJson | null;
  private writer: KafkaWriter | null = null;
  private readonly avro: AvroRows | null;
  /** The registered value schema's id (ENCODE AVRO), set at each connection. */
  private schemaId = -1;

  constructor(name: string, spec: KafkaSinkSpec, relation: RelationEntry) {
    this.name = name;
    this.spec = spec;
    this.relationName = relation.name;
    this.value = rowJson(relation.schema);
    const keyColumns = sinkKeyColumns(relation, spec.key);
    this.key = keyColumns.length > 0 ? rowJson(relation.schema, keyColumns) : null;
    this.avro =
      spec.registryUrl === undefined
        ? null
        : avroRows(relation.name, relation.schema, spec.envelope === 'debezium' ? 'debezium' : 'row');
  }

  async open(): Promise<number | null> {
    if (this.avro !== null)
      this.schemaId = await new SchemaRegistryClient(this.spec.registryUrl!).register(
        `${this.spec.topic}-value`,
        this.avro.schema,
      );
    this.writer = await KafkaWriter.open({
      brokers: this.spec.brokers,
      topic: this.spec.topic,
      clientId: `eddy-sink-${this.name}`,
      transactionalId: this.spec.transactionalId,
    });
    return this.writer.lastCommittedStep(this.name);
  }

  async deliver(d: SinkDelivery): Promise<number> {
    const records = this.records(d);
    let bytes = 0;
    for (const r of records) bytes += (r.key?.length ?? 0) + (r.value?.length ?? 0);
    await this.writer!.writeStep(this.name, d.step, records);
    // Kafka has the step; Eddy's progress record follows (a crash here must not repeat the step).
    failpoint('sink.after-commit');
    return bytes;
  }

  async close(): Promise<void> {
    const writer = this.writer;
    this.writer = null;
    await writer?.close();
  }

  private records(d: SinkDelivery): OutRecord[] {
    switch (this.spec.envelope) {
      case 'append-only':
        return this.appendOnly(d);
      case 'upsert':
        return this.upsert(d);
      case 'debezium':
        return this.debezium(d);
    }
  }

  private appendOnly(d: SinkDelivery): OutRecord[] {
    const out: OutRecord[] = [];
    for (let i = 0; i < d.rows.length; i++) {
      const w = d.weights[i]!;
      if (w < 0)
        throw new SinkFailure(
          `${this.relationName} deleted or updated a row in step ${d.step}: an append-only sink (FORMAT PLAIN) cannot deliver it; ` +
            'drop the sink and create it with FORMAT UPSERT or FORMAT DEBEZIUM',
        );
      const value = this.rowValue(d.rows[i]!);
      const key = this.key ? Buffer.from(this.key(d.rows[i]!)) : null;
      for (let k = w; k > 0; k--) out.push({ key, value });
    }
    return out;
  }

  /** Per key, its row after the step (inserted) or none (a tombstone). */
  private upsert(d: SinkDelivery): OutRecord[] {
    const byKey = new Map<string, { after: readonly Value[] | null }>();
    for (let i = 0; i < d.rows.length; i++) {
      const key = this.key!(d.rows[i]!);
      const entry = byKey.get(key) ?? { after: null };
      if (d.weights[i]! > 0) entry.after = d.rows[i]!;
      byKey.set(key, entry);
    }
    return [...byKey].map(([key, { after }]) => ({
      key: Buffer.from(key),
      value: after === null ? null : this.rowValue(after),
    }));
  }

  /** A row as a record value: JSON, or Avro framed with the registered schema's id. */
  private rowValue(row: readonly Value[]): Buffer {
    if (this.avro === null) return Buffer.from(this.value(row));
    return framed(this.schemaId, this.avro.encode(this.avro.record(row)));
  }

  private debezium(d: SinkDelivery): OutRecord[] {
    const out: OutRecord[] = [];
    const event = (before: readonly Value[] | null, after: readonly Value[] | null, op: string): Buffer =>
      this.avro !== null
        ? framed(
            this.schemaId,
            this.avro.encode({
              before: before && this.avro.record(before),
              after: after && this.avro.record(after),
              op,
            }),
          )
        : Buffer.from(
            `{"before":${before ? this.value(before) : 'null'},"after":${after ? this.value(after) : 'null'},"op":"${op}"}`,
          );
    if (this.key === null) {
      for (let i = 0; i < d.rows.length; i++) {
        const w = d.weights[i]!;
        const text = w > 0 ? event(null, d.rows[i]!, 'c') : event(d.rows[i]!, null, 'd');
        for (let k = Math.abs(w); k > 0; k--) out.push({ key: null, value: text });
      }
      return out;
    }
    const byKey = new Map<string, { before: readonly Value[] | null; after: readonly Value[] | null }>();
    for (let i = 0; i < d.rows.length; i++) {
      const key = this.key(d.rows[i]!);
      const entry = byKey.get(key) ?? { before: null, after: null };
      if (d.weights[i]! > 0) entry.after = d.rows[i]!;
      else entry.before = d.rows[i]!;
      byKey.set(key, entry);
    }
    for (const [key, { before, after }] of byKey) {
      const op = before === null ? 'c' : after === null ? 'd' : 'u';
      out.push({ key: Buffer.from(key), value: event(before, after, op) });
    }
    return out;
  }
}
