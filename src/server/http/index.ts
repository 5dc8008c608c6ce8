/**
 * @module server/http
 * Eddy's HTTP API: SQL over HTTP, ingest, view reads, SSE / WebSocket subscriptions, metrics.
 * Documented in docs/openapi.yaml.
 */
export type { HttpUser } from './http-access.ts';
export { type HttpServer, type HttpServerOptions, startHttpServer } from './http-server.ts';
