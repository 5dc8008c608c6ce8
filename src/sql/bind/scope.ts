/**
 * @module sql/bind/scope
 * Name resolution for the binder: the columns visible at one query level (from its FROM clause),
 * with their table qualifiers and positions, chained to the enclosing query's scope so that
 * correlated references resolve to OuterRefs.
 */
import { SemanticError, SqlState, UndefinedObjectError } from '../../common/errors.ts';
import type { SqlType } from '../../common/types.ts';
import type { LogicalPlan } from '../../plan/logical.ts';

export interface ScopeColumn {
  /** Table alias or name qualifying the column; null for unnamed derived columns. */
  readonly table: string | null;
  readonly name: string;
  readonly type: SqlType;
  /** Position in the input row of the expressions bound in this scope. */
  readonly index: number;
  /** Hidden columns (the merged side of a USING join) are reachable qualified but not by `*`. */
  readonly hidden?: boolean;
}

export interface Resolved {
  readonly depth: number;
  readonly column: ScopeColumn;
}

/** A WITH query as bound once, where it was defined. */
export interface BoundCte {
  readonly plan: LogicalPlan;
  readonly names: string[];
  /** The `level` of the scope its body's outer references count from (see Scope.level). */
  readonly level: number;
  /** How many times the query text reads it so far, unread CTEs' references included. */
  references: number;
}

export class Scope {
  readonly columns: readonly ScopeColumn[];
  readonly parent: Scope | null;
  /** CTEs visible here, by name. */
  readonly ctes: Map<string, BoundCte>;
  /**
   * Nesting depth (the root scope is 0): an outer reference of depth d bound here names a column
   * of the enclosing scope whose level is `level - d`.
   */
  readonly level: number;

  constructor(columns: readonly ScopeColumn[], parent: Scope | null, ctes?: Map<string, BoundCte>) {
    this.columns = columns;
    this.parent = parent;
    this.ctes = ctes ?? new Map(parent?.ctes ?? []);
    this.level = parent ? parent.level + 1 : 0;
  }

  withColumns(columns: readonly ScopeColumn[]): Scope {
    return new Scope(columns, this.parent, this.ctes);
  }

  /** Resolves `[table.]name`, searching enclosing scopes; throws 42703 / 42702 / 42P01. */
  resolve(table: string | null, name: string, position?: number): Resolved {
    let scope: Scope | null = this;
    let depth = 0;
    while (scope) {
      let found: ScopeColumn | null = null;
      for (const c of scope.columns) {
        if (c.name !== name) continue;
        if (table !== null ? c.table !== table : c.hidden) continue;
        if (found)
          throw new SemanticError(SqlState.ambiguousColumn, `column reference "${name}" is ambiguous`, {
            position,
          });
        found = c;
      }
      if (found) return { depth, column: found };
      // As PostgreSQL: `t.col` binds to the innermost scope that has a table `t`, even when an
      // outer `t` has the column.
      if (table !== null && scope.columns.some((c) => c.table === table)) break;
      scope = scope.parent;
      depth++;
    }
    if (table !== null && !this.hasTable(table)) {
      throw new UndefinedObjectError(
        SqlState.undefinedTable,
        `missing FROM-clause entry for table "${table}"`,
        { position },
      );
    }
    const full = table === null ? name : `${table}.${name}`;
    throw new UndefinedObjectError(SqlState.undefinedColumn, `column ${quoteIfNeeded(full)} does not exist`, {
      position,
    });
  }

  hasTable(table: string): boolean {
    for (let s: Scope | null = this; s; s = s.parent)
      if (s.columns.some((c) => c.table === table)) return true;
    return false;
  }

  cte(name: string): BoundCte | undefined {
    return this.ctes.get(name);
  }
}

function quoteIfNeeded(name: string): string {
  return name.includes('.') ? name : `"${name}"`;
}
