/**
 * @module catalog/catalog
 * The catalog: every named relation (table, view, materialized view), enum type and index, with
 * ids, schemas and the dependency edges that DROP checks. Pure metadata: contents live in
 * runtime stores, plans in the dataflow. Names are case-folded by the binder before they get here.
 * DDL inside a transaction is seen by that transaction alone until COMMIT publishes it: the
 * catalog answers as the transaction of the statement running now sees it (`readingAs`).
 */
import type { SelectStmt } from 'libpg-query';
import {
  SemanticError,
  SerializationError,
  SqlState,
  StateError,
  UndefinedObjectError,
} from '../common/errors.ts';
import type { EnumType, SqlType } from '../common/types.ts';
import type { Value } from '../common/value.ts';
import type { PostgresConnectionSpec } from '../connectors/postgres/pg-options.ts';
import type { SinkSpec } from '../connectors/sink-options.ts';
import type { SourceSpec } from '../connectors/source-spec.ts';
import type { Column, LogicalPlan, Schema } from '../plan/logical.ts';
import type { ScalarExpr } from '../plan/scalar.ts';
import type { SecretValue } from '../sql/front/secret-value.ts';
import { CatalogObjects, PendingCatalogChanges } from './catalog-objects.ts';

export type RelationKind = 'table' | 'source' | 'view' | 'materializedView';

export interface TableColumn extends Column {
  /** The DEFAULT expression (constant or volatile call), already bound; null if none. */
  readonly defaultExpr: ScalarExpr | null;
}

interface RelationBase {
  readonly id: number;
  readonly name: string;
  readonly schema: Schema;
  /** The SQL text that created it, for SHOW CREATE and EXPLAIN. */
  readonly sql: string;
}

/**
 * A table keeps its rows and accepts INSERT / UPDATE / DELETE; a source is append-only and keeps
 * nothing (views over it keep what they need).
 */
export interface TableEntry extends RelationBase {
  readonly kind: 'table' | 'source';
  readonly columns: readonly TableColumn[];
  /** Column positions of the primary key (empty when none). */
  readonly primaryKey: readonly number[];
  /** A source fed by a connector: its options, which runtime/sources runs it by. */
  readonly connector?: SourceSpec;
  /** The source that keeps this table (its dead letters or positions): SQL reads it, never writes. */
  readonly keptBy?: string;
  /** `WATERMARK FOR col AS expr`: the relation is append-only and diverts late rows (runtime/event-time). */
  readonly watermark?: WatermarkSpec;
}

/**
 * A relation's event-time declaration. The watermark is the largest `expr` over the rows accepted
 * so far (per partition; the relation's is the least over its partitions). Rows whose `column` is
 * behind it when they arrive go to the late-data table; the watermark itself lives in a table
 * kept by the relation, written in the step that advances it, so the input log and checkpoints
 * keep it with the data.
 */
export interface WatermarkSpec {
  /** The event-time column (timestamp or timestamptz). */
  readonly column: number;
  /** Over the relation's row, of the column's type. */
  readonly expr: ScalarExpr;
  /** `<relation>_late`: the relation's columns, the rows diverted as late. */
  readonly lateRelationId: number;
  /** `<relation>_watermarks`: (partition, watermark), one row per partition seen. */
  readonly stateRelationId: number;
}

export interface ViewEntry extends RelationBase {
  readonly kind: 'view' | 'materializedView';
  /** The bound plan, before rewrites (views are inlined into queries that read them). */
  readonly plan: LogicalPlan;
  /** Relations the view reads directly. */
  readonly dependsOn: readonly number[];
  /**
   * A plain view's first function of the current time or of chance (sql/bind/clock-dependence):
   * a materialized view reading the view is refused, naming it, and a query reading the view
   * binds `query` afresh, so the time is the reading statement's, not the view's creation's.
   */
  readonly clockDependence?: { readonly name: string; readonly random: boolean; readonly query: SelectStmt };
  /** User-defined functions the view calls (DROP FUNCTION refuses while it exists). */
  readonly usesFunctions?: readonly string[];
}

export type RelationEntry = TableEntry | ViewEntry;

/** A user-defined scalar function (`CREATE FUNCTION … LANGUAGE javascript`). */
export interface FunctionEntry {
  readonly id: number;
  readonly name: string;
  readonly argNames: readonly string[];
  readonly argTypes: readonly SqlType[];
  readonly returns: SqlType;
  /** STRICT / RETURNS NULL ON NULL INPUT: NULL in any argument gives NULL without a call. */
  readonly strict: boolean;
  readonly body: string;
  /** The SQL text that created it. */
  readonly sql: string;
  /** Calls the function on SQL values (functions/js-sandbox); frees its sandbox with `dispose`. */
  readonly impl: { call(args: readonly Value[]): Value; dispose(): void };
}

/** `CREATE CONNECTION name WITH (type = 'postgres', …)`: where an upstream is and how to log in. */
export interface ConnectionEntry {
  readonly name: string;
  readonly spec: PostgresConnectionSpec;
}

/**
 * A sink: streams one relation's changes out, step by step (runtime/sinks). Its options were
 * checked when it was created; the runner reads them at every start.
 */
export interface SinkEntry {
  readonly id: number;
  readonly name: string;
  /** The table or materialized view whose changes it delivers. */
  readonly relationId: number;
  readonly spec: SinkSpec;
  /** The SQL text that created it (SHOW CREATE SINK). */
  readonly sql: string;
}

/** A sink's progress (pg_catalog.eddy_sinks, SHOW SINKS, /metrics); kept by runtime/sinks. */
export interface SinkStatus {
  readonly state: 'starting' | 'running' | 'retrying' | 'failed' | 'stopped';
  readonly lastError: string | null;
  /** The last step delivered (null before the first delivery). */
  readonly position: number | null;
  /** Steps committed but not yet delivered (current step − position). */
  readonly lag: number;
  /** Deliveries (one per step that changed the relation), rows and bytes sent, since the server started. */
  readonly deliveries: number;
  readonly rows: number;
  readonly bytes: number;
  /** Failed delivery attempts (each followed by a retry). */
  readonly errors: number;
}

export interface IndexEntry {
  readonly name: string;
  readonly relationId: number;
  readonly columns: readonly number[];
}

/** A materialized view's background hydration, as the catalog shows it (pg_catalog.eddy_hydration). */
export interface HydrationProgress {
  readonly done: number;
  readonly total: number;
}

/** A materialized view whose maintenance took longer than the step budget (pg_catalog.eddy_view_steps). */
export interface ViewStepOverruns {
  /** Steps whose maintenance of this view passed the budget. */
  readonly count: number;
  /** The last such step and how long the view's maintenance took in it. */
  readonly lastStep: number;
  readonly lastMs: number;
}

/** A connector source's progress (pg_catalog.eddy_sources, SHOW SOURCES, /metrics); kept by runtime/sources. */
export interface SourceStatus {
  readonly state: 'starting' | 'running' | 'retrying' | 'stopped';
  readonly lastError: string | null;
  /** Records read into the source's rows, and dead-lettered, since the server started. */
  readonly records: number;
  readonly deadLetters: number;
  readonly bytes: number;
  readonly steps: number;
  /** Failed reads (each followed by a retry). */
  readonly errors: number;
  /** Records upstream not yet read, over all partitions (as of the last poll). */
  readonly lag: number;
  /** Each partition's (file's) next offset to read. */
  readonly positions: ReadonlyMap<PositionKey, number>;
  /** The position as text when it is no partition map (a PostgreSQL source's LSN). */
  readonly positionText?: string;
  /** PostgreSQL CDC: bytes of upstream WAL the slot holds back, and upstream columns ignored. */
  readonly slotLagBytes?: number;
  readonly ignoredColumns?: number;
}

/** What a connector source's position is kept by: a partition (Kafka; 0 for NATS, datagen) or a file. */
export type PositionKey = number | string;

export class Catalog {
  private nextId = 1;
  /** Connector sources' progress, by source id (kept by runtime/sources while each runs). */
  readonly sourceStatus = new Map<number, SourceStatus>();
  /** Sinks' progress, by sink id (kept by runtime/sinks while each runs). */
  readonly sinkStatus = new Map<number, SinkStatus>();
  /** Materialized views still hydrating in the background, by id (kept by the database). */
  readonly hydrating = new Map<number, HydrationProgress>();
  /** Materialized views whose maintenance passed the step budget, by id (kept by the database). */
  readonly stepOverruns = new Map<number, ViewStepOverruns>();
  private readonly committed = new CatalogObjects();
  /** Open transactions' uncommitted DDL, by transaction. */
  private readonly pending = new Map<object, PendingCatalogChanges>();
  /** The transaction whose statement is running (its DDL is seen and made by it), or null. */
  private reader: object | null = null;
  /** While a view is bound: the user-defined functions it calls (collectFunctionUses). */
  private functionUses: Set<string> | null = null;

  allocateId(): number {
    return this.nextId++;
  }

  /** The id the next object will get (the input log records it with each DDL statement). */
  peekNextId(): number {
    return this.nextId;
  }

  /** Recovery only: the next id, as recorded when the statement being replayed first ran. */
  setNextId(id: number): void {
    this.nextId = id;
  }

  /**
   * Runs `body` seeing and changing the catalog as `transaction` does (null: outside a
   * transaction, where DDL is committed at once). Statements run synchronously, one at a time.
   */
  readingAs<T>(transaction: object | null, body: () => T): T {
    const previous = this.reader;
    this.reader = transaction;
    try {
      return body();
    } finally {
      this.reader = previous;
    }
  }

  relation(name: string): RelationEntry | undefined {
    const own = this.ownChanges();
    const created = own?.added.relations.get(name);
    if (created) return created;
    const r = this.committed.relations.get(name);
    return r && !own?.droppedRelations.has(r.id) ? r : undefined;
  }

  /** The relation with `id`, whoever created it (ids come from plans bound earlier). */
  relationById(id: number): RelationEntry {
    let r = this.committed.byId.get(id);
    for (const changes of this.pending.values()) r ??= changes.added.byId.get(id);
    if (!r) throw new UndefinedObjectError(SqlState.undefinedTable, `relation with id ${id} does not exist`);
    return r;
  }

  /** Whether relation `id` exists as `transaction` sees it (null: as committed). */
  hasRelationId(id: number, transaction: object | null): boolean {
    const own = transaction ? this.pending.get(transaction) : undefined;
    if (own?.added.byId.has(id)) return true;
    return this.committed.byId.has(id) && !own?.droppedRelations.has(id);
  }

  requireRelation(name: string, position?: number): RelationEntry {
    const r = this.relation(name);
    if (!r)
      throw new UndefinedObjectError(SqlState.undefinedTable, `relation "${name}" does not exist`, {
        position,
      });
    return r;
  }

  allRelations(): RelationEntry[] {
    const own = this.ownChanges();
    const committed = [...this.committed.byId.values()];
    if (!own) return committed;
    return [...committed.filter((r) => !own.droppedRelations.has(r.id)), ...own.added.byId.values()];
  }

  addRelation(entry: RelationEntry): void {
    if (this.relation(entry.name) || this.enumType(entry.name)) {
      throw new SemanticError(SqlState.duplicateTable, `relation "${entry.name}" already exists`);
    }
    this.refuseNameOfOtherTransaction(entry.name);
    const own = this.ownChanges(true);
    (own?.added ?? this.committed).addRelation(entry);
    own?.created.add(entry.id);
  }

  /** Replaces the entry of a relation the running statement created (same id and name). */
  replaceRelation(entry: RelationEntry): void {
    this.removeRelation(entry.id);
    this.addRelation(entry);
  }

  removeRelation(id: number): void {
    const own = this.ownChanges(true);
    if (!own) {
      this.committed.removeRelation(id);
      return;
    }
    if (!own.added.removeRelation(id) && this.committed.byId.has(id)) own.droppedRelations.add(id);
  }

  /** Relations that read `id` directly. */
  dependents(id: number): RelationEntry[] {
    return this.allRelations().filter(
      (r) => (r.kind === 'view' || r.kind === 'materializedView') && r.dependsOn.includes(id),
    );
  }

  enumType(name: string): EnumType | undefined {
    const own = this.ownChanges();
    const created = own?.added.types.get(name);
    if (created) return created;
    return own?.droppedTypes.has(name) ? undefined : this.committed.types.get(name);
  }

  addEnumType(type: EnumType): void {
    if (this.enumType(type.name))
      throw new SemanticError(SqlState.duplicateObject, `type "${type.name}" already exists`);
    this.refuseNameOfOtherTransaction(type.name);
    (this.ownChanges(true)?.added ?? this.committed).types.set(type.name, type);
  }

  /** The user-defined function `name`, as the running transaction sees it. */
  userFunction(name: string): FunctionEntry | undefined {
    const own = this.ownChanges();
    const f =
      own?.added.functions.get(name) ??
      (own?.droppedFunctions.has(name) ? undefined : this.committed.functions.get(name));
    if (f && this.functionUses) this.functionUses.add(name);
    return f;
  }

  allUserFunctions(): FunctionEntry[] {
    const own = this.ownChanges();
    const committed = [...this.committed.functions.values()];
    if (!own) return committed;
    return [...committed.filter((f) => !own.droppedFunctions.has(f.name)), ...own.added.functions.values()];
  }

  /** Adds (or, with an existing entry of that name, replaces) a user-defined function. */
  addUserFunction(entry: FunctionEntry): void {
    this.refuseNameOfOtherTransaction(entry.name);
    if (this.userFunction(entry.name)) this.removeUserFunction(entry.name);
    (this.ownChanges(true)?.added ?? this.committed).functions.set(entry.name, entry);
  }

  removeUserFunction(name: string): void {
    const own = this.ownChanges(true);
    if (!own) {
      this.committed.functions.get(name)?.impl.dispose();
      this.committed.functions.delete(name);
      return;
    }
    const added = own.added.functions.get(name);
    if (added) {
      added.impl.dispose();
      own.added.functions.delete(name);
    }
    if (this.committed.functions.has(name)) own.droppedFunctions.add(name);
  }

  /** Views whose definition calls user-defined function `name`. */
  functionUsers(name: string): RelationEntry[] {
    return this.allRelations().filter(
      (r) => (r.kind === 'view' || r.kind === 'materializedView') && r.usesFunctions?.includes(name),
    );
  }

  /** Runs `body` (a binding) and returns the user-defined functions it looked up. */
  collectFunctionUses<T>(body: () => T): { result: T; uses: string[] } {
    const previous = this.functionUses;
    const uses = new Set<string>();
    this.functionUses = uses;
    try {
      return { result: body(), uses: [...uses] };
    } finally {
      this.functionUses = previous;
      if (previous) for (const u of uses) previous.add(u);
    }
  }

  /**
   * Relations with a column of enum `type` (or an array of it), and which columns. (A view that
   * uses the type only inside expressions is not found: its plan keeps no names to look up.)
   */
  enumTypeUsers(type: EnumType): { relation: RelationEntry; column: string }[] {
    return this.allRelations().flatMap((relation) =>
      relation.schema.filter((c) => usesEnum(c.type, type)).map((c) => ({ relation, column: c.name })),
    );
  }

  removeEnumType(name: string): void {
    const own = this.ownChanges(true);
    if (!own) this.committed.types.delete(name);
    else if (!own.added.types.delete(name)) own.droppedTypes.add(name);
  }

  allEnumTypes(): EnumType[] {
    const own = this.ownChanges();
    const committed = [...this.committed.types.values()];
    if (!own) return committed;
    return [...committed.filter((t) => !own.droppedTypes.has(t.name)), ...own.added.types.values()];
  }

  index(name: string): IndexEntry | undefined {
    const own = this.ownChanges();
    const created = own?.added.indexes.get(name);
    if (created) return created;
    const index = this.committed.indexes.get(name);
    if (!index || own?.droppedIndexes.has(name) || own?.droppedRelations.has(index.relationId))
      return undefined;
    return index;
  }

  addIndex(entry: IndexEntry): void {
    if (this.index(entry.name) || this.relation(entry.name)) {
      throw new SemanticError(SqlState.duplicateTable, `relation "${entry.name}" already exists`);
    }
    this.refuseNameOfOtherTransaction(entry.name);
    (this.ownChanges(true)?.added ?? this.committed).indexes.set(entry.name, entry);
  }

  removeIndex(name: string): void {
    const own = this.ownChanges(true);
    if (!own) this.committed.indexes.delete(name);
    else if (!own.added.indexes.delete(name)) own.droppedIndexes.add(name);
  }

  allIndexes(): IndexEntry[] {
    const names = new Set([
      ...this.committed.indexes.keys(),
      ...(this.ownChanges()?.added.indexes.keys() ?? []),
    ]);
    return [...names].flatMap((name) => this.index(name) ?? []);
  }

  secret(name: string): SecretValue | undefined {
    const own = this.ownChanges();
    const created = own?.added.secrets.get(name);
    if (created) return created;
    return own?.droppedSecrets.has(name) ? undefined : this.committed.secrets.get(name);
  }

  /** Adds or (with `replace`, ALTER SECRET) replaces a secret. */
  setSecret(name: string, value: SecretValue, replace = false): void {
    if (!replace && this.secret(name))
      throw new SemanticError(SqlState.duplicateObject, `secret "${name}" already exists`);
    if (replace && !this.secret(name))
      throw new UndefinedObjectError(SqlState.undefinedObject, `secret "${name}" does not exist`);
    this.refuseNameOfOtherTransaction(name);
    (this.ownChanges(true)?.added ?? this.committed).secrets.set(name, value);
  }

  removeSecret(name: string): void {
    const own = this.ownChanges(true);
    if (!own) this.committed.secrets.delete(name);
    else if (!own.added.secrets.delete(name)) own.droppedSecrets.add(name);
  }

  connection(name: string): ConnectionEntry | undefined {
    const own = this.ownChanges();
    const created = own?.added.connections.get(name);
    if (created) return created;
    return own?.droppedConnections.has(name) ? undefined : this.committed.connections.get(name);
  }

  addConnection(entry: ConnectionEntry): void {
    if (this.connection(entry.name))
      throw new SemanticError(SqlState.duplicateObject, `connection "${entry.name}" already exists`);
    this.refuseNameOfOtherTransaction(entry.name);
    (this.ownChanges(true)?.added ?? this.committed).connections.set(entry.name, entry);
  }

  allConnections(): ConnectionEntry[] {
    const own = this.ownChanges();
    const committed = [...this.committed.connections.values()];
    if (!own) return committed;
    return [
      ...committed.filter((c) => !own.droppedConnections.has(c.name)),
      ...own.added.connections.values(),
    ];
  }

  removeConnection(name: string): void {
    const own = this.ownChanges(true);
    if (!own) this.committed.connections.delete(name);
    else if (!own.added.connections.delete(name)) own.droppedConnections.add(name);
  }

  sink(name: string): SinkEntry | undefined {
    const own = this.ownChanges();
    const created = own?.added.sinks.get(name);
    if (created) return created;
    return own?.droppedSinks.has(name) ? undefined : this.committed.sinks.get(name);
  }

  addSink(entry: SinkEntry): void {
    if (this.sink(entry.name) || this.relation(entry.name))
      throw new SemanticError(SqlState.duplicateObject, `sink "${entry.name}" already exists`);
    this.refuseNameOfOtherTransaction(entry.name);
    (this.ownChanges(true)?.added ?? this.committed).sinks.set(entry.name, entry);
  }

  removeSink(name: string): void {
    const own = this.ownChanges(true);
    if (!own) this.committed.sinks.delete(name);
    else if (!own.added.sinks.delete(name)) own.droppedSinks.add(name);
  }

  allSinks(): SinkEntry[] {
    const names = new Set([...this.committed.sinks.keys(), ...(this.ownChanges()?.added.sinks.keys() ?? [])]);
    return [...names].flatMap((name) => this.sink(name) ?? []);
  }

  /** The sinks that deliver relation `id`'s changes. */
  sinksOf(id: number): SinkEntry[] {
    return this.allSinks().filter((s) => s.relationId === id);
  }

  /** True when `type` names a user-defined enum known to this catalog. */
  isEnum(type: SqlType): type is EnumType {
    return type.id === 'enum' && this.enumType(type.name) === type;
  }

  /**
   * Checks that `transaction`'s DDL can still be published: everything its new objects depend
   * on (relations read, enum types of columns, indexed relations) was not dropped by a
   * transaction that committed meanwhile. Throws 40001 otherwise; changes nothing.
   */
  checkPublish(transaction: object): void {
    const own = this.pending.get(transaction);
    if (!own) return;
    const exists = (id: number) => this.hasRelationId(id, transaction);
    const typeExists = (t: EnumType) =>
      own.added.types.get(t.name) === t ||
      (this.committed.types.get(t.name) === t && !own.droppedTypes.has(t.name));
    for (const r of own.added.byId.values()) {
      const missing =
        (r.kind === 'view' || r.kind === 'materializedView' ? r.dependsOn : []).find((id) => !exists(id)) !==
          undefined || r.schema.some((c) => enumsOf(c.type).some((t) => !typeExists(t)));
      if (missing) throw concurrentDrop(r.name);
    }
    for (const index of own.added.indexes.values())
      if (!exists(index.relationId)) throw concurrentDrop(index.name);
    for (const sink of own.added.sinks.values())
      if (!exists(sink.relationId)) throw concurrentDrop(sink.name);
  }

  /**
   * COMMIT: `transaction`'s DDL becomes everyone's. Returns the ids of the relations that are
   * gone for good (dropped, or created and dropped again), whose contents can go.
   */
  publish(transaction: object): number[] {
    const own = this.pending.get(transaction);
    if (!own) return [];
    this.pending.delete(transaction);
    for (const id of own.droppedRelations) this.committed.removeRelation(id);
    for (const name of own.droppedTypes) this.committed.types.delete(name);
    for (const name of own.droppedIndexes) this.committed.indexes.delete(name);
    for (const name of own.droppedSecrets) this.committed.secrets.delete(name);
    for (const name of own.droppedConnections) this.committed.connections.delete(name);
    for (const [name, value] of own.added.secrets) this.committed.secrets.set(name, value);
    for (const [name, entry] of own.added.connections) this.committed.connections.set(name, entry);
    for (const name of own.droppedSinks) this.committed.sinks.delete(name);
    for (const name of own.droppedFunctions) {
      this.committed.functions.get(name)?.impl.dispose();
      this.committed.functions.delete(name);
    }
    for (const [name, entry] of own.added.functions) this.committed.functions.set(name, entry);
    for (const r of own.added.byId.values()) this.committed.addRelation(r);
    for (const [name, type] of own.added.types) this.committed.types.set(name, type);
    for (const [name, index] of own.added.indexes) this.committed.indexes.set(name, index);
    for (const [name, sink] of own.added.sinks) this.committed.sinks.set(name, sink);
    const gone = [...own.droppedRelations];
    for (const id of own.created) if (!own.added.byId.has(id)) gone.push(id);
    return gone;
  }

  /** ROLLBACK: forgets `transaction`'s DDL. Returns the ids of the relations it had created. */
  discard(transaction: object): number[] {
    const own = this.pending.get(transaction);
    this.pending.delete(transaction);
    for (const f of own?.added.functions.values() ?? []) f.impl.dispose();
    return own ? [...own.created] : [];
  }

  /** The running transaction's pending changes; with `create`, made on its first DDL. */
  private ownChanges(create = false): PendingCatalogChanges | undefined {
    if (this.reader === null) return undefined;
    let own = this.pending.get(this.reader);
    if (!own && create) {
      own = new PendingCatalogChanges();
      this.pending.set(this.reader, own);
    }
    return own;
  }

  /**
   * A name another open transaction has just created is taken for the others too. PostgreSQL
   * would wait for that transaction to end; Eddy does not wait, and fails as a NOWAIT lock does.
   */
  private refuseNameOfOtherTransaction(name: string): void {
    for (const [transaction, changes] of this.pending)
      if (transaction !== this.reader && changes.added.hasName(name))
        throw new StateError(
          SqlState.lockNotAvailable,
          `"${name}" is being created by a concurrent transaction`,
          { hint: 'Retry after that transaction commits or rolls back.' },
        );
  }
}

function usesEnum(t: SqlType, type: EnumType): boolean {
  return t.id === 'enum' ? t.oid === type.oid : t.id === 'array' ? usesEnum(t.element, type) : false;
}

function enumsOf(t: SqlType): EnumType[] {
  return t.id === 'enum' ? [t] : t.id === 'array' ? enumsOf(t.element) : [];
}

function concurrentDrop(name: string): SerializationError {
  return new SerializationError('could not serialize access due to concurrent DDL', {
    detail: `"${name}" depends on an object a concurrent transaction dropped.`,
  });
}
