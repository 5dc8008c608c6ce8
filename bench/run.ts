/**
 * @module bench/run
 * `npm run bench -- <suite> [options]`: the one entry point of Eddy's benchmarks. With `--record`, each suite
 * writes bench/results/<suite>-latest.json and its own section of BENCHMARKS.md.
 */

import { BUDGET_USAGE, parseBudgetArgs, runBudgetSuite } from './budget/budget-suite.ts';
import { KAFKA_USAGE, parseKafkaArgs, runKafkaSuite } from './connectors/kafka-suite.ts';
import { NATS_USAGE, parseNatsArgs, runNatsSuite } from './connectors/nats-suite.ts';
import { CONSOLE_USAGE, parseConsoleArgs, runConsoleSuite } from './console/console-suite.ts';
import { CHECKPOINT_USAGE, parseCheckpointArgs, runCheckpointSuite } from './durability/checkpoint-suite.ts';
import { DURABILITY_USAGE, parseDurabilityArgs, runDurabilitySuite } from './durability/durability-suite.ts';
import {
  USAGE as ENGINE_USAGE,
  parseEngineArgs,
  runEngineSuite,
  runFailures,
} from './engine/engine-suite.ts';
import { INSERT_USAGE, parseInsertArgs, runInsertSuite } from './insert/insert-suite.ts';
import { NEXMARK_USAGE, parseNexmarkArgs, runNexmarkSuite } from './nexmark/nexmark-suite.ts';
import { PG_USAGE, parsePgArgs, runPgSuite } from './pg/pg-suite.ts';
import { parseRegexArgs, REGEX_USAGE, runRegexSuite } from './regex/regex-suite.ts';
import { parseServeArgs, runServeSuite, SERVE_USAGE } from './serve/serve-suite.ts';
import { parseTpchArgs, runTpchSuite, TPCH_USAGE } from './tpch/tpch-suite.ts';

const SUITES = [
  'engine',
  'serve',
  'insert',
  'console',
  'durability',
  'checkpoints',
  'regex',
  'budget',
  'nats',
  'kafka',
  'pg',
  'nexmark',
  'tpch',
];

async function main(argv: readonly string[]): Promise<number> {
  const [suite, ...args] = argv;
  if (suite === 'engine') {
    const results = await runEngineSuite(parseEngineArgs(args), `npm run bench -- ${argv.join(' ')}`);
    return runFailures(results, process.env.CI === 'true').length > 0 ? 1 : 0;
  }
  if (suite === 'serve') {
    const { settings, write } = parseServeArgs(args);
    const run = await runServeSuite(settings, `npm run bench -- ${argv.join(' ')}`, write);
    // A system whose view did not catch every row it was written fails the run, whatever its speed.
    const wrongView = run.systems.some((s) => s.check === null || !s.check.ok);
    return run.phases.some((p) => p.status !== 'ok') || wrongView ? 1 : 0;
  }
  if (suite === 'console') {
    await runConsoleSuite(parseConsoleArgs(args), `npm run bench -- ${argv.join(' ')}`);
    return 0;
  }
  if (suite === 'durability') {
    await runDurabilitySuite(parseDurabilityArgs(args));
    return 0;
  }
  if (suite === 'checkpoints') {
    await runCheckpointSuite(parseCheckpointArgs(args));
    return 0;
  }
  if (suite === 'insert') {
    await runInsertSuite(parseInsertArgs(args));
    return 0;
  }
  if (suite === 'budget') {
    runBudgetSuite(parseBudgetArgs(args), `npm run bench -- ${argv.join(' ')}`);
    return 0;
  }
  if (suite === 'nats') {
    await runNatsSuite(parseNatsArgs(args));
    return 0;
  }
  if (suite === 'kafka') {
    await runKafkaSuite(parseKafkaArgs(args), `npm run bench -- ${argv.join(' ')}`);
    return 0;
  }
  if (suite === 'pg') {
    await runPgSuite(parsePgArgs(args), `npm run bench -- ${argv.join(' ')}`);
    return 0;
  }
  if (suite === 'nexmark') {
    const results = await runNexmarkSuite(parseNexmarkArgs(args), `npm run bench -- ${argv.join(' ')}`);
    return results.some((r) => r.status !== 'ok') ? 1 : 0;
  }
  if (suite === 'tpch') {
    await runTpchSuite(parseTpchArgs(args), `npm run bench -- ${argv.join(' ')}`);
    return 0;
  }
  if (suite === 'regex') {
    runRegexSuite(parseRegexArgs(args));
    return 0;
  }
  console.error(
    `usage: npm run bench -- <suite> [options]; suites: ${SUITES.join(', ')}\n\n${ENGINE_USAGE}\n\n${SERVE_USAGE}\n\n${INSERT_USAGE}\n\n${CONSOLE_USAGE}\n\n${DURABILITY_USAGE}\n\n${CHECKPOINT_USAGE}\n\n${REGEX_USAGE}\n\n${BUDGET_USAGE}\n\n${NATS_USAGE}\n\n${KAFKA_USAGE}\n\n${PG_USAGE}\n\n${NEXMARK_USAGE}\n\n${TPCH_USAGE}`,
  );
  return 2;
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
}
