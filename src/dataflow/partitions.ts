/**
 * @module dataflow/partitions
 * Finding a row's PARTITION BY state in the partitioned operators (top-k, window). The key is
 * gathered into the caller's scratch buffer, so a lookup allocates nothing unless the partition is new.
 */
import type { Value } from '../common/value.ts';
import type { KeyMap } from './key-map.ts';

/**
 * The state of the partition of the row at `src[base]`, made by `create` if absent. Leaves the
 * key in `keyBuf` (for a later delete); `create` gets that buffer and must copy it to keep it.
 */
export function partitionOf<T>(
  partitions: KeyMap<T>,
  keyBuf: Value[],
  cols: readonly number[],
  src: readonly Value[],
  base: number,
  create: (key: Value[]) => T,
): T {
  for (let k = 0; k < cols.length; k++) keyBuf[k] = src[base + cols[k]!]!;
  let state = partitions.get(keyBuf, 0);
  if (state === undefined) {
    state = create(keyBuf);
    partitions.set(keyBuf, 0, state);
  }
  return state;
}
