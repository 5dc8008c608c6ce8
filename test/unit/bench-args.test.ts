/**
 * @module test/unit/bench-args
 * A benchmark run rewrites BENCHMARKS.md and bench/results/ only when asked (`--record`), so a
 * small trial run never replaces the published figures.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseEngineArgs } from '../../bench/engine/engine-suite.ts';
import { parseServeArgs } from '../../bench/serve/serve-args.ts';

test('the engine suite records only with --record', () => {
  assert.equal(parseEngineArgs(['--events', '1000']).write, false);
  assert.equal(parseEngineArgs(['--events', '1000', '--record']).write, true);
});

test('the serve suite records only with --record', () => {
  assert.equal(parseServeArgs(['--duration', '1']).write, false);
  assert.equal(parseServeArgs(['--record']).write, true);
});
