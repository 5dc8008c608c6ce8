/**
 * @module plan/window-close
 * What EMIT ON WINDOW CLOSE needs of a view's plan: an output column that is a window bound of
 * `TUMBLE` / `HOP` over relations with watermarks, followed through projections, filters, group
 * keys and joins (its lineage), and the plan of the watermark that closes it: the least of those
 * relations' watermarks (each relation keeps its own in a table, runtime/event-time).
 */
import { FeatureNotSupportedError } from '../common/errors.ts';
import { Interval } from '../common/interval.ts';
import { type SqlType, T } from '../common/types.ts';
import type { LogicalPlan } from './logical.ts';
import { col, type ScalarExpr } from './scalar.ts';

/**
 * The column numbering sessions in SESSION's plan (sql/bind/session-window): a window function
 * partitioned by it computes a session's last event time, which plus the gap ends the session.
 */
export const SESSION_NUMBER_COLUMN = 'eddy_session_number';

/** What the planner needs to know of a relation's watermark. */
export interface RelationWatermark {
  /** The event-time column. */
  readonly column: number;
  /** The table holding it: (partition text, watermark). */
  readonly stateRelationId: number;
  readonly stateName: string;
  readonly type: SqlType;
}

export interface WindowClose {
  /** The view's output column whose value (plus `offsetMicros`) is the end of the row's window. */
  readonly closeColumn: number;
  readonly offsetMicros: number;
  /** A one-column, one-row plan: the least watermark of the relations the windows come from. */
  readonly watermark: LogicalPlan;
  /** The watermark tables it reads (a view's maintenance is fed their changes). */
  readonly reads: readonly number[];
}

/** What a view's maintenance knows of event time (runtime/database hands it to the lowering). */
export interface EventTimeOptions {
  readonly windowClose?: WindowClose;
  readonly watermarkOf?: WatermarkOf;
}

export type WatermarkOf = (relationId: number) => RelationWatermark | undefined;

interface Lineage {
  readonly offsetMicros: number;
  readonly relations: ReadonlySet<number>;
}

/**
 * The window bound EMIT ON WINDOW CLOSE closes the view's rows by: its first output column that
 * is a window's end, else its first that is a window's start. 0A000 when there is none.
 */
export function windowCloseOf(plan: LogicalPlan, watermarkOf: WatermarkOf, position?: number): WindowClose {
  const candidates = plan.schema
    .map((_, i) => ({ column: i, lineage: windowBound(plan, i, watermarkOf) }))
    .filter((c): c is { column: number; lineage: Lineage } => c.lineage !== undefined)
    .sort((a, b) => a.lineage.offsetMicros - b.lineage.offsetMicros);
  const chosen = candidates[0];
  if (!chosen)
    throw new FeatureNotSupportedError(
      'EMIT ON WINDOW CLOSE needs the window_end or window_start of TUMBLE or HOP over a relation with a watermark among the output columns',
      { position, hint: 'Select (and group by) window_end or window_start.' },
    );
  const { watermark, reads } = watermarkPlan(chosen.lineage.relations, watermarkOf, position);
  return { closeColumn: chosen.column, offsetMicros: chosen.lineage.offsetMicros, watermark, reads };
}

/**
 * How a GROUP BY over windows can free the groups of closed windows: a group key that is a window
 * bound, over an input that reads only relations with watermarks through filters, projections
 * and window functions (no join, which could bring rows to a closed window from elsewhere), so
 * once the watermark passes the window's end no change can reach the group again.
 */
export function groupClosing(
  plan: LogicalPlan & { kind: 'aggregate' },
  watermarkOf: WatermarkOf,
): { keyIndex: number; offsetMicros: number; watermark: LogicalPlan } | undefined {
  if (!linearOverWatermarks(plan.input, watermarkOf)) return undefined;
  for (let k = 0; k < plan.groupBy.length; k++) {
    const lineage = windowBound(plan.input, plan.groupBy[k]!, watermarkOf);
    if (!lineage) continue;
    try {
      const { watermark } = watermarkPlan(lineage.relations, watermarkOf);
      return { keyIndex: k, offsetMicros: lineage.offsetMicros, watermark };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function linearOverWatermarks(plan: LogicalPlan, watermarkOf: WatermarkOf): boolean {
  switch (plan.kind) {
    case 'get':
      return watermarkOf(plan.relationId) !== undefined;
    case 'filter':
    case 'map':
    case 'flatMap':
      return linearOverWatermarks(plan.input, watermarkOf);
    default:
      return false;
  }
}

/** The least watermark of `relations`, as a one-row plan over their watermark tables. */
function watermarkPlan(
  relations: ReadonlySet<number>,
  watermarkOf: WatermarkOf,
  position?: number,
): { watermark: LogicalPlan; reads: number[] } {
  const sources = [...relations].map((id) => watermarkOf(id)!);
  const type = sources[0]!.type;
  if (sources.some((mark) => mark.type.id !== type.id))
    throw new FeatureNotSupportedError(
      'EMIT ON WINDOW CLOSE over windows of both timestamp and timestamptz event times is not supported',
      { position },
    );
  const column = { name: 'watermark', type, nullable: true };
  const perRelation = sources.map(
    (mark): LogicalPlan => ({
      kind: 'map',
      input: {
        kind: 'get',
        relationId: mark.stateRelationId,
        name: mark.stateName,
        schema: [
          { name: 'partition', type: T.text, nullable: false },
          { ...column, nullable: false },
        ],
      },
      exprs: [col(1, type)],
      schema: [column],
    }),
  );
  const all = perRelation.reduce(
    (left, right): LogicalPlan => ({ kind: 'setOp', op: 'union', all: true, left, right, schema: [column] }),
  );
  const watermark: LogicalPlan = {
    kind: 'aggregate',
    input: all,
    groupBy: [],
    aggregates: [{ fn: 'min', args: [0], distinct: false, filter: null, orderBy: [], type }],
    schema: [column],
  };
  return { watermark, reads: sources.map((mark) => mark.stateRelationId) };
}

/** Whether output column `index` of `plan` is a window bound, and of which relations' event time. */
function windowBound(plan: LogicalPlan, index: number, watermarkOf: WatermarkOf): Lineage | undefined {
  switch (plan.kind) {
    case 'flatMap': {
      const inputArity = plan.input.schema.length;
      if (index < inputArity) return windowBound(plan.input, index, watermarkOf);
      if (plan.name !== 'tumble' && plan.name !== 'hop') return undefined;
      const time = plan.args[0];
      const size = plan.args[2];
      if (time?.kind !== 'column' || size?.kind !== 'literal' || !(size.value instanceof Interval))
        return undefined;
      const relations = eventTime(plan.input, time.index, watermarkOf);
      if (!relations) return undefined;
      const sizeMicros = size.value.days * 86_400_000_000 + size.value.micros;
      return { offsetMicros: index === inputArity ? sizeMicros : 0, relations };
    }
    case 'map': {
      const e = plan.exprs[index];
      const session = e && sessionEnd(plan.input, e, watermarkOf);
      return session ?? followColumn(plan, index, (p, i) => windowBound(p, i, watermarkOf));
    }
    default:
      return followColumn(plan, index, (p, i) => windowBound(p, i, watermarkOf));
  }
}

/**
 * SESSION's `window_end`: `max(time) OVER (PARTITION BY keys, session number) + gap` over an
 * event time. Once the watermark passes it, no row that is not late can join the session (it
 * would be at least the gap after the session's last row), so the session is final.
 */
function sessionEnd(input: LogicalPlan, e: ScalarExpr, watermarkOf: WatermarkOf): Lineage | undefined {
  if (e.kind !== 'call' || e.name !== '+' || e.args.length !== 2) return undefined;
  const [last, gap] = e.args as [ScalarExpr, ScalarExpr];
  if (last.kind !== 'column' || gap.kind !== 'literal' || !(gap.value instanceof Interval)) return undefined;
  if (gap.value.months !== 0 || gap.value.days < 0 || gap.value.micros < 0) return undefined;
  return sessionLast(input, last.index, watermarkOf);
}

function sessionLast(plan: LogicalPlan, index: number, watermarkOf: WatermarkOf): Lineage | undefined {
  if (plan.kind !== 'window') return undefined;
  const arity = plan.input.schema.length;
  const call = plan.calls[index - arity];
  if (call === undefined || call.fn !== 'max' || call.args.length !== 1) return undefined;
  const sessions = plan.partitionBy.some((k) => plan.input.schema[k]?.name === SESSION_NUMBER_COLUMN);
  const relations = sessions ? eventTime(plan.input, call.args[0]!, watermarkOf) : undefined;
  return relations && { offsetMicros: 0, relations };
}

/** The relations whose watermark bounds column `index` (it is their event-time column, passed on). */
function eventTime(plan: LogicalPlan, index: number, watermarkOf: WatermarkOf): Set<number> | undefined {
  if (plan.kind === 'get') {
    const mark = watermarkOf(plan.relationId);
    return mark && mark.column === index ? new Set([plan.relationId]) : undefined;
  }
  return followColumn(plan, index, (p, i) => eventTime(p, i, watermarkOf));
}

/** Follows an output column to the input column it passes on unchanged, if any. */
function followColumn<T>(
  plan: LogicalPlan,
  index: number,
  next: (input: LogicalPlan, index: number) => T | undefined,
): T | undefined {
  switch (plan.kind) {
    case 'filter':
    case 'orderBy':
    case 'distinct':
    case 'topK':
      return next(plan.input, index);
    case 'flatMap':
      return index < plan.input.schema.length ? next(plan.input, index) : undefined;
    case 'map': {
      const e = plan.exprs[index];
      return e?.kind === 'column' ? next(plan.input, e.index) : undefined;
    }
    case 'aggregate':
      return index < plan.groupBy.length ? next(plan.input, plan.groupBy[index]!) : undefined;
    case 'window':
      return index < plan.input.schema.length ? next(plan.input, index) : undefined;
    case 'join': {
      const leftArity = plan.left.schema.length;
      return index < leftArity ? next(plan.left, index) : next(plan.right, index - leftArity);
    }
    default:
      return undefined;
  }
}
