/**
 * @module test/unit/nexmark-bench
 * The engine benchmark is only worth its numbers if every system computes the right answer: each
 * d2ts and Eddy case is checked against a plain evaluation of its query (rows and result digest),
 * and a benchmark run fails when its systems' digests disagree.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openD2tsCase } from '../../bench/engine/d2ts-case.ts';
import { openEddyCase } from '../../bench/engine/eddy-case.ts';
import type { OpenedCase } from '../../bench/engine/engine-case.ts';
import { pregenerate } from '../../bench/engine/engine-input.ts';
import { ENGINE_QUERIES, ENGINE_QUERY_NAMES, type EngineQuery } from '../../bench/engine/engine-queries.ts';
import {
  ENGINE_BEGIN,
  ENGINE_END,
  machineInfo,
  updateBenchmarksMd,
} from '../../bench/engine/engine-report.ts';
import { type EngineResult, failedResult } from '../../bench/engine/engine-result.ts';
import { parseEngineArgs, runCase, runFailures } from '../../bench/engine/engine-suite.ts';
import { oracle } from '../../bench/engine/oracle.ts';
import { digestOf, ResultDigest } from '../../bench/engine/result-digest.ts';
import type { Row, Value } from '../../src/common/value.ts';
import { AuctionCol, BidCol } from '../../src/connectors/datagen/nexmark/index.ts';
import { skipOrFail } from '../prerequisites.ts';

const EVENTS = 40_000;

/**
 * Compares results as multisets. Numbers are compared to 10 significant digits (q1's price and
 * q4's average are floats in d2ts and the oracle, numeric in Eddy: a Numeric prints as its digits).
 */
function assertSameRows(actual: Row[], expected: Row[], what: string): void {
  const canon = (v: Value): string => {
    const n = typeof v === 'object' && v !== null && !Array.isArray(v) ? Number(String(v)) : v;
    return typeof n === 'number' && !Number.isInteger(n) ? n.toPrecision(10) : String(n);
  };
  const sortKey = (r: Row) => r.map(canon).join('|');
  const a = actual.map(sortKey).sort();
  const e = expected.map(sortKey).sort();
  assert.equal(a.length, e.length, `${what}: row count`);
  assert.deepEqual(a, e, what);
}

async function check(query: EngineQuery, batch: number, open: () => Promise<OpenedCase>): Promise<boolean> {
  const input = pregenerate({ events: EVENTS, batch, seed: 3, tables: ENGINE_QUERIES[query].tables });
  const opened = await open();
  if (!opened.ok) return false;
  for (const b of input) await opened.engineCase.push(b);
  await opened.engineCase.flush();
  const expected = oracle(query, input);
  assert.ok(expected.length > 0, `${query}: the oracle finds rows`);
  assertSameRows(await opened.engineCase.result(), expected, `${query} batch ${batch}`);
  assert.equal(await opened.engineCase.outputRows(), expected.length);
  assert.equal(await opened.engineCase.digest(), digestOf(expected), `${query} batch ${batch}: digest`);
  await opened.engineCase.close();
  return true;
}

describe('engine benchmark cases', () => {
  for (const query of ENGINE_QUERY_NAMES) {
    for (const batch of [1_000, 7_000]) {
      it(`d2ts ${query}, batches of ${batch} events, equals the plain evaluation`, async () => {
        assert.ok(await check(query, batch, async () => openD2tsCase(query, { capture: true })));
      });
    }
  }

  it('q4 input has bids inside and outside their auction lifetime, so its time filter matters', () => {
    const input = pregenerate({ events: EVENTS, batch: EVENTS, seed: 3, tables: ['auction', 'bid'] });
    const { auction, bid } = input[0];
    const lifetimes = new Map<Value, [number, number]>();
    for (let i = 0; i < auction!.rowCount; i++) {
      const r = auction!.row(i);
      lifetimes.set(r[AuctionCol.id], [r[AuctionCol.dateTime] as number, r[AuctionCol.expires] as number]);
    }
    let inside = 0;
    let outside = 0;
    for (let i = 0; i < bid!.rowCount; i++) {
      const r = bid!.row(i);
      const life = lifetimes.get(r[BidCol.auction]);
      const t = r[BidCol.dateTime] as number;
      if (life && t >= life[0] && t <= life[1]) inside++;
      else if (life) outside++;
    }
    assert.ok(inside > 1_000 && outside > 1_000, `inside ${inside}, outside ${outside}`);
    const categories = oracle('q4', input);
    assert.deepEqual(categories.map((r) => r[0]).sort(), [10, 11, 12, 13, 14]);
    for (const [, avg] of categories) assert.ok((avg as number) > 100 && (avg as number) < 1e8);
  });

  for (const query of ENGINE_QUERY_NAMES) {
    it(`Eddy ${query} equals the plain evaluation (skipped while Eddy cannot run it, failed in CI)`, async (t) => {
      const probe = await openEddyCase(query, { capture: true });
      if (!probe.ok) {
        skipOrFail(t, `unavailable: ${probe.reason}`);
        return;
      }
      await probe.engineCase.close();
      assert.ok(await check(query, 1_000, () => openEddyCase(query, { capture: true })));
    });
  }
});

describe('engine benchmark harness', () => {
  it('parses the command line', () => {
    const o = parseEngineArgs([
      '--events',
      '1M,20k',
      '--batch',
      '1000',
      '--system',
      'd2ts',
      '--query',
      'q0,q4',
    ]);
    assert.deepEqual(o.events, [1_000_000, 20_000]);
    assert.deepEqual(o.batch, [1_000]);
    assert.deepEqual(o.systems, ['d2ts']);
    assert.deepEqual(o.queries, ['q0', 'q4']);
    assert.throws(() => parseEngineArgs(['--query', 'q99']), /unknown query q99/);
    assert.throws(() => parseEngineArgs(['--frobnicate', '1']), /unknown option/);
  });

  it('runs a case in a child process and reports its measurements', async () => {
    const r = await runCase(
      { query: 'q2', system: 'd2ts', events: 10_000, batch: 1_000, seed: 1 },
      { timeoutSec: 120, heapMb: 1024 },
    );
    assert.equal(r.status, 'ok', r.error);
    assert.equal(r.events, 10_000);
    assert.ok(r.seconds! > 0 && r.cpuSeconds! > 0 && r.eventsPerSec! > 0);
    assert.ok(r.peakRssBytes! >= r.baseRssBytes! && r.baseRssBytes! > 10 * 2 ** 20);
    assert.ok(r.generateSeconds! > 0 && r.firstDecileEventsPerSec! > 0 && r.lastDecileEventsPerSec! > 0);
    const input = pregenerate({ events: 10_000, batch: 1_000, seed: 1, tables: ['bid'] });
    assert.equal(r.outputRows, oracle('q2', input).length);
    assert.equal(r.resultDigest, digestOf(oracle('q2', input)));
  });

  it('a run fails when the systems disagree on a result, or a case broke', () => {
    const spec = { query: 'q2', events: 1000, batch: 10, seed: 1 } as const;
    const ok = (system: 'eddy' | 'd2ts', resultDigest: string): EngineResult => ({
      ...failedResult({ ...spec, system }, 'ok', ''),
      resultDigest,
    });
    assert.deepEqual(runFailures([ok('eddy', '3:00'), ok('d2ts', '3:00')], true), []);
    assert.deepEqual(runFailures([ok('eddy', '3:00'), ok('d2ts', '3:01')], false), [
      'the systems disagree on the result of q2 events=1000 batch=10: eddy 3:00, d2ts 3:01',
    ]);
    const unavailable = failedResult({ ...spec, system: 'eddy' }, 'unavailable', '0A000');
    assert.deepEqual(runFailures([unavailable, ok('d2ts', '3:00')], false), []);
    assert.deepEqual(runFailures([unavailable, ok('d2ts', '3:00')], true), [
      'q2 eddy events=1000 batch=10: unavailable',
    ]);
  });

  it('a result digest ignores row order and cancels retractions', () => {
    const rows: Row[] = [
      [1, 2.5, 'a'],
      [2, 3, 'b'],
    ];
    assert.equal(digestOf(rows), digestOf([rows[1], rows[0]]));
    assert.notEqual(digestOf(rows), digestOf([rows[0], [2, 3, 'c']]));
    const digest = new ResultDigest();
    for (const row of rows) digest.add(row, 1);
    digest.add([9, 9, 'z'], 2);
    digest.add([9, 9, 'z'], -2);
    assert.equal(digest.value(), digestOf(rows));
    assert.match(digest.value(), /^2:[0-9a-f]{16}$/);
  });

  it('rewrites only the marked section of BENCHMARKS.md', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eddy-bench-'));
    try {
      const path = join(dir, 'BENCHMARKS.md');
      writeFileSync(path, `# Mine\n\nkeep this\n\n${ENGINE_BEGIN}\nold\n${ENGINE_END}\n\nand this\n`);
      const ok: EngineResult = {
        ...failedResult({ query: 'q0', system: 'd2ts', events: 1000, batch: 10, seed: 1 }, 'ok', ''),
        seconds: 0.5,
        cpuSeconds: 0.6,
        eventsPerSec: 2000,
        eventsPerCpuSec: 1666,
        peakRssBytes: 2 ** 27,
        baseRssBytes: 2 ** 26,
        outputRows: 920,
      };
      const eddy = failedResult(
        { query: 'q0', system: 'eddy', events: 1000, batch: 10, seed: 1 },
        'unavailable',
        'x',
      );
      updateBenchmarksMd(path, [eddy, ok], 'npm run bench -- engine', machineInfo());
      const text = readFileSync(path, 'utf8');
      assert.ok(text.startsWith('# Mine\n\nkeep this\n\n'));
      assert.ok(text.endsWith(`${ENGINE_END}\n\nand this\n`));
      assert.ok(!text.includes('\nold\n'));
      assert.match(text, /\| q0 +\| +1,000 \| +10 \| +unavailable \| +2,000 \| +– \|/);
      assert.match(text, /Command: `npm run bench -- engine`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
