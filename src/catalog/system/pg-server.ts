/**
 * @module catalog/system/pg-server
 * The server-wide catalogs: pg_database (one database, eddy), the one role (eddy, a superuser)
 * in pg_roles / pg_user / pg_authid / pg_shadow, pg_tablespace, and pg_settings with the values
 * a fresh session starts with. Passwords never appear (PostgreSQL masks them too).
 */
import { SERVER_VERSION } from '../../functions/catalog-system.ts';
import { DATABASE_NAME, DATABASE_OID, ROLE_NAME, ROLE_OID } from './oids.ts';
import type { SystemRow } from './system-row.ts';

export function pgDatabaseRows(): SystemRow[] {
  return [
    {
      oid: DATABASE_OID,
      datname: DATABASE_NAME,
      datdba: ROLE_OID,
      encoding: 6,
      datlocprovider: 'c',
      datistemplate: false,
      datallowconn: true,
      datconnlimit: -1,
      datfrozenxid: 0,
      datminmxid: 1,
      dattablespace: 1663,
      datcollate: 'C.UTF-8',
      datctype: 'C.UTF-8',
    },
  ];
}

const roleFlags = {
  rolsuper: true,
  rolinherit: true,
  rolcreaterole: true,
  rolcreatedb: true,
  rolcanlogin: true,
  rolreplication: true,
  rolbypassrls: true,
  rolconnlimit: -1,
};

export function pgRolesRows(): SystemRow[] {
  return [{ oid: ROLE_OID, rolname: ROLE_NAME, ...roleFlags, rolpassword: '********' }];
}

export function pgAuthidRows(): SystemRow[] {
  return [{ oid: ROLE_OID, rolname: ROLE_NAME, ...roleFlags }];
}

export function pgUserRows(): SystemRow[] {
  return [
    {
      usename: ROLE_NAME,
      usesysid: ROLE_OID,
      usecreatedb: true,
      usesuper: true,
      userepl: true,
      usebypassrls: true,
      passwd: '********',
    },
  ];
}

export function pgTablespaceRows(): SystemRow[] {
  return [
    { oid: 1663, spcname: 'pg_default', spcowner: ROLE_OID },
    { oid: 1664, spcname: 'pg_global', spcowner: ROLE_OID },
  ];
}

/** PostgreSQL's server_version_num: major * 10000 + minor. */
function versionNumber(version: string): number {
  const [major, minor] = version.split('.').map(Number);
  return (major ?? 0) * 10_000 + (minor ?? 0);
}

/** name|setting|unit|vartype|context|category|short description. */
const settingsTable = `
application_name|||string|user|Reporting and Logging|Name of the client application.
block_size|8192||integer|internal|Preset Options|Size of a disk block (reported for compatibility).
bytea_output|hex||enum|user|Client Connection Defaults|Output format of bytea values.
client_encoding|UTF8||string|user|Client Connection Defaults|Character set encoding of the client.
client_min_messages|notice||enum|user|Client Connection Defaults|Lowest message level sent to the client.
DateStyle|ISO, MDY||string|user|Client Connection Defaults|Display format of date and time values.
default_transaction_isolation|repeatable read||enum|user|Client Connection Defaults|Isolation level of new transactions.
default_transaction_read_only|off||bool|user|Client Connection Defaults|Whether new transactions are read-only.
extra_float_digits|1||integer|user|Client Connection Defaults|Extra digits shown for floating-point values.
idle_in_transaction_session_timeout|0|ms|integer|user|Client Connection Defaults|Longest idle time inside a transaction.
integer_datetimes|on||bool|internal|Preset Options|Date and time values are integer based.
IntervalStyle|postgres||enum|user|Client Connection Defaults|Display format of interval values.
is_superuser|on||bool|internal|Preset Options|Whether the session's role is a superuser.
lc_collate|C.UTF-8||string|internal|Preset Options|Collation order locale.
lc_ctype|C.UTF-8||string|internal|Preset Options|Character classification locale.
lc_messages|C.UTF-8||string|superuser|Client Connection Defaults|Language of messages.
lc_monetary|C.UTF-8||string|user|Client Connection Defaults|Locale of monetary amounts.
lc_numeric|C.UTF-8||string|user|Client Connection Defaults|Locale of numbers.
lc_time|C.UTF-8||string|user|Client Connection Defaults|Locale of date and time values.
lock_timeout|0|ms|integer|user|Client Connection Defaults|Longest wait for a lock.
max_connections|1000||integer|postmaster|Connections and Authentication|Most concurrent connections.
max_identifier_length|63||integer|internal|Preset Options|Longest identifier.
max_index_keys|32||integer|internal|Preset Options|Most columns in an index key.
search_path|public||string|user|Client Connection Defaults|Schemas searched for unqualified names.
server_encoding|UTF8||string|internal|Preset Options|Character set encoding of the server.
server_version|${SERVER_VERSION}||string|internal|Preset Options|PostgreSQL version Eddy speaks.
server_version_num|${versionNumber(SERVER_VERSION)}||integer|internal|Preset Options|PostgreSQL version Eddy speaks, as a number.
session_authorization|${ROLE_NAME}||string|user|Preset Options|Role of the session.
standard_conforming_strings|on||bool|user|Version and Platform Compatibility|Backslashes are literal in ordinary strings.
statement_timeout|0|ms|integer|user|Client Connection Defaults|Longest duration of a statement.
TimeZone|UTC||string|user|Client Connection Defaults|Time zone of displayed and interpreted time stamps.
transaction_isolation|repeatable read||enum|user|Client Connection Defaults|Isolation level of the current transaction.
transaction_read_only|off||bool|user|Client Connection Defaults|Whether the current transaction is read-only.
`;

export interface Setting {
  readonly name: string;
  readonly setting: string;
  readonly unit: string | null;
  readonly vartype: string;
  readonly context: string;
  readonly category: string;
  readonly description: string;
}

export const settings: readonly Setting[] = settingsTable
  .trim()
  .split('\n')
  .map((line) => {
    const [name, setting, unit, vartype, context, category, description] = line.split('|') as [
      string,
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    return { name, setting, unit: unit || null, vartype, context, category, description };
  });

const settingByName = new Map(settings.map((s) => [s.name.toLowerCase(), s]));

/** A setting's value in a fresh session, by case-insensitive name. */
export function defaultSetting(name: string): string | null {
  return settingByName.get(name.toLowerCase())?.setting ?? null;
}

export function pgSettingsRows(): SystemRow[] {
  return settings.map((s) => ({
    name: s.name,
    setting: s.setting,
    unit: s.unit,
    category: s.category,
    short_desc: s.description,
    context: s.context,
    vartype: s.vartype,
    source: 'default',
    boot_val: s.setting,
    reset_val: s.setting,
    pending_restart: false,
  }));
}
