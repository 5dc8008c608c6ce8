/**
 * @module connectors/datagen/nexmark
 * The Nexmark event generator: people, auctions and bids, deterministic from a seed.
 */
export * from './nexmark-config.ts';
export * from './nexmark-generator.ts';
export * from './nexmark-schema.ts';
export { Xoshiro128 } from './xoshiro128.ts';
