/**
 * The fuzzer's judges can fail: comparison rules (multisets, float rounding, SQLSTATE classes,
 * 0A000), the ad-hoc join-order recheck, and the incremental and metamorphic checks on scripted
 * engines that answer wrongly.
 * The minimiser shrinks a tree and a list to what still fails. No database needed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alternativePlans, judgeAdhoc, judgeIncremental, judgeMetamorphic } from './checks.ts';
import { compare, fullyOrdered } from './compare.ts';
import type { FuzzEngine, Outcome } from './engines.ts';
import { exactStatistics } from './float-statistics.ts';
import { leftFormIntersect } from './form-choice.ts';
import { shrinkList, shrinkTree } from './minimise.ts';
import { anyOfArrayUnreduced, tiesAtAggregateLevelsAsOnly } from './postgres-bugs.ts';
import { hasGroupingOperator } from './representative.ts';
import { list, node, render } from './sql-tree.ts';

const rows = (...r: (string | null)[][]): Outcome => ({
  ok: true,
  floatColumns: r[0]?.map(() => false) ?? [false],
  letters: 'T',
  rows: r,
});
const error = (code: string): Outcome => ({ ok: false, code, message: `failed with ${code}` });

test('rows compare as multisets unless the ORDER BY fixes the order', () => {
  assert.equal(compare(rows(['1'], ['2']), rows(['2'], ['1']), false).kind, 'same');
  assert.equal(compare(rows(['1'], ['2']), rows(['2'], ['1']), true).kind, 'divergence');
  assert.equal(compare(rows(['1'], ['1']), rows(['1']), false).kind, 'divergence');
  assert.equal(compare(rows([null]), rows(['']), false).kind, 'divergence');
  assert.ok(fullyOrdered('SELECT a AS o0, b AS o1 FROM t ORDER BY 1, 2 DESC LIMIT 3', 2));
  assert.ok(!fullyOrdered('SELECT a AS o0, b AS o1 FROM t ORDER BY 1 LIMIT 3', 2));
});

test('floats agree to 10 significant digits; other text must be equal', () => {
  const f = (x: string): Outcome => ({ ok: true, floatColumns: [true], letters: 'R', rows: [[x]] });
  assert.equal(compare(f('0.30000000000000004'), f('0.3'), false).kind, 'same');
  assert.equal(compare(f('0.3001'), f('0.3'), false).kind, 'divergence');
  assert.equal(compare(f('NaN'), f('NaN'), false).kind, 'same');
  // PostgreSQL's per-row rounding of a float statistic that cancels to 0 (fuzz 1717:12).
  assert.equal(compare(f('0'), f('6.061722734358105e-31'), false).kind, 'same');
  assert.equal(compare(f('0'), f('1e-6'), false).kind, 'divergence');
  assert.equal(compare(rows(['6.00']), rows(['6']), false).kind, 'divergence');
});

test('errors compare by class; 0A000 is unsupported; an internal error always diverges', () => {
  assert.equal(compare(error('22012'), error('22003'), false).kind, 'bothFailed');
  assert.deepEqual(compare(error('42883'), error('22012'), false).kind, 'divergence');
  assert.equal(compare(error('0A000'), rows(['1']), false).kind, 'unsupported');
  assert.equal(compare(error('XX000'), error('XX000'), false).kind, 'divergence');
  const v = compare(rows(['1']), error('42601'), false);
  assert.ok(v.kind === 'divergence' && v.what === 'pgError');
});

/** An engine that answers from a script: `SELECT * FROM fuzz_view_0` and queries by their text. */
function scripted(answers: (sql: string, step: number) => Outcome): FuzzEngine & { step: number } {
  const engine = {
    step: 0,
    async execute(sql: string) {
      if (sql.startsWith('BEGIN')) engine.step++;
    },
    async run(sql: string) {
      return answers(sql, engine.step);
    },
    async close() {},
  };
  return engine;
}

test('incremental: a view that stops following its query is caught at that step', async () => {
  const truth = (step: number) => rows(...Array.from({ length: step }, (_, i) => [String(i)]));
  const pg = scripted((_, step) => truth(step));
  // The view misses the third step's change.
  const eddy = scripted((sql, step) =>
    sql.includes('fuzz_view_0') ? truth(Math.min(step, 2)) : truth(step),
  );
  const [judged] = await judgeIncremental(
    eddy,
    pg,
    ['SELECT x FROM t'],
    [['INSERT 1'], ['INSERT 2'], ['INSERT 3']],
  );
  assert.equal(judged!.verdict.kind, 'divergence');
  assert.equal(judged!.atStep, 3);
  // Created over the first step's rows instead (hydration): judged the same way from there on.
  const late = scripted((sql, step) =>
    sql.includes('fuzz_view_0') ? truth(Math.min(step, 2)) : truth(step),
  );
  const steps = [['INSERT 1'], ['INSERT 2'], ['INSERT 3']];
  const [hydrated] = await judgeIncremental(
    late,
    scripted((_, s) => truth(s)),
    ['SELECT x FROM t'],
    steps,
    [true],
  );
  assert.equal(hydrated!.atStep, 3);
  const good = scripted((_, step) => truth(step));
  const [ok] = await judgeIncremental(
    good,
    scripted((_, s) => truth(s)),
    ['SELECT x FROM t'],
    [['INSERT 1']],
  );
  assert.equal(ok!.verdict.kind, 'same');
});

/** A PostgreSQL whose answer depends on the planner settings of its transaction (`SET LOCAL`). */
function planDependent(answer: (settings: string) => Outcome): FuzzEngine & { rechecks: number } {
  let settings = '';
  const engine = {
    rechecks: 0,
    async execute(sql: string) {
      if (sql.startsWith('BEGIN')) {
        settings = sql;
        engine.rechecks++;
      }
      if (sql === 'ROLLBACK') settings = '';
    },
    async run() {
      return answer(settings);
    },
    async close() {},
  };
  return engine;
}

/** Answers `written` when the join order is fixed to the written one, `reordered` otherwise. */
const joinOrderDependent = (reordered: Outcome, written: Outcome) =>
  planDependent((settings) => (settings.includes('join_collapse_limit = 1') ? written : reordered));

test('ad hoc: a data error only one side raises is a divergence unless PostgreSQL agrees joining as written', async () => {
  const eddy = scripted(() => rows(['1']));
  const artefact = await judgeAdhoc(eddy, joinOrderDependent(error('2202E'), rows(['1'])), 'SELECT 1');
  assert.equal(artefact.verdict.kind, 'joinOrder');
  const stillFails = await judgeAdhoc(eddy, joinOrderDependent(error('2202E'), error('2202E')), 'SELECT 1');
  assert.ok(stillFails.verdict.kind === 'divergence' && stillFails.verdict.what === 'pgError');
  const otherRows = await judgeAdhoc(eddy, joinOrderDependent(error('22012'), rows(['2'])), 'SELECT 1');
  assert.equal(otherRows.verdict.kind, 'divergence');
  // Eddy's error, which PostgreSQL raises too when it joins as written.
  const failing = scripted(() => error('22012'));
  const eddySide = await judgeAdhoc(failing, joinOrderDependent(rows(['1']), error('22012')), 'SELECT 1');
  assert.equal(eddySide.verdict.kind, 'joinOrder');
  // Not a data error: no recheck.
  const undefinedColumn = joinOrderDependent(error('42703'), rows(['1']));
  const other = await judgeAdhoc(eddy, undefinedColumn, 'SELECT 1');
  assert.equal(other.verdict.kind, 'divergence');
  assert.equal(undefinedColumn.rechecks, 0);
});

test('ad hoc: a one-sided data error PostgreSQL also raises under other planner settings is plan-dependent', async () => {
  const eddyFails = scripted(() => error('2202E'));
  // PostgreSQL reads the failing rows only without Materialize nodes (fuzz 606:404).
  const noMaterial = planDependent((s) =>
    s.includes('enable_material = off') ? error('2202E') : rows(['1']),
  );
  const excused = await judgeAdhoc(eddyFails, noMaterial, 'SELECT 1');
  assert.equal(excused.verdict.kind, 'planDependent');
  assert.match((excused.verdict as { detail: string }).detail, /no Materialize nodes/);
  // PostgreSQL answers under every setting: Eddy's error stays a divergence, after every recheck.
  const never = planDependent(() => rows(['1']));
  const open = await judgeAdhoc(eddyFails, never, 'SELECT 1');
  assert.ok(open.verdict.kind === 'divergence' && open.verdict.what === 'eddyError');
  // Each setting as the tables are, then over analysed copies (its own plan, then each setting).
  assert.equal(never.rechecks, 2 * alternativePlans.length + 1);
  // Not class 22 (a subquery's extra row): no recheck, even if a setting would flip it.
  const cardinality = planDependent((s) => (s === '' ? error('21000') : rows(['1'])));
  const notData = await judgeAdhoc(
    scripted(() => rows(['1'])),
    cardinality,
    'SELECT 1',
  );
  assert.equal(notData.verdict.kind, 'divergence');
  assert.equal(cardinality.rechecks, 0);
  // Different rows are never excused, whatever a setting answers.
  const otherRows = planDependent((s) => (s.includes('enable_hashjoin = off') ? rows(['2']) : rows(['1'])));
  const wrong = await judgeAdhoc(
    scripted(() => rows(['2'])),
    otherRows,
    'SELECT 1',
  );
  assert.ok(wrong.verdict.kind === 'divergence' && wrong.verdict.what === 'rows');
  assert.equal(otherRows.rechecks, 0);
});

test('a one-sided data error PostgreSQL raises over the same rows with statistics gathered is plan-dependent', async () => {
  // 606:896: with its guesses for unanalysed tables PostgreSQL runs an empty input first and never
  // evaluates the failing ON; with true row counts it runs the failing LEFT JOIN first and raises.
  const analysed = planDependent((s) => (s.includes('ANALYZE') ? error('2202E') : rows(['1'])));
  const view = scripted((sql) => (sql.includes('fuzz_view_0') ? error('2202E') : rows(['1'])));
  const [excused] = await judgeIncremental(view, analysed, ['SELECT x FROM t'], [['INSERT 1']]);
  assert.equal(excused!.verdict.kind, 'planDependent');
  assert.match(
    (excused!.verdict as { detail: string }).detail,
    /over the tables analysed, with its own plan/,
  );
  const adhoc = await judgeAdhoc(
    scripted(() => error('2202E')),
    analysed,
    'SELECT 1',
  );
  assert.equal(adhoc.verdict.kind, 'planDependent');
  // Another class over the analysed copies is no agreement.
  const other = planDependent((s) => (s.includes('ANALYZE') ? error('21000') : rows(['1'])));
  const open = await judgeAdhoc(
    scripted(() => error('2202E')),
    other,
    'SELECT 1',
  );
  assert.ok(open.verdict.kind === 'divergence' && open.verdict.what === 'eddyError');
});

test('incremental: a view error PostgreSQL meets under other planner settings is plan-dependent', async () => {
  const eddy = scripted((sql) => (sql.includes('fuzz_view_0') ? error('2202E') : rows(['1'])));
  const noMaterial = planDependent((s) =>
    s.includes('enable_material = off') ? error('2202E') : rows(['1']),
  );
  const [excused] = await judgeIncremental(eddy, noMaterial, ['SELECT x FROM t'], [['INSERT 1']]);
  assert.equal(excused!.verdict.kind, 'planDependent');
  const [open] = await judgeIncremental(
    eddy,
    planDependent(() => rows(['1'])),
    ['SELECT x FROM t'],
    [['INSERT 1']],
  );
  assert.ok(open!.verdict.kind === 'divergence' && open!.verdict.what === 'eddyError');
});

const left = "(SELECT 1.00 AS o0 FROM t0 AS x0 WHERE x0.s = ')') INTERSECT";
const intersect = `${left} (SELECT x1.n AS o0 FROM t0 AS x1)`;
/** A PostgreSQL printing the right input's form of equal values, the left's through EXCEPT. */
const formOfSmaller = (asWritten: Outcome, leftForms: Outcome) =>
  scripted((sql) => (sql.includes(' EXCEPT ') ? leftForms : asWritten));

test('leftFormIntersect rewrites only a top-level INTERSECT, reading quoted parentheses as text', () => {
  const a = "(SELECT 1.00 AS o0 FROM t0 AS x0 WHERE x0.s = ')')";
  assert.equal(leftFormIntersect(intersect), `${a} EXCEPT (${a} EXCEPT (SELECT x1.n AS o0 FROM t0 AS x1))`);
  assert.equal(
    leftFormIntersect('(SELECT 1) INTERSECT ALL (SELECT 2)'),
    '(SELECT 1) EXCEPT ALL ((SELECT 1) EXCEPT ALL (SELECT 2))',
  );
  assert.equal(leftFormIntersect('(SELECT 1) UNION (SELECT 2)'), null);
  assert.equal(leftFormIntersect('SELECT * FROM ((SELECT 1) INTERSECT (SELECT 2)) AS q'), null);
  assert.equal(leftFormIntersect('(SELECT 1) INTERSECT (SELECT 2) ORDER BY 1'), null);
});

test("ad hoc: INTERSECT's form of equal values is a form choice only if PostgreSQL gives Eddy's rows in the left input's forms", async () => {
  const eddy = scripted(() => rows(['1.00'], ['a  ']));
  const excused = await judgeAdhoc(
    eddy,
    formOfSmaller(rows(['1.0000'], ['a']), rows(['1.00'], ['a  '])),
    intersect,
  );
  assert.equal(excused.verdict.kind, 'formChoice');
  // Different values (2.00 is not 1.0000) are never excused, whatever the rewritten query answers.
  const otherValue = await judgeAdhoc(
    scripted(() => rows(['2.00'])),
    formOfSmaller(rows(['1.0000']), rows(['2.00'])),
    intersect,
  );
  assert.ok(otherValue.verdict.kind === 'divergence' && otherValue.verdict.what === 'rows');
  // Equal values, but PostgreSQL shows its form whichever input comes first.
  const sameForm = await judgeAdhoc(
    eddy,
    formOfSmaller(rows(['1.0000'], ['a']), rows(['1.0000'], ['a'])),
    intersect,
  );
  assert.equal(sameForm.verdict.kind, 'divergence');
  // Not an INTERSECT: nothing to ask.
  const union = await judgeAdhoc(
    eddy,
    scripted(() => rows(['1.0000'], ['a'])),
    '(SELECT 1.00) UNION (SELECT 1.0000)',
  );
  assert.equal(union.verdict.kind, 'divergence');
  // Text that differs in trailing spaces but was not INTERSECT's choice: PostgreSQL disagrees.
  const padded = await judgeAdhoc(
    scripted(() => rows(['a  '])),
    formOfSmaller(rows(['a']), rows(['a'])),
    intersect,
  );
  assert.equal(padded.verdict.kind, 'divergence');
});

test("incremental: a view showing INTERSECT's other form is a form choice, judged on", async () => {
  const view = (step: number) => (step === 1 ? rows(['1.00']) : rows(['3']));
  const eddy = () => scripted((sql, step) => (sql.includes('fuzz_view_0') ? view(step) : rows()));
  const truth = (sql: string, step: number) =>
    step === 1 && !sql.includes(' EXCEPT ') ? rows(['1.0000']) : view(step);
  const [excused] = await judgeIncremental(
    eddy(),
    scripted(truth),
    [intersect],
    [['INSERT 1'], ['INSERT 2']],
  );
  assert.equal(excused!.verdict.kind, 'formChoice');
  // A later step whose rows differ in value is still a divergence.
  const wrongLater = scripted((sql, step) => (step === 2 ? rows(['4']) : truth(sql, step)));
  const [open] = await judgeIncremental(eddy(), wrongLater, [intersect], [['INSERT 1'], ['INSERT 2']]);
  assert.equal(open!.verdict.kind, 'divergence');
  assert.equal(open!.atStep, 2);
});

const ungroupedMax =
  "SELECT 'a' AS o0 FROM (SELECT max(0.5::float8) AS o1 FROM t0 AS x0 ORDER BY 1 FETCH FIRST 3 ROWS WITH TIES) AS x1";

test('WITH TIES becomes ONLY only at ungrouped min/max levels, which yield at most one row', () => {
  assert.equal(tiesAtAggregateLevelsAsOnly(ungroupedMax), ungroupedMax.replace('WITH TIES', 'ONLY'));
  const top =
    'SELECT min(x0.a) AS o0, every(x0.b) AS o1 FROM t0 AS x0 ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES';
  assert.equal(tiesAtAggregateLevelsAsOnly(top), top.replace('WITH TIES', 'ONLY'));
  // Levels whose rows can tie keep WITH TIES: grouped, no aggregate of their own (only in a
  // nested subquery or a string), a set operation.
  for (const sql of [
    'SELECT max(x0.a) AS o0 FROM t0 AS x0 GROUP BY x0.b ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES',
    'SELECT (SELECT x1.a FROM t1 AS x1 ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES) AS o0 FROM t0 AS x0',
    'SELECT x0.a AS o0, (SELECT max(x1.a) FROM t1 AS x1) AS o1 FROM t0 AS x0 ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES',
    "SELECT 'max(' AS o0 FROM t0 AS x0 ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES",
    '(SELECT max(x0.a) AS o0 FROM t0 AS x0) UNION ALL (SELECT 1) ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES',
  ])
    assert.equal(tiesAtAggregateLevelsAsOnly(sql), null, sql);
});

test("ad hoc: PostgreSQL's 21000 under WITH TIES is its bug only if it answers Eddy's rows with ONLY at the aggregate level", async () => {
  const pgWithBug = (withOnly: Outcome) =>
    scripted((sql) => (sql.includes('WITH TIES') ? error('21000') : withOnly));
  const excused = await judgeAdhoc(
    scripted(() => rows(['a'])),
    pgWithBug(rows(['a'])),
    ungroupedMax,
  );
  assert.equal(excused.verdict.kind, 'postgresBug');
  // PostgreSQL answers the equivalent query differently: Eddy's rows are wrong.
  const wrong = await judgeAdhoc(
    scripted(() => rows(['a'], ['a'])),
    pgWithBug(rows(['a'])),
    ungroupedMax,
  );
  assert.ok(wrong.verdict.kind === 'divergence' && wrong.verdict.what === 'pgError');
  // A scalar subquery whose WITH TIES keeps two tied rows is PostgreSQL's right 21000; an Eddy
  // that dropped WITH TIES answers, and is not excused (ONLY would give its answer).
  const tied =
    'SELECT (SELECT x1.a FROM t1 AS x1 ORDER BY 1 FETCH FIRST 1 ROWS WITH TIES) AS o0 FROM t0 AS x0';
  const dropped = await judgeAdhoc(
    scripted(() => rows(['1'])),
    pgWithBug(rows(['1'])),
    tied,
  );
  assert.ok(dropped.verdict.kind === 'divergence' && dropped.verdict.what === 'pgError');
});

const reducedThroughAny =
  "SELECT DISTINCT 1 AS o0 FROM t0 AS x0 LEFT JOIN t0 AS x1 ON x0.i0 = x1.id WHERE (true > (x1.id = ANY('{}'::integer[])))";

test('= ANY over an array is wrapped in COALESCE(…, NULL), subqueries and quoted text are not', () => {
  assert.equal(
    anyOfArrayUnreduced(reducedThroughAny),
    "SELECT DISTINCT 1 AS o0 FROM t0 AS x0 LEFT JOIN t0 AS x1 ON x0.i0 = x1.id WHERE (true > COALESCE((x1.id = ANY('{}'::integer[])), NULL))",
  );
  // Nested: both levels wrapped, the outer around the inner.
  assert.equal(
    anyOfArrayUnreduced('SELECT ((x0.a = ANY(ARRAY[(x0.b = ANY(x0.c))::int])) = true) AS o0 FROM t0 AS x0'),
    'SELECT (COALESCE((x0.a = ANY(ARRAY[COALESCE((x0.b = ANY(x0.c)), NULL)::int])), NULL) = true) AS o0 FROM t0 AS x0',
  );
  for (const sql of [
    'SELECT 1 AS o0 FROM t0 AS x0 WHERE (x0.a = ANY(SELECT x1.a FROM t1 AS x1))',
    "SELECT ' = ANY(' AS o0 FROM t0 AS x0",
    'SELECT 1 AS o0 FROM t0 AS x0',
  ])
    assert.equal(anyOfArrayUnreduced(sql), null, sql);
});

test("ad hoc: PostgreSQL's outer-join reduction through = ANY is its bug only if the COALESCE form gives Eddy's rows", async () => {
  const pgWithBug = (unreduced: Outcome) =>
    scripted((sql) => (sql.includes('COALESCE(') ? unreduced : rows()));
  const excused = await judgeAdhoc(
    scripted(() => rows(['1'])),
    pgWithBug(rows(['1'])),
    reducedThroughAny,
  );
  assert.equal(excused.verdict.kind, 'postgresBug');
  // PostgreSQL answers the same without the reduction: Eddy's extra row is wrong.
  const wrong = await judgeAdhoc(
    scripted(() => rows(['1'])),
    pgWithBug(rows()),
    reducedThroughAny,
  );
  assert.equal(wrong.verdict.kind, 'divergence');
  // No outer join: nothing to reduce, never excused.
  const inner = reducedThroughAny.replace('LEFT JOIN', 'JOIN');
  const plain = await judgeAdhoc(
    scripted(() => rows(['1'])),
    pgWithBug(rows(['1'])),
    inner,
  );
  assert.equal(plain.verdict.kind, 'divergence');
});

test('TLP: partitions that lose the rows where p is NULL break the relation', async () => {
  const eddy = scripted((sql) => {
    if (sql.endsWith('IS NULL')) return rows();
    if (sql.includes('WHERE NOT')) return rows(['2']);
    if (sql.includes('WHERE')) return rows(['1']);
    return rows(['1'], ['2'], ['3']);
  });
  const tree = node([node(['SELECT a AS o0 FROM t AS x0']), '(x0.a > 1)']);
  const judged = await judgeMetamorphic('tlp', eddy, tree);
  assert.equal(judged.verdict.kind, 'divergence');
});

test('the minimiser keeps only what the failure needs', async () => {
  const items = ['a', 'b', 'BAD', 'c'].map((x) => node([x], ['z']));
  const tree = node(['SELECT ', list(items, ', ', 1), ' FROM t']);
  const small = await shrinkTree(tree, async (t) => render(t).includes('BAD'), { left: 100 });
  assert.equal(render(small), 'SELECT BAD FROM t');
  const kept = await shrinkList([1, 2, 3, 4, 5, 6, 7, 8], async (c) => c.includes(3) && c.includes(7), {
    left: 100,
  });
  assert.deepEqual(kept, [3, 7]);
});

/**
 * A PostgreSQL whose answer depends on the setup run in the open transaction (the reversed copy
 * of the tables, SET LOCAL planner settings): `answers` sees that setup ('' outside one).
 */
function planAware(answers: (sql: string, setup: string) => Outcome): FuzzEngine {
  let setup = '';
  return {
    async execute(sql: string) {
      if (sql.startsWith('BEGIN')) setup = sql;
      else if (sql === 'ROLLBACK') setup = '';
    },
    async run(sql: string) {
      if (sql.includes('FROM pg_tables')) return rows(['t1'], ['t2']);
      if (sql.startsWith('SELECT count(*) FROM')) return rows(['4']);
      return answers(sql, setup);
    },
    async close() {},
  };
}

// 1111:30: c0 is char(3); COALESCE(c0, 'ab') yields 'ab ' (padded) for a row holding 'ab' and 'ab'
// for one holding NULL, and EXCEPT ALL returns one of the two for both rows of their group.
const exceptAll =
  "(SELECT COALESCE(x1.c0, 'ab') AS o1 FROM t1 AS x0 RIGHT JOIN t2 AS x1 USING (i0)) EXCEPT ALL (SELECT 'a' AS o1 FROM t2 AS x2)";
const eddyForms = rows(['ab '], ['ab '], ['a  '], ['abc']);
const pgForms = rows(['ab'], ['ab'], ['a  '], ['abc']);
/** PostgreSQL meeting the padded row first only over the reversed rows and a nested loop join. */
const firstMet = planAware((_, setup) =>
  setup.includes('ORDER BY ctid DESC') &&
  setup.includes('enable_mergejoin = off') &&
  setup.includes('enable_hashjoin = off')
    ? eddyForms
    : pgForms,
);

test('hasGroupingOperator finds the operators that return one of equal values, not look-alikes', () => {
  assert.ok(hasGroupingOperator(exceptAll));
  assert.ok(hasGroupingOperator('SELECT DISTINCT c FROM t'));
  assert.ok(hasGroupingOperator('SELECT c FROM t GROUP BY c'));
  assert.ok(hasGroupingOperator('(SELECT c FROM t) UNION (SELECT c FROM u)'));
  assert.ok(hasGroupingOperator('SELECT max(c) FROM t'));
  assert.ok(!hasGroupingOperator('(SELECT c FROM t) UNION ALL (SELECT c FROM u)'));
  assert.ok(!hasGroupingOperator('SELECT c FROM t WHERE c IS NOT DISTINCT FROM d'));
  assert.ok(!hasGroupingOperator('SELECT \'GROUP BY max(\' AS o0, "distinct" FROM t'));
});

test("ad hoc: a grouping operator's representative of equal char values is a form choice only if PostgreSQL shows Eddy's under another order or plan", async () => {
  const excused = await judgeAdhoc(
    scripted(() => eddyForms),
    firstMet,
    exceptAll,
  );
  assert.equal(excused.verdict.kind, 'formChoice');
  assert.match((excused.verdict as { detail: string }).detail, /rows reversed, nested loops only/);
  // No order or plan of PostgreSQL's shows Eddy's forms: still a divergence.
  const never = await judgeAdhoc(
    scripted(() => eddyForms),
    planAware(() => pgForms),
    exceptAll,
  );
  assert.ok(never.verdict.kind === 'divergence' && never.verdict.what === 'rows');
  // 1010:392: a self-join where PostgreSQL meets the padded form first only when the table's
  // rows start at its second row (neither the inserted order nor the reversed one does that).
  const rotated = await judgeAdhoc(
    scripted(() => eddyForms),
    planAware((_, setup) => (setup.includes('- 1 % q.n') ? eddyForms : pgForms)),
    exceptAll,
  );
  assert.equal(rotated.verdict.kind, 'formChoice');
  assert.match((rotated.verdict as { detail: string }).detail, /rows rotated by 1, its own plan/);
  // Rotations beyond the largest table's rows are not tried (they repeat an order).
  const tooFar = await judgeAdhoc(
    scripted(() => eddyForms),
    planAware((_, setup) => (setup.includes('- 4 % q.n') ? eddyForms : pgForms)),
    exceptAll,
  );
  assert.ok(tooFar.verdict.kind === 'divergence' && tooFar.verdict.what === 'rows');
  // Padding differs in a plain projection: no group, so no choice to make.
  const projection = await judgeAdhoc(
    scripted(() => rows(['a  '])),
    planAware((_, setup) => (setup === '' ? rows(['a']) : rows(['a  ']))),
    'SELECT x0.c1 AS o0 FROM t0 AS x0',
  );
  assert.equal(projection.verdict.kind, 'divergence');
  // A tab is a real difference, not padding, even when some plan agrees with Eddy.
  const tab = await judgeAdhoc(
    scripted(() => rows(['a\t'])),
    planAware((_, setup) => (setup === '' ? rows(['a']) : rows(['a\t']))),
    'SELECT x0.s AS o0 FROM t0 AS x0 GROUP BY x0.s',
  );
  assert.equal(tab.verdict.kind, 'divergence');
  // 1515:125: a UNION whose estimate is too big to hash in work_mem is sorted (quicksort is not
  // stable); PostgreSQL shows the first input's padded form once it may hash in memory.
  const union = "(SELECT x0.c1 AS o0 FROM t2 AS x0) UNION (SELECT 'a' AS o0 FROM t2 AS x1, t1 AS x3)";
  const hashed = await judgeAdhoc(
    scripted(() => rows(['a  '], ['abc'])),
    planAware((_, setup) =>
      setup.includes("work_mem = '1GB'") ? rows(['a  '], ['abc']) : rows(['a'], ['abc']),
    ),
    union,
  );
  assert.equal(hashed.verdict.kind, 'formChoice');
  assert.match((hashed.verdict as { detail: string }).detail, /as inserted, hash aggregation in memory/);
  // A numeric scale is not a char's padding: this rule leaves it alone.
  const scale = await judgeAdhoc(
    scripted(() => rows(['1.00'])),
    planAware((_, setup) => (setup === '' ? rows(['1.0']) : rows(['1.00']))),
    'SELECT DISTINCT x0.n AS o0 FROM t0 AS x0',
  );
  assert.equal(scale.verdict.kind, 'divergence');
});

test('exactStatistics computes float statistics in numeric over the same non-NULL pairs, and nothing else', () => {
  assert.equal(exactStatistics('SELECT sum(f) FROM t'), null);
  assert.equal(exactStatistics("SELECT 'corr(a, b)' FROM t"), null);
  assert.equal(
    exactStatistics('SELECT var_pop(DISTINCT x.f) FROM t'),
    'SELECT var_pop(DISTINCT (x.f)::numeric) FROM t',
  );
  const slope = exactStatistics('SELECT regr_slope(y, f(x, 1)) FILTER (WHERE y > 0) AS o FROM t');
  const where = 'FILTER (WHERE (y) IS NOT NULL AND (f(x, 1)) IS NOT NULL AND (y > 0))';
  assert.ok(
    slope?.startsWith(`SELECT ((count(*) ${where} * sum((f(x, 1))::numeric * (y)::numeric) ${where}`),
    slope ?? '',
  );
  assert.ok(slope?.endsWith(') AS o FROM t'));
  // regr_r2 (a digit in its name) and a statistic inside another's argument are both rewritten.
  const nested = exactStatistics('SELECT regr_r2(1.8, (SELECT covar_pop(a, b) FROM u)) FROM t');
  assert.ok(nested !== null && !/regr_r2|covar_pop/.test(nested), nested ?? '');
  // Window calls are left alone: nothing to ask.
  assert.equal(exactStatistics('SELECT corr(a, b) OVER () FROM t'), null);
});

test('ad hoc: a float statistic that differs is float rounding only if PostgreSQL answers as Eddy in numeric', async () => {
  // Fuzz 1919:303: corr over a constant: Eddy's exact sums give NULL, PostgreSQL's rounding 0.62.
  const sql = 'SELECT DISTINCT corr(x1.i1, -0.90) AS o1 FROM t1 AS x1';
  const f = (x: string | null): Outcome => ({ ok: true, floatColumns: [true], letters: 'R', rows: [[x]] });
  const pg = (exact: Outcome) =>
    scripted((q) =>
      q === sql ? f('0.6196773353931867') : q === exactStatistics(sql) ? exact : error('42601'),
    );
  const excused = await judgeAdhoc(
    scripted(() => f(null)),
    pg(f(null)),
    sql,
  );
  assert.equal(excused.verdict.kind, 'formChoice');
  // PostgreSQL's exact answer is not Eddy's: a divergence, whatever the float one says.
  const wrong = await judgeAdhoc(
    scripted(() => f('0.5')),
    pg(f('0.4999')),
    sql,
  );
  assert.ok(wrong.verdict.kind === 'divergence' && wrong.verdict.what === 'rows');
  // No float statistic in the query: nothing to ask.
  const plain = 'SELECT sum(x1.f1) FROM t1 AS x1';
  const other = await judgeAdhoc(
    scripted(() => f(null)),
    scripted(() => f('1')),
    plain,
  );
  assert.equal(other.verdict.kind, 'divergence');
});
