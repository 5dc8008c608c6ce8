/**
 * @module server/pgwire
 * The PostgreSQL wire protocol server (protocol 3.0): `startPgServer` serves one Database to
 * psql, drivers and BI tools, one Session per connection.
 */
export { type PgServer, type PgServerOptions, startPgServer } from './pg-server.ts';
