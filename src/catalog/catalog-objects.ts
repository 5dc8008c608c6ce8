/**
 * @module catalog/catalog-objects
 * One set of named catalog objects (relations by name and id, enum types, indexes): the committed
 * catalog is one, and each open transaction's created objects are another, seen by it alone
 * until COMMIT (catalog/catalog lays them over the committed set).
 */
import type { EnumType } from '../common/types.ts';
import type { SecretValue } from '../sql/front/secret-value.ts';
import type { ConnectionEntry, FunctionEntry, IndexEntry, RelationEntry, SinkEntry } from './catalog.ts';

export class CatalogObjects {
  readonly relations = new Map<string, RelationEntry>();
  readonly byId = new Map<number, RelationEntry>();
  readonly types = new Map<string, EnumType>();
  readonly indexes = new Map<string, IndexEntry>();
  /** `CREATE SECRET`: values by name (never shown; see sql/front/secret-value). */
  readonly secrets = new Map<string, SecretValue>();
  /** `CREATE CONNECTION`: by name. */
  readonly connections = new Map<string, ConnectionEntry>();
  readonly sinks = new Map<string, SinkEntry>();
  /** `CREATE FUNCTION … LANGUAGE javascript`: by name (no overloading). */
  readonly functions = new Map<string, FunctionEntry>();

  addRelation(entry: RelationEntry): void {
    this.relations.set(entry.name, entry);
    this.byId.set(entry.id, entry);
  }

  /** Removes a relation and its indexes; false when it is not in this set. */
  removeRelation(id: number): boolean {
    const r = this.byId.get(id);
    if (!r) return false;
    this.byId.delete(id);
    this.relations.delete(r.name);
    for (const [name, index] of this.indexes) if (index.relationId === id) this.indexes.delete(name);
    return true;
  }

  /** Whether this set defines `name` as a relation, type or index. */
  hasName(name: string): boolean {
    return this.relations.has(name) || this.types.has(name) || this.indexes.has(name) || this.sinks.has(name);
  }
}

/**
 * What an open transaction changed in the catalog: the objects it created (`added`) and the
 * committed ones it dropped, hidden from it alone until COMMIT.
 */
export class PendingCatalogChanges {
  readonly added = new CatalogObjects();
  readonly droppedRelations = new Set<number>();
  readonly droppedTypes = new Set<string>();
  readonly droppedIndexes = new Set<string>();
  readonly droppedSecrets = new Set<string>();
  readonly droppedConnections = new Set<string>();
  readonly droppedSinks = new Set<string>();
  readonly droppedFunctions = new Set<string>();
  /** Every relation it created, including those it dropped again (their contents go at the end). */
  readonly created = new Set<number>();
}
