/**
 * @module bench/serve/serve-schema
 * The table, the always-fresh per-user summary and the rows both systems get. Eddy maintains the
 * summary as a materialized view; PostgreSQL as a table kept by an AFTER INSERT statement trigger,
 * the closest it has to a view that is fresh after every write. Rows come from a seeded generator.
 */
import type pg from 'pg';
import type { ServeSystem } from './serve-result.ts';

const CREATE_EVENTS = 'CREATE TABLE events (id bigint PRIMARY KEY, user_id integer, amount integer)';

export const SCHEMA: Record<ServeSystem, readonly string[]> = {
  eddy: [
    CREATE_EVENTS,
    'CREATE MATERIALIZED VIEW per_user AS SELECT user_id, count(*) AS n, sum(amount) AS total FROM events GROUP BY user_id',
    'CREATE INDEX per_user_user_id ON per_user (user_id)',
  ],
  postgres: [
    CREATE_EVENTS,
    'CREATE TABLE per_user (user_id integer NOT NULL, n bigint NOT NULL, total bigint NOT NULL)',
    'CREATE UNIQUE INDEX per_user_user_id ON per_user (user_id)',
    // One statement-level trigger per INSERT folds the whole batch in, as Eddy folds it in one step.
    `CREATE FUNCTION per_user_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO per_user AS p (user_id, n, total)
    SELECT user_id, count(*), sum(amount) FROM new_events GROUP BY user_id
  ON CONFLICT (user_id) DO UPDATE SET n = p.n + EXCLUDED.n, total = p.total + EXCLUDED.total;
  RETURN NULL;
END $$`,
    `CREATE TRIGGER per_user_maintain AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
  FOR EACH STATEMENT EXECUTE FUNCTION per_user_apply()`,
  ],
};

/** The pgbench script: one point lookup on the summary's indexed key. */
export function lookupScript(users: number): string {
  return `\\set uid random(1, ${users})\nSELECT n, total FROM per_user WHERE user_id = :uid;\n`;
}

/** `INSERT … VALUES ($1, $2, $3), …` for `rows` rows: one statement, prepared once per connection. */
export function insertText(rows: number): string {
  const tuples: string[] = [];
  for (let i = 0; i < rows; i++) tuples.push(`($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`);
  return `INSERT INTO events (id, user_id, amount) VALUES ${tuples.join(', ')}`;
}

/** Deterministic events: ids count up from `nextId`, users and amounts from a seeded generator. */
export class EventSource {
  nextId: number;
  private state: number;
  private readonly users: number;

  constructor(firstId: number, users: number, seed: number) {
    this.nextId = firstId;
    this.users = users;
    this.state = seed >>> 0 || 1;
  }

  /** Fills `values` (length 3 × rows) with the next rows' id, user_id, amount. */
  fill(values: number[]): void {
    for (let i = 0; i < values.length; i += 3) {
      values[i] = this.nextId++;
      values[i + 1] = 1 + (this.random() % this.users);
      values[i + 2] = 1 + (this.random() % 1000);
    }
  }

  /** xorshift32: cheap, seeded, the same sequence on every machine. */
  private random(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
}

/** Inserts `count` rows from `source` as multi-row INSERTs of `batchRows` rows (the last may be shorter). */
export async function insertRows(
  client: pg.Client,
  source: EventSource,
  count: number,
  batchRows: number,
): Promise<void> {
  for (let done = 0; done < count; done += batchRows) {
    const rows = Math.min(batchRows, count - done);
    const values = new Array<number>(3 * rows);
    source.fill(values);
    await client.query({ name: `insert_events_${rows}`, text: insertText(rows), values });
  }
}

/** Creates the schema, preloads `rows` events and refreshes PostgreSQL's planner statistics. */
export async function setUp(
  client: pg.Client,
  system: ServeSystem,
  source: EventSource,
  rows: number,
): Promise<void> {
  for (const statement of SCHEMA[system]) await client.query(statement);
  await insertRows(client, source, rows, 1000);
  if (system === 'postgres') await client.query('ANALYZE');
}
