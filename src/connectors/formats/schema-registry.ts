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
