/**
 * @module sql/bind/window-frame
 * Binds a window's frame clause (libpg-query's frameOptions bits and offset nodes) to a WindowFrame.
 * The frame is checked as PostgreSQL checks it, before Eddy says what it does not support: GROUPS
 * and RANGE offsets need an ORDER BY (42P20), a NULL offset is 22004 in every frame mode, a
 * negative one 22013 in ROWS and GROUPS mode.
 */
import type { Node } from 'libpg-query';
import { DataError, FeatureNotSupportedError, SemanticError, SqlState } from '../../common/errors.ts';
import type { FrameBound, WindowFrame } from '../../plan/logical.ts';

/** libpg-query's FRAMEOPTION_* bits. */
const F = {
  nonDefault: 0x1,
  range: 0x2,
  rows: 0x4,
  groups: 0x8,
  startUnboundedPreceding: 0x20,
  endUnboundedFollowing: 0x100,
  startCurrentRow: 0x200,
  endCurrentRow: 0x400,
  startOffsetPreceding: 0x800,
  endOffsetPreceding: 0x1000,
  startOffsetFollowing: 0x2000,
  endOffsetFollowing: 0x4000,
  excludeCurrentRow: 0x8000,
  excludeGroup: 0x10000,
  excludeTies: 0x20000,
};

const startOffsetBits = F.startOffsetPreceding | F.startOffsetFollowing;
const endOffsetBits = F.endOffsetPreceding | F.endOffsetFollowing;

export function windowFrame(
  options: number,
  orderByCount: number,
  startOffset?: Node,
  endOffset?: Node,
  position?: number,
): WindowFrame {
  if (!(options & F.nonDefault)) {
    return { mode: 'range', start: { kind: 'unboundedPreceding' }, end: { kind: 'currentRow' } };
  }
  const mode = options & F.rows ? 'rows' : options & F.groups ? 'groups' : 'range';
  // What the frame is measured against must exist before its offsets mean anything.
  if (mode === 'groups' && orderByCount === 0)
    throw new SemanticError(SqlState.windowingError, 'GROUPS mode requires an ORDER BY clause', { position });
  if (mode === 'range' && options & (startOffsetBits | endOffsetBits) && orderByCount !== 1)
    throw new SemanticError(
      SqlState.windowingError,
      'RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column',
      { position },
    );
  const start = options & startOffsetBits ? checkedOffset(startOffset, 'starting', mode, position) : 0;
  const end = options & endOffsetBits ? checkedOffset(endOffset, 'ending', mode, position) : 0;
  if (mode === 'groups') throw new FeatureNotSupportedError('GROUPS frames are not supported', { position });
  if (options & (F.excludeCurrentRow | F.excludeGroup | F.excludeTies))
    throw new FeatureNotSupportedError('frame EXCLUDE clauses are not supported', { position });
  if (mode === 'range' && options & (startOffsetBits | endOffsetBits))
    throw new FeatureNotSupportedError('RANGE frames with offsets are not supported', { position });
  const startBound: FrameBound =
    options & F.startUnboundedPreceding
      ? { kind: 'unboundedPreceding' }
      : options & F.startCurrentRow
        ? { kind: 'currentRow' }
        : options & F.startOffsetPreceding
          ? { kind: 'preceding', offset: start }
          : { kind: 'following', offset: start };
  const endBound: FrameBound =
    options & F.endUnboundedFollowing
      ? { kind: 'unboundedFollowing' }
      : options & F.endCurrentRow
        ? { kind: 'currentRow' }
        : options & F.endOffsetPreceding
          ? { kind: 'preceding', offset: end }
          : options & F.endOffsetFollowing
            ? { kind: 'following', offset: end }
            : { kind: 'currentRow' };
  return { mode, start: startBound, end: endBound };
}

/**
 * An offset's value. Only integer constants are supported (PostgreSQL allows any expression without
 * columns); NULL and, outside RANGE mode, negative ones are PostgreSQL's errors. A negative RANGE
 * offset is an error only once there are rows to compare, and RANGE offsets are not supported.
 */
function checkedOffset(
  node: Node | undefined,
  which: 'starting' | 'ending',
  mode: 'rows' | 'range' | 'groups',
  position?: number,
): number {
  const constant = node !== undefined && 'A_Const' in node ? node.A_Const : undefined;
  if (constant?.isnull === true)
    throw new DataError(SqlState.nullValueNotAllowed, `frame ${which} offset must not be null`, { position });
  const value = constant?.ival === undefined ? null : (constant.ival.ival ?? 0);
  if (value === null)
    throw new FeatureNotSupportedError('frame offsets must be integer constants', { position });
  if (value < 0 && mode !== 'range')
    throw new DataError(
      SqlState.invalidPrecedingOrFollowingSize,
      `frame ${which} offset must not be negative`,
      {
        position,
      },
    );
  return value;
}
