/**
 * @module bench/connectors/kafka-events
 * The Kafka benchmark's events and the counts they must add up to, shared by the suite (which
 * produces them) and its Eddy child (which checks the view); imports no Kafka client.
 */

export const groups = 100;

/** The i-th event: what the producer sends and the expected counts are made from. */
export function eventJson(i: number): string {
  return `{"id":${i},"g":${i % groups},"amount":${(i * 7) % 1000},"name":"user${i % 5000}"}`;
}

/** Expected `count(*)` and `sum(amount)` per group over events 0..n-1. */
export function expectedGroups(n: number): { count: number[]; total: number[] } {
  const count = new Array<number>(groups).fill(0);
  const total = new Array<number>(groups).fill(0);
  for (let i = 0; i < n; i++) {
    count[i % groups]!++;
    total[i % groups]! += (i * 7) % 1000;
  }
  return { count, total };
}
