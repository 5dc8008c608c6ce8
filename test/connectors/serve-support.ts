/**
 * @module test/connectors/serve-support
 * The connector suites' crash-test helpers: `eddy serve --data-dir` as a child process, clients
 * and polling, shared with the storage tests (test/support/serve-process).
 */
export {
  client,
  eventually,
  exited,
  kill,
  one,
  type ServeProcess as Served,
  startServe,
} from '../support/serve-process.ts';
