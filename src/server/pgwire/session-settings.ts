/**
 * @module server/pgwire/session-settings
 * Session variables at the wire: the settings a client sends in its startup packet (including
 * `options=-c name=value`) are applied through the session's own SET, and the settings
 * PostgreSQL reports (GUC_REPORT) are sent as ParameterStatus at startup and whenever a SET
 * changes one. The session stays the single owner of every value.
 */
import type { Session } from '../../runtime/session.ts';
import { parameterStatus } from './backend-messages.ts';
import type { MessageWriter } from './message-writer.ts';
import { quoteIdent, quoteLiteral } from './sql-text.ts';
import { WireError, WireState } from './wire-error.ts';

/** Reported settings: the ParameterStatus name and the name SHOW knows it by. */
const reportedSettings: readonly (readonly [string, string])[] = [
  ['client_encoding', 'client_encoding'],
  ['DateStyle', 'datestyle'],
  ['IntervalStyle', 'intervalstyle'],
  ['TimeZone', 'timezone'],
  ['application_name', 'application_name'],
  ['standard_conforming_strings', 'standard_conforming_strings'],
];

/** Reported once at startup; no SET changes them. */
const fixedSettings: readonly (readonly [string, string])[] = [
  ['server_version', '15.0'],
  ['server_encoding', 'UTF8'],
  ['integer_datetimes', 'on'],
  ['is_superuser', 'off'],
  ['default_transaction_read_only', 'off'],
  ['in_hot_standby', 'off'],
];

/** Startup packet keys that are not settings. */
const notSettings = new Set(['user', 'database', 'options', 'replication']);

/** Applies the startup packet's settings; a bad one is FATAL, as in PostgreSQL. */
export function applyStartupSettings(session: Session, params: Readonly<Record<string, string>>): void {
  if (params.replication !== undefined && params.replication !== 'false' && params.replication !== 'off') {
    throw WireError.fatal(WireState.featureNotSupported, 'replication connections are not supported');
  }
  const settings: [string, string][] = [];
  for (const [key, value] of Object.entries(params)) {
    if (!notSettings.has(key) && !key.startsWith('_pq_.')) settings.push([key, value]);
  }
  if (params.options) settings.push(...parseOptions(params.options));
  for (const [name, value] of settings) {
    // Every client says UTF8 or lets the server choose; Eddy always speaks UTF-8.
    if (name.toLowerCase() === 'client_encoding') continue;
    try {
      session.execute(`SET ${quoteIdent(name.toLowerCase())} = ${quoteLiteral(value)}`);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      // SET's own message may already name the parameter and value (TimeZone does).
      throw WireError.fatal(
        WireState.invalidParameterValue,
        message.startsWith('invalid value for parameter')
          ? message
          : `invalid value for parameter "${name}": ${message}`,
      );
    }
  }
}

/** `-c name=value` and `--name=value` items of the startup `options`, spaces escaped by backslash. */
function parseOptions(options: string): [string, string][] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < options.length; i++) {
    const c = options[i]!;
    if (c === '\\' && i + 1 < options.length) word += options[++i];
    else if (c === ' ' || c === '\t') {
      if (word) words.push(word);
      word = '';
    } else word += c;
  }
  if (word) words.push(word);
  const out: [string, string][] = [];
  for (let i = 0; i < words.length; i++) {
    let item = words[i]!;
    if (item === '-c' && i + 1 < words.length) item = words[++i]!;
    else if (item.startsWith('--')) item = item.slice(2);
    else if (item.startsWith('-c')) item = item.slice(2);
    else
      throw WireError.fatal(
        WireState.protocolViolation,
        `invalid command-line argument for server process: ${item}`,
      );
    const eq = item.indexOf('=');
    if (eq <= 0) throw WireError.fatal(WireState.protocolViolation, `-c ${item} requires a value`);
    out.push([item.slice(0, eq).replaceAll('-', '_'), item.slice(eq + 1)]);
  }
  return out;
}

/** The current value of every reported setting, by its ParameterStatus name. */
export function currentReported(session: Session): Map<string, string> {
  const values = new Map<string, string>();
  for (const [reported, show] of reportedSettings) {
    try {
      const rows = session.execute(`SHOW ${show}`)[0]?.rows;
      const v = rows?.[0]?.[0];
      values.set(reported, typeof v === 'string' ? v : '');
    } catch {
      values.set(reported, '');
    }
  }
  values.set('client_encoding', 'UTF8');
  return values;
}

/** ParameterStatus for every setting at startup. */
export function reportAll(w: MessageWriter, values: ReadonlyMap<string, string>, user: string): void {
  for (const [name, value] of fixedSettings) parameterStatus(w, name, value);
  parameterStatus(w, 'session_authorization', user);
  for (const [name, value] of values) parameterStatus(w, name, value);
}

/** ParameterStatus for the settings that changed since `reported`, which is updated. */
export function reportChanges(w: MessageWriter, session: Session, reported: Map<string, string>): void {
  for (const [name, value] of currentReported(session)) {
    if (reported.get(name) === value) continue;
    reported.set(name, value);
    parameterStatus(w, name, value);
  }
}
