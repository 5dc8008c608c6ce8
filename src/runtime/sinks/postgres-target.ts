/**
 * @module runtime/sinks/postgres-target
 * The PostgreSQL sink as a sink target: each delivery (a step's changes, or the relation's contents
 * first) is one PostgreSQL transaction with the sink's progress row (connectors/postgres/pg-sink),
 * and at every (re)connection the progress row tells the framework which step the target has, so
 * a crash between the PostgreSQL commit and Eddy's own record repeats nothing. The key is the
 * `primary_key` option, else the relation's unique key (a table's primary key, a view's inferred
 * key), else the sink is append-only and a retraction fails it.
 */
import type { Catalog, RelationEntry, TableEntry } from '../../catalog/catalog.ts';
import { AppendOnlyRetraction, PostgresSink } from '../../connectors/postgres/pg-sink.ts';
import type { PostgresSinkSpec } from '../../connectors/sink-options.ts';
import type { Database } from '../database.ts';
import { addressOf } from '../statements/create-postgres-source.ts';
import { type SinkDelivery, SinkFailure, type SinkTarget } from './sink.ts';
import { inferKey } from './view-key.ts';

export class PostgresSinkTarget implements SinkTarget {
  private readonly db: Database;
  private readonly name: string;
  private readonly spec: PostgresSinkSpec;
  private readonly relation: RelationEntry;
  private sink: PostgresSink | null = null;

  constructor(db: Database, name: string, spec: PostgresSinkSpec, relation: RelationEntry) {
    this.db = db;
    this.name = name;
    this.spec = spec;
    this.relation = relation;
  }

  async open(): Promise<number | null> {
    const connection = this.db.catalog.readingAs(null, () =>
      this.db.catalog.connection(this.spec.connection),
    );
    if (connection === undefined)
      throw new SinkFailure(`connection "${this.spec.connection}" does not exist`);
    const address = this.db.catalog.readingAs(null, () => addressOf(this.db, connection.spec));
    this.sink = new PostgresSink({
      name: this.name,
      address,
      table: this.spec.table,
      columns: this.relation.schema,
      key: sinkKey(this.db.catalog, this.relation, this.spec.primaryKey),
      createTable: this.spec.createTable,
    });
    return this.sink.open();
  }

  async deliver(d: SinkDelivery): Promise<number> {
    try {
      await this.sink!.deliver({
        step: d.step,
        rows: d.rows,
        weights: d.weights,
        replace: d.kind === 'snapshot',
      });
      return 0;
    } catch (err) {
      if (err instanceof AppendOnlyRetraction) throw new SinkFailure(err.message);
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.sink?.close();
    this.sink = null;
  }
}

/** Column positions of the sink's key, or null (append-only). */
export function sinkKey(
  catalog: Catalog,
  relation: RelationEntry,
  names: readonly string[],
): number[] | null {
  if (names.length > 0) return names.map((n) => relation.schema.findIndex((c) => c.name === n));
  if (relation.kind === 'view' || relation.kind === 'materializedView')
    return inferKey(catalog, relation.plan);
  const table = relation as TableEntry;
  return table.primaryKey.length > 0 ? [...table.primaryKey] : null;
}
