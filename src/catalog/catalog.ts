/**
 * @module catalog/catalog
 * The catalog: every named relation (table, view, materialized view), enum type and index, with
 * ids, schemas and the dependency edges that DROP checks. Pure metadata: contents live in
 * runtime stores, plans in the dataflow. Names are case-folded by the binder before they get here.
 */
import { SemanticError, SqlState, UndefinedObjectError } from '../common/errors.ts';
import type { EnumType, SqlType } from '../common/types.ts';
import type { Column, LogicalPlan, Schema } from '../plan/logical.ts';
import type { ScalarExpr } from '../plan/scalar.ts';

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
}

export interface ViewEntry extends RelationBase {
  readonly kind: 'view' | 'materializedView';
  /** The bound plan, before rewrites (views are inlined into queries that read them). */
  readonly plan: LogicalPlan;
  /** Relations the view reads directly. */
  readonly dependsOn: readonly number[];
}

export type RelationEntry = TableEntry | ViewEntry;

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

export class Catalog {
  private nextId = 1;
  /** Materialized views still hydrating in the background, by id (kept by the database). */
  readonly hydrating = new Map<number, HydrationProgress>();
  private readonly relations = new Map<string, RelationEntry>();
  private readonly byId = new Map<number, RelationEntry>();
  private readonly types = new Map<string, EnumType>();
  private readonly indexes = new Map<string, IndexEntry>();

  allocateId(): number {
    return this.nextId++;
  }

  relation(name: string): RelationEntry | undefined {
    return this.relations.get(name);
  }

  relationById(id: number): RelationEntry {
    const r = this.byId.get(id);
    if (!r) throw new UndefinedObjectError(SqlState.undefinedTable, `relation with id ${id} does not exist`);
    return r;
  }

  requireRelation(name: string, position?: number): RelationEntry {
    const r = this.relations.get(name);
    if (!r)
      throw new UndefinedObjectError(SqlState.undefinedTable, `relation "${name}" does not exist`, {
        position,
      });
    return r;
  }

  allRelations(): RelationEntry[] {
    return [...this.byId.values()];
  }

  addRelation(entry: RelationEntry): void {
    if (this.relations.has(entry.name) || this.types.has(entry.name)) {
      throw new SemanticError(SqlState.duplicateTable, `relation "${entry.name}" already exists`);
    }
    this.relations.set(entry.name, entry);
    this.byId.set(entry.id, entry);
  }

  removeRelation(id: number): void {
    const r = this.byId.get(id);
    if (!r) return;
    this.byId.delete(id);
    this.relations.delete(r.name);
    for (const [name, index] of this.indexes) if (index.relationId === id) this.indexes.delete(name);
  }

  /** Relations that read `id` directly. */
  dependents(id: number): RelationEntry[] {
    return this.allRelations().filter(
      (r) => (r.kind === 'view' || r.kind === 'materializedView') && r.dependsOn.includes(id),
    );
  }

  enumType(name: string): EnumType | undefined {
    return this.types.get(name);
  }

  addEnumType(type: EnumType): void {
    if (this.types.has(type.name))
      throw new SemanticError(SqlState.duplicateObject, `type "${type.name}" already exists`);
    this.types.set(type.name, type);
  }

  /**
   * Relations with a column of enum `type` (or an array of it), and which columns. (A view that
   * uses the type only inside expressions is not found: its plan keeps no names to look up.)
   */
  enumTypeUsers(type: EnumType): { relation: RelationEntry; column: string }[] {
    const uses = (t: SqlType): boolean =>
      t.id === 'enum' ? t.oid === type.oid : t.id === 'array' ? uses(t.element) : false;
    return this.allRelations().flatMap((relation) =>
      relation.schema.filter((c) => uses(c.type)).map((c) => ({ relation, column: c.name })),
    );
  }

  removeEnumType(name: string): void {
    this.types.delete(name);
  }

  allEnumTypes(): EnumType[] {
    return [...this.types.values()];
  }

  index(name: string): IndexEntry | undefined {
    return this.indexes.get(name);
  }

  addIndex(entry: IndexEntry): void {
    if (this.indexes.has(entry.name) || this.relations.has(entry.name)) {
      throw new SemanticError(SqlState.duplicateTable, `relation "${entry.name}" already exists`);
    }
    this.indexes.set(entry.name, entry);
  }

  removeIndex(name: string): void {
    this.indexes.delete(name);
  }

  allIndexes(): IndexEntry[] {
    return [...this.indexes.values()];
  }

  /** True when `type` names a user-defined enum known to this catalog. */
  isEnum(type: SqlType): type is EnumType {
    return type.id === 'enum' && this.types.get(type.name) === type;
  }
}
