/**
 * Batches Eddy's own Nexmark generator vouches for (functions/form-scan, `vouchInForm`): the bulk
 * insert takes them without its scan only into tables whose columns have exactly the forms vouched
 * for; into any other shape, or read as JavaScript values, every value is checked as before.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createNexmarkBatches,
  NexmarkGenerator,
  nexmarkCreateTableSql,
} from '../../src/connectors/datagen/nexmark/index.ts';
import { Eddy, RowInputError } from '../../src/index.ts';

/** The bids of the first 2,000 events, in the generator's own (vouched) array. */
function generatedBids() {
  const out = createNexmarkBatches();
  new NexmarkGenerator({ seed: 11, maxEvents: 2_000 }).next(out, 2_000);
  const bids = out.bid;
  // The holder is fresh, so its array is exactly rowCount rows long, as insertBatch wants.
  assert.equal(bids.values.length, bids.rowCount * bids.arity);
  return bids;
}

test('a vouched batch stores the same rows as an unvouched copy of it', async () => {
  const db = await Eddy.open();
  await db.execute(nexmarkCreateTableSql('bid'));
  await db.execute(nexmarkCreateTableSql('bid').replace('TABLE bid', 'TABLE bid_copy'));
  const bids = generatedBids();
  await db.insertBatch('bid', bids.values, bids.rowCount, { valueForm: 'engine' });
  await db.insertBatch('bid_copy', bids.values.slice(), bids.rowCount, { valueForm: 'engine' });
  const all = async (table: string) =>
    (await db.query(`SELECT * FROM ${table} ORDER BY date_time, auction, bidder, extra`)).rows;
  const stored = await all('bid');
  assert.equal(stored.length, bids.rowCount);
  assert.deepEqual(stored, await all('bid_copy'));
});

test('read as JavaScript values, a vouched batch is checked: microsecond numbers are not timestamps', async () => {
  const db = await Eddy.open();
  await db.execute(nexmarkCreateTableSql('bid'));
  const bids = generatedBids();
  await assert.rejects(db.insertBatch('bid', bids.values, bids.rowCount), (err: unknown) => {
    assert.ok(err instanceof RowInputError, String(err));
    assert.equal(err.code, '42804');
    assert.equal(err.column, 'date_time');
    return true;
  });
});

test('into a table of another shape, a vouched batch is checked value by value', async () => {
  const db = await Eddy.open();
  // channel varchar(4): the generator's channel names are longer ("Google", "channel-…").
  await db.execute(nexmarkCreateTableSql('bid').replace('channel VARCHAR', 'channel VARCHAR(4)'));
  const bids = generatedBids();
  await assert.rejects(
    db.insertBatch('bid', bids.values, bids.rowCount, { valueForm: 'engine' }),
    (err: unknown) => {
      assert.ok(err instanceof RowInputError, String(err));
      assert.equal(err.code, '22001');
      assert.equal(err.column, 'channel');
      return true;
    },
  );
  assert.equal((await db.query('SELECT count(*) FROM bid')).rows[0]![0], 0);
});
