/**
 * @module connectors/formats/schema-registry
 * A client of a Confluent-compatible schema registry (Confluent, Apicurio's ccompat API,
 * Karapace): schemas by id (`GET /schemas/ids/{id}`), each fetched once and kept for the
 * client's life (an id's schema never changes). An id the registry does not know (404) is kept
 * as unknown too, so a stream of such records costs one request; a registry that cannot be
 * reached is an error for the caller to retry, never a verdict on the record.
 */
import { ConnectorError } from '../../common/errors.ts';

export interface RegisteredSchema {
  /** `AVRO` (the registry's default), `PROTOBUF` or `JSON`. */
  readonly schemaType: string;
  /** The schema's text: Avro JSON, or `.proto` source. */
  readonly schema: string;
}

const requestTimeoutMs = 10_000;

export class SchemaRegistryClient {
  private readonly baseUrl: string;
  private readonly byId = new Map<number, RegisteredSchema | null>();

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /**
   * Registers `schema` under `subject` (`POST /subjects/{subject}/versions`), as a producer's
   * serializer does; answers its id (the registry gives a schema it already has its old id).
   */
  async register(subject: string, schema: string, schemaType = 'AVRO'): Promise<number> {
    const where = `POST /subjects/${subject}/versions`;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/subjects/${encodeURIComponent(subject)}/versions`, {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
        body: JSON.stringify(schemaType === 'AVRO' ? { schema } : { schema, schemaType }),
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (err) {
      throw new ConnectorError(
        `schema registry ${this.baseUrl}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as { id?: unknown; message?: unknown };
    if (!response.ok || typeof body.id !== 'number')
      throw new ConnectorError(
        `schema registry ${this.baseUrl}: ${where} answered ${response.status}${typeof body.message === 'string' ? `: ${body.message}` : ''}`,
      );
    return body.id;
  }

  /** The schema with `id`, or null when the registry has none; throws 08000 when unreachable. */
  async schema(id: number): Promise<RegisteredSchema | null> {
    if (this.byId.has(id)) return this.byId.get(id)!;
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}/schemas/ids/${id}`, {
        headers: { accept: 'application/vnd.schemaregistry.v1+json, application/json' },
        signal: AbortSignal.timeout(requestTimeoutMs),
      });
    } catch (err) {
      throw new ConnectorError(
        `schema registry ${this.baseUrl}: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    if (response.status === 404) {
      await response.body?.cancel();
      this.byId.set(id, null);
      return null;
    }
    if (!response.ok) {
      await response.body?.cancel();
      throw new ConnectorError(
        `schema registry ${this.baseUrl}: GET /schemas/ids/${id} answered ${response.status}`,
      );
    }
    const body = (await response.json()) as { schema?: unknown; schemaType?: unknown };
    if (typeof body.schema !== 'string')
      throw new ConnectorError(`schema registry ${this.baseUrl}: schema ${id} has no "schema" text`);
    const found = {
      schemaType: typeof body.schemaType === 'string' ? body.schemaType : 'AVRO',
      schema: body.schema,
    };
    this.byId.set(id, found);
    return found;
  }
}
