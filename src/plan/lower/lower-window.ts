/**
 * @module plan/lower/lower-window
 * Translates the logical plan's aggregate and window calls into the dataflow's specifications:
 * the aggregate implementation for each call (by function and argument type), and window calls
 * with their frames. RANGE frames with value offsets need one ORDER BY key carried as a number.
 */
import { FeatureNotSupportedError } from '../../common/errors.ts';
import type { SqlType } from '../../common/types.ts';
import { type AggregateName, makeAggregator } from '../../dataflow/aggregates/make-aggregator.ts';
import type { AggregateSpec } from '../../dataflow/operators/aggregate.ts';
import {
  hasValueOffsets,
  isAggregateFunction,
  isFrameFunction,
  type WindowCallSpec,
} from '../../dataflow/window/window-spec.ts';
import type { AggregateCall, Schema, SortKey, WindowCall } from '../logical.ts';

export function aggregateSpec(call: AggregateCall, input: Schema, appendOnly = false): AggregateSpec {
  return {
    aggregator: makeAggregator({
      fn: call.fn,
      args: call.args,
      argTypes: call.args.map((a) => input[a]!.type),
      distinct: call.distinct,
      orderBy: call.orderBy,
      appendOnly,
    }),
    filter: call.filter ?? -1,
  };
}

export function windowCallSpec(call: WindowCall, input: Schema, orderBy: readonly SortKey[]): WindowCallSpec {
  if (isFrameFunction(call.fn) && hasValueOffsets(call.frame)) checkRangeOffsets(input, orderBy);
  const spec: WindowCallSpec = { fn: call.fn, args: call.args, frame: call.frame };
  if (!isAggregateFunction(call.fn)) return spec;
  const fn = call.fn as AggregateName;
  const argTypes = call.args.map((a) => input[a]!.type);
  return {
    ...spec,
    // Each region evaluation gets its own aggregator, used on slot 0.
    makeAggregator: () => makeAggregator({ fn, args: call.args, argTypes, distinct: false, orderBy: [] }),
  };
}

const numberKeyed = new Set<SqlType['id']>([
  'int2',
  'int4',
  'int8',
  'float4',
  'float8',
  'date',
  'time',
  'timestamp',
  'timestamptz',
]);

function checkRangeOffsets(input: Schema, orderBy: readonly SortKey[]): void {
  if (orderBy.length !== 1) {
    throw new FeatureNotSupportedError(
      'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column',
    );
  }
  const type = input[orderBy[0]!.column]!.type;
  if (!numberKeyed.has(type.id)) {
    throw new FeatureNotSupportedError(
      `RANGE with offset PRECEDING/FOLLOWING is not supported for column type ${type.id}`,
    );
  }
}
