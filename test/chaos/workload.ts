/**
 * @module test/chaos/workload
 * The crash harness's seeded workload: the schema (tables with and without primary keys, the
 * materialized views checked after recovery), and each client's writes. Every client owns the
 * rows whose `owner` is its number, so clients' writes commute and each client's rows are a pure
 * function of which of its writes were applied, in order. A write is a function of
 * `(seed, client, index)` and of the client's rows before it, so one seed replays exactly.
 */
import { Rng } from '../fuzz/rng.ts';

/** A column value as the workload writes it; table dumps read every column back as text. */
export type Cell = number | string | null;
export type TableName = 'acct' | 'item' | 'ev';

export interface TableSpec {
  readonly name: TableName;
  readonly columns: readonly string[];
  readonly ddl: string;
}

export const tables: readonly TableSpec[] = [
  {
    name: 'acct',
    columns: ['id', 'owner', 'grp', 'bal', 'note'],
    ddl: 'CREATE TABLE acct (id integer PRIMARY KEY, owner integer NOT NULL, grp integer NOT NULL, bal bigint NOT NULL, note text)',
  },
  {
    name: 'item',
    columns: ['id', 'owner', 'cat', 'price'],
    ddl: 'CREATE TABLE item (id integer PRIMARY KEY, owner integer NOT NULL, cat integer NOT NULL, price integer NOT NULL)',
  },
  {
    // No primary key: duplicate rows are legal and must survive as duplicates, no more, no fewer.
    name: 'ev',
    columns: ['owner', 'seq', 'grp', 'amt', 'tag'],
    ddl: 'CREATE TABLE ev (owner integer NOT NULL, seq integer NOT NULL, grp integer NOT NULL, amt integer NOT NULL, tag text)',
  },
];

/** Written only after recovery, to learn the step number the restarted database has reached. */
export const probeTableDdl = 'CREATE TABLE chaos_probe (n integer)';

export interface ViewSpec {
  readonly name: string;
  readonly query: string;
}

export const views: readonly ViewSpec[] = [
  {
    name: 'v_grp_join',
    query:
      'SELECT a.grp, count(*) AS n, sum(e.amt) AS total, min(e.amt) AS lo FROM acct a JOIN ev e ON e.owner = a.owner AND e.grp = a.grp GROUP BY a.grp',
  },
  {
    name: 'v_ev_stats',
    query:
      'SELECT grp, count(*) AS n, sum(amt) AS total, min(amt) AS lo, max(amt) AS hi FROM ev GROUP BY grp',
  },
  {
    name: 'v_owner_bal',
    query:
      'SELECT owner, count(*) AS n, min(bal) AS lo, max(bal) AS hi, sum(bal) AS total FROM acct GROUP BY owner',
  },
  { name: 'v_top', query: 'SELECT id, bal FROM acct ORDER BY bal DESC, id LIMIT 5' },
  {
    name: 'v_rank',
    query:
      'SELECT id, owner, bal, row_number() OVER (PARTITION BY owner ORDER BY bal, id) AS rn, sum(bal) OVER (PARTITION BY owner) AS owner_total FROM acct',
  },
  {
    name: 'v_item_acct',
    query:
      'SELECT i.cat, count(*) AS n, max(i.price) AS top_price, sum(i.price + a.bal) AS worth FROM item i JOIN acct a ON a.id = i.id GROUP BY i.cat',
  },
];

/** Created by client 0 in the middle of some runs. */
export const lateView: ViewSpec = {
  name: 'v_late',
  query: 'SELECT owner, count(*) AS n, max(seq) AS last_seq FROM ev WHERE amt > 0 GROUP BY owner',
};
/** Dropped by client 0 in the middle of some runs. */
export const droppableView = 'v_item_acct';
/** The view a subscriber follows across the crash. */
export const followedView = 'v_owner_bal';

export function allViewSpecs(): readonly ViewSpec[] {
  return [...views, lateView];
}

export function setupScript(): string {
  const ddl = [
    ...tables.map((t) => t.ddl),
    probeTableDdl,
    ...views.map((v) => `CREATE MATERIALIZED VIEW ${v.name} AS ${v.query}`),
  ];
  return `${ddl.join(';\n')};`;
}

/** One statement of a write, as data: the model applies it, `sqlOf` renders it. */
export type Op =
  | { readonly op: 'insert'; readonly table: TableName; readonly rows: readonly (readonly Cell[])[] }
  | {
      readonly op: 'update';
      readonly table: TableName;
      readonly column: string;
      readonly delta: number;
      readonly where: Readonly<Record<string, Cell>>;
    }
  | { readonly op: 'delete'; readonly table: TableName; readonly where: Readonly<Record<string, Cell>> };

/**
 * One transaction of one client. `via`: how it is sent. `sql` is a multi-statement transaction
 * (library `execute()`, or BEGIN … COMMIT over the wire); `insert` a single-table insert
 * (library `insert()`, or HTTP `POST /ingest`); `ddl` a CREATE / DROP of a view, by client 0.
 */
export interface Write {
  readonly id: string;
  readonly client: number;
  readonly index: number;
  readonly via: 'sql' | 'insert' | 'ddl';
  readonly ops: readonly Op[];
  readonly ddl?: { readonly create?: ViewSpec; readonly drop?: string };
}

/** A client's rows per table, and its counters for fresh keys. */
export interface ClientState {
  readonly client: number;
  /** The index of the client's next write. */
  index: number;
  nextId: number;
  nextSeq: number;
  rows: Record<TableName, Cell[][]>;
}

export function emptyClientState(client: number): ClientState {
  return { client, index: 0, nextId: 1, nextSeq: 1, rows: { acct: [], item: [], ev: [] } };
}

export function cloneClientState(s: ClientState): ClientState {
  return {
    client: s.client,
    index: s.index,
    nextId: s.nextId,
    nextSeq: s.nextSeq,
    rows: {
      acct: s.rows.acct.map((r) => r.slice()),
      item: s.rows.item.map((r) => r.slice()),
      ev: s.rows.ev.map((r) => r.slice()),
    },
  };
}

const columnsOf = new Map(tables.map((t) => [t.name, t.columns]));

function matches(table: TableName, row: readonly Cell[], where: Readonly<Record<string, Cell>>): boolean {
  const columns = columnsOf.get(table)!;
  return Object.entries(where).every(([column, value]) => row[columns.indexOf(column)] === value);
}

/** Applies a write to the client's model as PostgreSQL applies the statements, and moves its counters. */
export function applyWrite(state: ClientState, write: Write): void {
  for (const op of write.ops) {
    const rows = state.rows[op.table];
    if (op.op === 'insert') {
      for (const r of op.rows) rows.push(r.slice());
    } else if (op.op === 'delete') {
      state.rows[op.table] = rows.filter((r) => !matches(op.table, r, op.where));
    } else {
      const at = columnsOf.get(op.table)!.indexOf(op.column);
      for (const r of rows) if (matches(op.table, r, op.where)) r[at] = (r[at] as number) + op.delta;
    }
  }
  for (const op of write.ops) {
    if (op.op !== 'insert') continue;
    for (const r of op.rows) {
      if (op.table === 'ev') state.nextSeq = Math.max(state.nextSeq, (r[1] as number) + 1);
      else state.nextId = Math.max(state.nextId, idLocal(r[0] as number) + 1);
    }
  }
  state.index = write.index + 1;
}

/** Keys are `owner * idStride + local`: disjoint per client. */
const idStride = 1_000_000;
const idLocal = (id: number): number => id % idStride;

export interface WorkloadShape {
  /** Rows of the biggest insert. */
  readonly rowsMax: number;
  /** Statements of the biggest multi-statement transaction. */
  readonly statementsMax: number;
  /** Groups (grp, cat): few, so joins and aggregates see changes in every group. */
  readonly groups: number;
}

export const defaultShape: WorkloadShape = { rowsMax: 12, statementsMax: 5, groups: 6 };

/** The write the client sends next, given its rows now. `ddlAt`: the index of client 0's DDL, if any. */
export function nextWrite(
  seed: number,
  state: ClientState,
  shape: WorkloadShape,
  ddl: { readonly at: number; readonly kind: 'create' | 'drop' } | undefined,
): Write {
  const { client, index } = state;
  const id = `${client}:${index}`;
  if (client === 0 && ddl !== undefined && index === ddl.at) {
    return ddl.kind === 'create'
      ? { id, client, index, via: 'ddl', ops: [], ddl: { create: lateView } }
      : { id, client, index, via: 'ddl', ops: [], ddl: { drop: droppableView } };
  }
  const rng = new Rng(seed, 0xc4a05, client, index);
  const draft = cloneClientState(state);
  if (rng.chance(0.35)) {
    const table = rng.weighted<TableName>([
      [3, 'ev'],
      [2, 'acct'],
      [1, 'item'],
    ]);
    return { id, client, index, via: 'insert', ops: [insertOp(rng, draft, table, shape)] };
  }
  const ops: Op[] = [];
  const count = rng.int(1, shape.statementsMax);
  for (let i = 0; i < count; i++) {
    const op = randomOp(rng, draft, shape);
    ops.push(op);
    applyWrite(draft, { id, client, index, via: 'sql', ops: [op] });
  }
  return { id, client, index, via: 'sql', ops };
}

function randomOp(rng: Rng, draft: ClientState, shape: WorkloadShape): Op {
  const table = rng.weighted<TableName>([
    [3, 'ev'],
    [3, 'acct'],
    [1, 'item'],
  ]);
  const rows = draft.rows[table];
  const kind =
    rows.length === 0
      ? 'insert'
      : rng.weighted([
          [4, 'insert'],
          [4, 'update'],
          [2, 'delete'],
        ] as const);
  if (kind === 'insert') return insertOp(rng, draft, table, shape);
  const columns = columnsOf.get(table)!;
  const owner = draft.client;
  // Half by key (one row), half by group (many rows, possibly none).
  const row = rng.pick(rows);
  const where: Record<string, Cell> =
    table === 'ev'
      ? rng.chance(0.5)
        ? { owner, seq: row[1]! }
        : { owner, grp: row[2]! }
      : rng.chance(0.6)
        ? { owner, id: row[0]! }
        : { owner, [columns[2]!]: row[2]! };
  if (kind === 'delete') return { op: 'delete', table, where };
  const column = table === 'acct' ? 'bal' : table === 'item' ? 'price' : 'amt';
  return { op: 'update', table, column, delta: rng.int(-40, 60), where };
}

function insertOp(rng: Rng, draft: ClientState, table: TableName, shape: WorkloadShape): Op {
  const owner = draft.client;
  const count = rng.chance(0.15) ? rng.int(1, shape.rowsMax * 4) : rng.int(1, shape.rowsMax);
  const rows: Cell[][] = [];
  for (let i = 0; i < count; i++) {
    const grp = rng.int(0, shape.groups - 1);
    if (table === 'ev') {
      // A repeated row now and then: a table without a key must keep both copies.
      const repeat = rows.length > 0 && rng.chance(0.1);
      const row = repeat
        ? rows[rows.length - 1]!.slice()
        : [owner, draft.nextSeq++, grp, rng.int(-50, 200), text(rng)];
      rows.push(row);
    } else {
      const id = owner * idStride + draft.nextId++;
      rows.push(
        table === 'acct' ? [id, owner, grp, rng.int(0, 5000), text(rng)] : [id, owner, grp, rng.int(1, 900)],
      );
    }
  }
  return { op: 'insert', table, rows };
}

function text(rng: Rng): string | null {
  return rng.weighted<string | null>([
    [6, `t${rng.int(0, 999)}`],
    [1, null],
    [1, "it's"],
    [1, 'zürich ✓'],
    [1, ''],
  ]);
}

function literal(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'number') return String(v);
  return `'${v.replaceAll("'", "''")}'`;
}

function conditionOf(where: Readonly<Record<string, Cell>>): string {
  return Object.entries(where)
    .map(([c, v]) => `${c} = ${literal(v)}`)
    .join(' AND ');
}

/** One statement of SQL for an op. */
export function sqlOf(op: Op): string {
  switch (op.op) {
    case 'insert':
      return `INSERT INTO ${op.table} VALUES ${op.rows.map((r) => `(${r.map(literal).join(', ')})`).join(', ')}`;
    case 'update':
      return `UPDATE ${op.table} SET ${op.column} = ${op.column} + ${op.delta} WHERE ${conditionOf(op.where)}`;
    case 'delete':
      return `DELETE FROM ${op.table} WHERE ${conditionOf(op.where)}`;
  }
}

/** The write's statements (without BEGIN / COMMIT). */
export function statementsOf(write: Write): string[] {
  if (write.ddl?.create)
    return [`CREATE MATERIALIZED VIEW ${write.ddl.create.name} AS ${write.ddl.create.query}`];
  if (write.ddl?.drop) return [`DROP MATERIALIZED VIEW ${write.ddl.drop}`];
  return write.ops.map(sqlOf);
}
