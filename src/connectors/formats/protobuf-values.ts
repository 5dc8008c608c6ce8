/**
 * @module connectors/formats/protobuf-values
 * Protocol Buffers values → plain JavaScript objects, by one message type from a `.proto` file
 * read when the source starts (protobufjs parses it at run time: no generated code). Field names
 * are as the `.proto` file spells them; absent scalar fields take their Protobuf defaults;
 * 64-bit integers come out as decimal strings (read exactly by int8 and numeric columns), bytes
 * as Buffers, enums as their names. A value that does not decode is 22P03.
 */
import protobuf from 'protobufjs';
import { DataError, SqlState } from '../../common/errors.ts';
import { invalid } from '../options.ts';

export class ProtobufDecoder {
  private readonly type: protobuf.Type;

  private constructor(type: protobuf.Type) {
    this.type = type;
  }

  /** Reads `file` and finds `message` in it (22023 naming what is missing). */
  static load(file: string, message: string): ProtobufDecoder {
    let root: protobuf.Root;
    try {
      root = new protobuf.Root().loadSync(file.replace(/^file:\/\//, ''), { keepCase: true });
    } catch (err) {
      throw invalid(
        `cannot read the .proto file "${file}": ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    let type: protobuf.Type;
    try {
      type = root.lookupType(message);
    } catch {
      throw invalid(`message type "${message}" is not in "${file}"`);
    }
    return new ProtobufDecoder(type);
  }

  decode(value: Buffer): Record<string, unknown> {
    let decoded: protobuf.Message;
    try {
      decoded = this.type.decode(value);
    } catch (err) {
      throw new DataError(
        SqlState.invalidBinaryRepresentation,
        `the record is not a valid ${this.type.fullName.replace(/^\./, '')} message: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return this.type.toObject(decoded, { longs: String, enums: String, defaults: true });
  }
}
