/**
 * @module test/unit/dataflow-top-k
 * Oracle tests of top-k: per partition, the rows ranked offset+1 … offset+limit by ORDER BY (ties
 * broken by the whole row, duplicates counted), over random histories with duplicates, NULLs and
 * deletions, for several limits, offsets, directions and NULL placements.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { T } from '../../src/common/types.ts';
import type { Value } from '../../src/common/value.ts';
import { compareNullable, compareValues } from '../../src/common/value-ops.ts';
import { Batch } from '../../src/dataflow/batch.ts';
import { TopKOp } from '../../src/dataflow/operators/top-k.ts';
import type { SortKey } from '../../src/dataflow/row.ts';
import {
  checkUnary,
  fcOptions,
  historyArb,
  type Rows,
  show,
  smallInt,
  smallText,
} from './dataflow-support.ts';

const inputRow = fc.tuple(smallInt(2), smallInt(5), smallText()).map((t): Value[] => [...t]);

function compareKey(a: Value, b: Value, k: SortKey): number {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === k.nullsFirst ? -1 : 1;
  }
  const c = compareValues(a, b);
  return k.descending ? -c : c;
}

function referenceTopK(
  partitionBy: number[],
  orderBy: SortKey[],
  limit: number | null,
  offset: number,
  rows: Rows,
): Rows {
  const parts = new Map<string, Rows>();
  for (const r of rows) {
    const key = show(partitionBy.map((c) => r[c]!));
    parts.set(key, [...(parts.get(key) ?? []), r]);
  }
  const out: Rows = [];
  for (const part of parts.values()) {
    const sorted = [...part].sort((a, b) => {
      for (const k of orderBy) {
        const c = compareKey(a[k.column]!, b[k.column]!, k);
        if (c !== 0) return c;
      }
      for (let i = 0; i < a.length; i++) {
        const c = compareNullable(a[i]!, b[i]!, false);
        if (c !== 0) return c;
      }
      return 0;
    });
    out.push(...sorted.slice(offset, limit === null ? undefined : offset + limit));
  }
  return out;
}

const orders: Record<string, SortKey[]> = {
  'x asc nulls last': [{ column: 1, descending: false, nullsFirst: false }],
  'x desc nulls first, t asc nulls first': [
    { column: 1, descending: true, nullsFirst: true },
    { column: 2, descending: false, nullsFirst: true },
  ],
  't desc nulls last': [{ column: 2, descending: true, nullsFirst: false }],
};

for (const [orderName, orderBy] of Object.entries(orders)) {
  for (const partitionBy of [[], [0]]) {
    test(`top-k by ${orderName}, ${partitionBy.length ? 'per partition' : 'global'}: incremental equals sort + slice`, () => {
      const config = fc.record({
        limit: fc.constantFrom(null, 0, 1, 2, 4),
        offset: fc.constantFrom(0, 1, 3),
      });
      fc.assert(
        fc.property(config, historyArb(inputRow, 10, 10), ({ limit, offset }, history) => {
          const op = new TopKOp(
            3,
            partitionBy,
            partitionBy.map(() => T.int4),
            orderBy,
            limit,
            offset,
          );
          checkUnary(op, 3, history, (rows) => referenceTopK(partitionBy, orderBy, limit, offset, rows));
        }),
        fcOptions,
      );
    });
  }
}

test('top-k emits only the changes to the window', () => {
  const order: SortKey[] = [{ column: 0, descending: false, nullsFirst: false }];
  const op = new TopKOp(1, [], [], order, 2, 0);
  let out = op.step([Batch.fromRows(1, [[5], [3], [9]])]);
  assert.deepEqual(sortedRows(out), ['3:1', '5:1']);
  out = op.step([Batch.fromRows(1, [[7]])]);
  assert.equal(out.length, 0, 'a row ranked below the window changes nothing');
  out = op.step([Batch.fromRows(1, [[1]])]);
  assert.deepEqual(sortedRows(out), ['1:1', '5:-1']);
  out = op.step([Batch.fromRows(1, [[3]], [-1])]);
  assert.deepEqual(sortedRows(out), ['3:-1', '5:1']);
});

function sortedRows(b: Batch): string[] {
  const rows: string[] = [];
  for (let i = 0; i < b.length; i++) rows.push(`${show(b.row(i)[0]!)}:${b.weights[i]}`);
  return rows.sort();
}
