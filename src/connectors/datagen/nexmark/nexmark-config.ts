/**
 * @module connectors/datagen/nexmark/nexmark-config
 * The knobs of the Nexmark generator, their defaults (those of the reference Nexmark generator)
 * and their validation. A resolved config is immutable and fully determines the event stream.
 */
import { DataError, SqlState } from '../../../common/errors.ts';

/** What a caller may set; every field has the reference generator's default. */
export interface NexmarkOptions {
  /** Seed of the PRNG: the same seed and options always give the same events. Default 1. */
  seed?: number;
  /** Event-time rate: event n is stamped `firstEventTime + n * 1e6 / eventsPerSecond` µs. Default 10,000. */
  eventsPerSecond?: number;
  /** Timestamp of event 0, microseconds since the epoch. Default 2024-01-01 00:00:00 UTC. */
  firstEventTime?: number;
  /** Id of event 0 (ids decide which kind of event comes next and the ids it gets). Default 0. */
  firstEventId?: number;
  /** Stop after this many events. Default: unbounded. */
  maxEvents?: number;
  /** Out of every `person + auction + bid` events, this many are of each kind. Default 1:3:46. */
  personProportion?: number;
  auctionProportion?: number;
  bidProportion?: number;
  /** 1 − 1/ratio of bids go to the hot auction, of auctions to hot sellers, of bids to hot bidders. */
  hotAuctionRatio?: number;
  hotSellersRatio?: number;
  hotBiddersRatio?: number;
  /** Bids pick among the last this many auctions (plus a small lead). Also sets auction lengths. */
  numInFlightAuctions?: number;
  /** Bids and auctions pick among the last this many people (plus a small lead). */
  numActivePeople?: number;
  /** The `extra` column pads each event to about this many idealised bytes. */
  avgPersonByteSize?: number;
  avgAuctionByteSize?: number;
  avgBidByteSize?: number;
}

export type NexmarkConfig = Readonly<Required<NexmarkOptions>>;

/** 2024-01-01T00:00:00Z in microseconds since the epoch. */
export const NEXMARK_DEFAULT_FIRST_EVENT_TIME = 1_704_067_200_000_000;

export const NEXMARK_DEFAULTS: NexmarkConfig = Object.freeze({
  seed: 1,
  eventsPerSecond: 10_000,
  firstEventTime: NEXMARK_DEFAULT_FIRST_EVENT_TIME,
  firstEventId: 0,
  maxEvents: Number.POSITIVE_INFINITY,
  personProportion: 1,
  auctionProportion: 3,
  bidProportion: 46,
  hotAuctionRatio: 2,
  hotSellersRatio: 4,
  hotBiddersRatio: 4,
  numInFlightAuctions: 100,
  numActivePeople: 1000,
  avgPersonByteSize: 200,
  avgAuctionByteSize: 500,
  avgBidByteSize: 100,
});

/** Fills in defaults and rejects values the generator cannot honour. */
export function resolveNexmarkConfig(options: NexmarkOptions = {}): NexmarkConfig {
  const config: Required<NexmarkOptions> = { ...NEXMARK_DEFAULTS };
  for (const key of Object.keys(options) as (keyof NexmarkOptions)[]) {
    const value = options[key];
    if (value !== undefined) config[key] = value;
  }
  requireInteger(config, 'seed', Number.MIN_SAFE_INTEGER);
  requirePositive(config, 'eventsPerSecond');
  requireInteger(config, 'firstEventTime', Number.MIN_SAFE_INTEGER);
  requireInteger(config, 'firstEventId', 0);
  if (config.maxEvents !== Number.POSITIVE_INFINITY) requireInteger(config, 'maxEvents', 0);
  for (const key of ['personProportion', 'auctionProportion', 'bidProportion'] as const) {
    requireInteger(config, key, 1);
  }
  for (const key of ['hotAuctionRatio', 'hotSellersRatio', 'hotBiddersRatio'] as const) {
    requireInteger(config, key, 1);
  }
  requireInteger(config, 'numInFlightAuctions', 1);
  requireInteger(config, 'numActivePeople', 1);
  for (const key of ['avgPersonByteSize', 'avgAuctionByteSize', 'avgBidByteSize'] as const) {
    requireInteger(config, key, 0);
  }
  return Object.freeze(config);
}

function requireInteger(config: Required<NexmarkOptions>, key: keyof NexmarkOptions, min: number): void {
  const value = config[key];
  if (!Number.isSafeInteger(value) || value < min) invalid(key, value);
}

function requirePositive(config: Required<NexmarkOptions>, key: keyof NexmarkOptions): void {
  const value = config[key];
  if (!Number.isFinite(value) || value <= 0) invalid(key, value);
}

function invalid(key: string, value: number): never {
  throw new DataError(SqlState.invalidParameterValue, `invalid value for parameter "${key}": "${value}"`);
}
