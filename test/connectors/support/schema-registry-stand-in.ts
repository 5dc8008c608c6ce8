/**
 * @module test/connectors/support/schema-registry-stand-in
 * A STAND-IN for a Confluent-compatible schema registry, for tests only: no registry that starts
 * from the reachable package registries runs here (docs/connectors.md). It serves the two calls
 * Eddy and the tests need, with Confluent's shapes: `POST /subjects/{subject}/versions` with
 * `{"schema": "…", "schemaType"?: "…"}` answers `{"id": n}` (the same schema text under the
 * same subject gets the same id), and `GET /schemas/ids/{id}` answers `{"schema": "…"}`
 * (plus `schemaType` when it is not Avro) or 404 with error code 40403. It counts the GETs, so a
 * test can check that Eddy caches schemas. Nothing else of a registry (compatibility checks,
 * versions, deletes) is here.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';

export class SchemaRegistryStandIn {
  readonly url: string;
  /** `GET /schemas/ids/{id}` requests served, by id. */
  readonly fetches = new Map<number, number>();
  private readonly server: Server;
  private readonly schemas: { schema: string; schemaType: string; subject: string }[] = [];

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(): Promise<SchemaRegistryStandIn> {
    let standIn: SchemaRegistryStandIn | undefined;
    const server = createServer((req, res) => {
      standIn!.handle(req).then(
        ({ status, body }) => {
          res.writeHead(status, { 'content-type': 'application/vnd.schemaregistry.v1+json' });
          res.end(JSON.stringify(body));
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error_code: 50001, message: String(err) }));
        },
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('the stand-in has no port');
    standIn = new SchemaRegistryStandIn(server, `http://127.0.0.1:${address.port}`);
    return standIn;
  }

  /** Registers `schema` under `subject` as a producer's serializer would; answers its id. */
  async register(subject: string, schema: unknown, schemaType = 'AVRO'): Promise<number> {
    const response = await fetch(`${this.url}/subjects/${encodeURIComponent(subject)}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({
        schema: typeof schema === 'string' ? schema : JSON.stringify(schema),
        schemaType,
      }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await response.json()) as { id: number };
    return body.id;
  }

  close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections(); // Eddy's fetch keeps its connection alive
    return closed;
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const path = new URL(req.url ?? '/', this.url).pathname;
    const post = /^\/subjects\/([^/]+)\/versions$/.exec(path);
    if (req.method === 'POST' && post) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const { schema, schemaType = 'AVRO' } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        schema: string;
        schemaType?: string;
      };
      const subject = decodeURIComponent(post[1]!);
      const known = this.schemas.findIndex((s) => s.schema === schema && s.subject === subject);
      if (known >= 0) return { status: 200, body: { id: known + 1 } };
      this.schemas.push({ schema, schemaType, subject });
      return { status: 200, body: { id: this.schemas.length } };
    }
    const get = /^\/schemas\/ids\/(\d+)$/.exec(path);
    if (req.method === 'GET' && get) {
      const id = Number(get[1]);
      this.fetches.set(id, (this.fetches.get(id) ?? 0) + 1);
      const found = this.schemas[id - 1];
      if (found === undefined)
        return { status: 404, body: { error_code: 40403, message: 'Schema not found' } };
      return {
        status: 200,
        body:
          found.schemaType === 'AVRO'
            ? { schema: found.schema }
            : { schema: found.schema, schemaType: found.schemaType },
      };
    }
    return { status: 404, body: { error_code: 404, message: 'HTTP 404 Not Found' } };
  }
}

/** A value in Confluent's wire format: magic byte 0, the schema id (4 bytes, big-endian), the body. */
export function confluentFramed(schemaId: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
}
