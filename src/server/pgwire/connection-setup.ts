/**
 * @module server/pgwire/connection-setup
 * A new socket up to an authenticated session. pg-gateway runs the startup handshake (SSLRequest
 * and TLS, StartupMessage, SCRAM-SHA-256); in front of it this module frames and checks every
 * byte first (startup packets of 8 to 10,000 bytes, version 3, well-formed parameters; only
 * password messages during authentication), answers GSSENCRequest and CancelRequest itself, and
 * feeds pg-gateway one whole message at a time, so that when authentication succeeds it can take
 * the socket back with nothing lost. Invariant: pg-gateway never sees bytes it could choke on.
 */
import type { Socket } from 'node:net';
import { createSecureContext, TLSSocket } from 'node:tls';
import { PostgresConnection, type PostgresConnectionOptions } from 'pg-gateway';
import { errorResponse, negotiateProtocolVersion } from './backend-messages.ts';
import { MessageWriter } from './message-writer.ts';
import { WireError, WireState } from './wire-error.ts';

type AuthOptions = NonNullable<PostgresConnectionOptions['auth']>;

export interface SetupOptions {
  readonly auth: AuthOptions;
  readonly tls: { readonly key: Buffer; readonly cert: Buffer } | undefined;
  /** CancelRequest for backend `pid` with its secret key. */
  onCancel(pid: number, secret: number): void;
  /** A FATAL error when no more sessions may start, else null. */
  admit(): WireError | null;
  /** Authentication succeeded: the socket (TLS if upgraded), the startup parameters, unread bytes. */
  onReady(socket: Socket, params: Record<string, string>, leftover: Buffer | null): void;
  /** One line for the server's log (a client that broke the protocol before authenticating). */
  log(line: string): void;
}

/** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
const startupBytesMax = 10_000;
const authBytesMax = 10_000;
/** Bytes a client may send ahead of the handshake (a legitimate one sends a message or two). */
const handshakeBytesMax = 64 * 1024;
const CANCEL_REQUEST = 80877102;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PASSWORD_MESSAGE = 112;

/**
 * Runs the handshake on `raw`; returns what ends it early: on a timeout the client is told
 * (FATAL 08P01, as PostgreSQL's authentication_timeout), an evicted one is simply cut.
 */
export function setupConnection(raw: Socket, options: SetupOptions): (reason: 'evicted' | 'timeout') => void {
  raw.setNoDelay(true);
  const handshake = new Handshake(raw, options);
  return (reason) => handshake.abort(reason);
}

/**
 * One web-streams pipe into pg-gateway. It pulls one message at a time; `demand` says it is
 * waiting for one, and `onDemand` fires when it starts to, so bytes are framed only when wanted.
 */
class GatewayPipe {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  demand = false;
  private waiting: ((m: Uint8Array | null) => void) | null = null;
  private ended = false;

  constructor(socket: () => Socket, onDemand: () => void) {
    this.readable = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          const next = this.ended
            ? null
            : await new Promise<Uint8Array | null>((resolve) => {
                this.waiting = resolve;
                this.demand = true;
                onDemand();
              });
          if (next === null) controller.close();
          else controller.enqueue(next);
        },
      },
      { highWaterMark: 0 },
    );
    this.writable = new WritableStream<Uint8Array>({
      write: (chunk) => {
        socket().write(chunk);
      },
      close: () => {
        socket().end();
      },
      abort: () => {
        socket().destroy();
      },
    });
  }

  /** Hands one whole message over, when asked for (copied: pg-gateway's reader assumes offset 0). */
  deliver(message: Buffer): void {
    const waiting = this.waiting;
    this.waiting = null;
    this.demand = false;
    waiting?.(new Uint8Array(message));
  }

  end(): void {
    this.ended = true;
    const waiting = this.waiting;
    this.waiting = null;
    this.demand = false;
    waiting?.(null);
  }
}

class Handshake {
  private socket: Socket;
  private readonly options: SetupOptions;
  private pipe: GatewayPipe;
  private buffered: Buffer = Buffer.alloc(0);
  /** Startup packets have no type byte; authentication messages do. */
  private started = false;
  private secured = false;
  private passwordMessages = 0;
  private done = false;
  private readonly onData = (chunk: Buffer) => this.receive(chunk);
  private readonly onClose = () => this.finish();

  constructor(socket: Socket, options: SetupOptions) {
    this.socket = socket;
    this.options = options;
    this.pipe = new GatewayPipe(
      () => this.socket,
      () => this.parse(),
    );
    this.listen(socket);
    const tls = options.tls;
    const gatewayOptions: PostgresConnectionOptions = {
      auth: options.auth,
      tls: tls ? { key: arrayBufferOf(tls.key), cert: arrayBufferOf(tls.cert) } : undefined,
      onAuthenticated: (state) => this.handOver(connection, state.clientParams ?? { user: '' }),
    };
    const connection: PostgresConnection = new PostgresConnection(this.pipe, gatewayOptions, {
      upgradeTls: () => this.upgradeTls(),
    });
  }

  abort(reason: 'evicted' | 'timeout'): void {
    if (reason === 'timeout') {
      this.fail(WireError.fatal(WireState.protocolViolation, 'canceling authentication due to timeout'));
      return;
    }
    this.finish();
    this.unlisten();
    this.socket.destroy();
  }

  private listen(socket: Socket): void {
    socket.on('data', this.onData);
    socket.on('close', this.onClose);
    socket.on('error', () => {});
  }

  private unlisten(): void {
    this.socket.off('data', this.onData);
    this.socket.off('close', this.onClose);
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (this.buffered.length > handshakeBytesMax) {
      this.fail(
        WireError.fatal(WireState.protocolViolation, 'too much data before authentication completed'),
      );
      return;
    }
    this.parse();
  }

  /** Frames and handles messages while pg-gateway wants one (it always does before startup). */
  private parse(): void {
    try {
      while (!this.done && this.pipe.demand) {
        const message = this.nextMessage();
        if (!message) break;
        this.handle(message);
      }
    } catch (e) {
      const error = e instanceof WireError ? e : WireError.fatal(WireState.protocolViolation, String(e));
      if (this.started)
        this.options.log(`closed a connection during authentication: ${error.fields.message}`);
      this.fail(error);
    }
  }

  /** The next whole message, its length checked as soon as the header is in. */
  private nextMessage(): Buffer | null {
    const b = this.buffered;
    const head = this.started ? 5 : 4;
    if (b.length < head) return null;
    const length = b.readInt32BE(head - 4);
    const total = length + head - 4;
    if (this.started) {
      if (b[0] !== PASSWORD_MESSAGE) {
        throw WireError.fatal(
          WireState.protocolViolation,
          `expected password response, got message type ${b[0]}`,
        );
      }
      if (length < 4 || length > authBytesMax)
        throw WireError.fatal(WireState.protocolViolation, 'invalid message length');
    } else if (length < 8 || length > startupBytesMax) {
      throw WireError.fatal(WireState.protocolViolation, 'invalid length of startup packet');
    }
    if (b.length < total) return null;
    this.buffered = b.subarray(total);
    return b.subarray(0, total);
  }

  private handle(message: Buffer): void {
    if (this.started) {
      if (this.passwordMessages++ === 0 && this.options.auth.method === 'scram-sha-256')
        checkSaslInitial(message);
      this.pipe.deliver(message);
      return;
    }
    const code = message.readInt32BE(4);
    if (code === CANCEL_REQUEST && message.length === 16) {
      this.options.onCancel(message.readInt32BE(8), message.readInt32BE(12));
      this.close();
    } else if ((code === SSL_REQUEST || code === GSSENC_REQUEST) && message.length === 8 && !this.secured) {
      if (code === SSL_REQUEST && this.options.tls) {
        // Stop reading: the TLS handshake's bytes must reach the TLS socket, not this listener.
        this.socket.pause();
        this.unlisten();
        this.pipe.deliver(message);
      } else this.socket.write('N');
    } else if (code >>> 16 === 3) {
      const admitted = this.options.admit();
      if (admitted) throw admitted;
      this.started = true;
      this.pipe.deliver(this.normalizeStartup(message));
    } else {
      throw WireError.fatal(
        WireState.featureNotSupported,
        `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0 to 3.0`,
      );
    }
  }

  /** Checks the parameter list; a 3.x request or `_pq_.` options get NegotiateProtocolVersion, and pg-gateway a plain 3.0 packet. */
  private normalizeStartup(message: Buffer): Buffer {
    if (message[message.length - 1] !== 0) {
      throw WireError.fatal(
        WireState.protocolViolation,
        'invalid startup packet layout: expected terminator as last byte',
      );
    }
    const parts = message.toString('utf8', 8, message.length - 1).split('\0');
    if (parts.length % 2 === 0 || parts[parts.length - 1] !== '') {
      throw WireError.fatal(
        WireState.protocolViolation,
        'invalid startup packet layout: a parameter has no value',
      );
    }
    const minor = message.readUInt16BE(6);
    const unrecognized: string[] = [];
    const kept: string[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) {
      if (parts[i]!.startsWith('_pq_.')) unrecognized.push(parts[i]!);
      else kept.push(parts[i]!, parts[i + 1]!);
    }
    if (minor === 0 && unrecognized.length === 0) return message;
    const w = new MessageWriter();
    negotiateProtocolVersion(w, 0, unrecognized);
    this.socket.write(w.take());
    const body = Buffer.from(`${kept.map((s) => `${s}\0`).join('')}\0`, 'utf8');
    const packet = Buffer.alloc(8 + body.length);
    packet.writeInt32BE(packet.length, 0);
    packet.writeInt32BE(196608, 4);
    body.copy(packet, 8);
    return packet;
  }

  private async upgradeTls(): Promise<{ duplex: GatewayPipe; tlsInfo: { serverName?: string } }> {
    const tls = this.options.tls!;
    const secure = new TLSSocket(this.socket, {
      isServer: true,
      secureContext: createSecureContext({ key: tls.key, cert: tls.cert }),
    });
    await new Promise<void>((resolve, reject) => {
      const failed = () => {
        secure.off('secure', ok);
        // pg-gateway stays quiet about errors coded ABORT_ERR (a client that went away).
        reject(Object.assign(new Error('TLS handshake failed'), { code: 'ABORT_ERR' }));
      };
      const ok = () => {
        secure.off('error', failed);
        secure.off('close', failed);
        resolve();
      };
      secure.once('secure', ok);
      secure.once('error', failed);
      secure.once('close', failed);
    });
    secure.on('error', () => {});
    this.pipe.end();
    this.socket = secure;
    this.secured = true;
    this.buffered = Buffer.alloc(0);
    this.pipe = new GatewayPipe(
      () => this.socket,
      () => this.parse(),
    );
    this.listen(secure);
    const servername = (secure as TLSSocket & { servername?: string | false }).servername;
    return { duplex: this.pipe, tlsInfo: { serverName: servername || undefined } };
  }

  private handOver(connection: PostgresConnection, params: Record<string, string>): void {
    void connection.detach();
    this.done = true;
    this.unlisten();
    const leftover = this.buffered;
    this.options.onReady(this.socket, params, leftover.length > 0 ? leftover : null);
  }

  private fail(error: WireError): void {
    if (this.done) return;
    const w = new MessageWriter();
    errorResponse(w, error.fields);
    this.socket.write(w.take());
    this.close();
  }

  private close(): void {
    this.done = true;
    this.unlisten();
    this.pipe.end();
    this.socket.end();
    setTimeout(() => this.socket.destroy(), 1000).unref();
  }

  private finish(): void {
    this.done = true;
    this.pipe.end();
  }
}

/**
 * SASLInitialResponse: mechanism name, then an int32 length and that many bytes. The protocol
 * allows -1 (no initial response), but SCRAM always starts with the client-first-message, and
 * pg-gateway cannot read a missing one.
 */
function checkSaslInitial(message: Buffer): void {
  const end = message.indexOf(0, 5);
  const length = end >= 0 && end + 5 <= message.length ? message.readInt32BE(end + 1) : Number.NaN;
  if (!(length >= 0 && end + 5 + length === message.length)) {
    throw WireError.fatal(WireState.protocolViolation, 'malformed SASLInitialResponse message');
  }
}

function arrayBufferOf(b: Buffer): ArrayBuffer {
  const copy = new ArrayBuffer(b.length);
  new Uint8Array(copy).set(b);
  return copy;
}
