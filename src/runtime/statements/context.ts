/**
 * @module runtime/statements/context
 * What a statement handler gets (besides the statement itself): its text, parameters, the session and the
 * change set to record its writes in (the session turns them into a step).
 */
import type { SqlType } from '../../common/types.ts';
import type { Value } from '../../common/value.ts';
import type { QueryGuard } from '../../plan/evaluate/query-guard.ts';
import type { BindOptions } from '../../sql/bind/index.ts';
import type { ChangeSet } from '../changes.ts';
import type { Session } from '../session.ts';

export interface StatementContext {
  readonly text: string;
  readonly offset: number;
  readonly params: readonly Value[];
  /** Declared parameter types (extended protocol), by position; undefined: from the value. */
  readonly paramTypes?: readonly (SqlType | undefined)[];
  /** Set while describing a statement: parameter types are inferred into it, nothing runs for real. */
  readonly inferredParamTypes?: (SqlType | undefined)[];
  /** Describing: the statement runs against the data but its writes are recorded only, never applied. */
  readonly dryRun?: boolean;
  readonly session: Session;
  readonly changes: ChangeSet;
  /** Bounds the statement's evaluation: statement_timeout, eddy.query_memory, cancel. */
  readonly guard?: QueryGuard;
  /** The caller awaits a long query evaluated in slices (a PendingStatement) instead of a result. */
  readonly mayYield?: boolean;
  /** With `mayYield`: a long query returns its first slice's rows and the rest to pull (`more`). */
  readonly streamRows?: boolean;
  /** A catalog change whose text is not what replay must run (a secret's value, a resolved upstream schema) sets it here. */
  readonly logAs?: { sql?: string };
}

export function bindOptions(ctx: StatementContext): BindOptions {
  return {
    catalog: ctx.session.db.catalog,
    session: ctx.session.settings,
    params: ctx.params,
    paramTypes: ctx.paramTypes,
    inferredParamTypes: ctx.inferredParamTypes,
  };
}
