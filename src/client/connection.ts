import net from 'node:net';
import { UmdError } from '../core/errors.js';
import type { LogEntry } from '../core/log.js';
import { encodeFrame, FrameDecoder, MAX_FRAME_BYTES } from '../protocol/framing.js';
import type { OpName, Ops, ResponseFrame } from '../protocol/messages.js';
import { ReplyDeadlines } from './reply-deadlines.js';

interface Pending {
  op: OpName;
  resolve: (result: unknown) => void;
  reject: (error: UmdError) => void;
  onEvent?: (entry: LogEntry) => void;
}

export interface RequestOptions {
  /** How long to wait for the reply; 0 waits forever (for `log --follow`). */
  timeoutMs?: number;
  /** Log events pushed for this request. */
  onEvent?: (entry: LogEntry) => void;
}

/** The longest a Node timer can wait (2^31-1 ms); longer ones fire at once, with a warning. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** How long a client waits for any reply unless told otherwise (the CLI: `UMD_CLIENT_TIMEOUT_MS`). */
export const DEFAULT_REPLY_TIMEOUT_MS = 60_000;

export interface ConnectOptions {
  /** How long a request waits for its reply unless it says otherwise, in ms. */
  replyTimeoutMs?: number;
}

/**
 * One persistent connection to the daemon. Requests may overlap; replies
 * are matched by id. If the connection drops, every waiting request is
 * rejected with one EIO error.
 */
export class DaemonConnection {
  readonly socketPath: string;
  readonly #socket: net.Socket;
  readonly #pending = new Map<number, Pending>();
  readonly #deadlines = new ReplyDeadlines();
  #nextId = 1;
  /** The pid of the daemon this client launched before connecting, if it launched one (it may have lost a race to another). */
  launchedPid: number | null = null;
  #closedError: UmdError | null = null;
  readonly replyTimeoutMs: number;

  private constructor(socketPath: string, socket: net.Socket, options: ConnectOptions) {
    this.socketPath = socketPath;
    this.replyTimeoutMs = options.replyTimeoutMs ?? DEFAULT_REPLY_TIMEOUT_MS;
    this.#socket = socket;
    const decoder = new FrameDecoder(Number.MAX_SAFE_INTEGER);
    socket.on('data', (chunk: Buffer) => {
      for (const text of decoder.push(chunk)) this.#onFrame(text);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => this.#failAll(new UmdError('EIO', `the umd daemon closed the connection on ${socketPath}`, {
      suggestions: ['See `umd log`, or the log file in the runtime directory'],
    })));
  }

  /** Connects; rejects with the system's errno (ENOENT, ECONNREFUSED, ...) so the caller can decide. */
  static async connect(socketPath: string, options: ConnectOptions = {}): Promise<DaemonConnection> {
    const socket = net.createConnection({ path: socketPath });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    socket.removeAllListeners('error');
    return new DaemonConnection(socketPath, socket, options);
  }

  async request<K extends OpName>(op: K, params: Ops[K]['params'], options: RequestOptions = {}): Promise<Ops[K]['result']> {
    if (this.#closedError) throw this.#closedError;
    const id = this.#nextId++;
    const timeoutMs = Math.min(options.timeoutMs ?? this.replyTimeoutMs, MAX_TIMER_MS);
    const frame = encodeFrame({ id, op, params });
    if (Buffer.byteLength(frame) > MAX_FRAME_BYTES) {
      throw new UmdError('EMSGSIZE', `the "${op}" request is ${Buffer.byteLength(frame)} bytes, over the control socket's limit of ${MAX_FRAME_BYTES} bytes`, {
        suggestions: ['Send less input at once'],
      });
    }
    return new Promise((resolve, reject) => {
      if (timeoutMs > 0) {
        this.#deadlines.add(id, timeoutMs, () => {
          this.#pending.delete(id);
          reject(new UmdError('ETIMEDOUT', `the umd daemon did not answer "${op}" within ${timeoutMs} ms on ${this.socketPath}`, {
            suggestions: ['Check it with `umd daemon status`; restart it with `umd daemon stop`'],
          }));
        });
      }
      this.#pending.set(id, {
        op,
        resolve: resolve as (result: unknown) => void,
        reject,
        ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      });
      this.#socket.write(frame);
    });
  }

  #onFrame(text: string): void {
    let frame: ResponseFrame;
    try {
      frame = JSON.parse(text) as ResponseFrame;
    } catch {
      return;
    }
    if (frame.id === 0 && 'ok' in frame && !frame.ok) {
      // An error about the connection itself (a frame it could not take): every waiting request failed.
      this.#failAll(UmdError.fromJSON(frame.error, 'the umd daemon refused a request: '));
      return;
    }
    const pending = this.#pending.get(frame.id);
    if (!pending) return;
    if ('event' in frame) {
      pending.onEvent?.(frame.event);
      return;
    }
    if (pending.onEvent && frame.ok) {
      // A following request stays open for events; deliver the backlog now.
      pending.resolve(frame.result);
      return;
    }
    this.#pending.delete(frame.id);
    this.#deadlines.settle(frame.id);
    if (frame.ok) pending.resolve(frame.result);
    else {
      pending.reject(UmdError.fromJSON(frame.error));
    }
  }

  #failAll(error: UmdError): void {
    this.#closedError = error;
    this.#deadlines.clear();
    for (const pending of this.#pending.values()) pending.reject(error);
    this.#pending.clear();
  }

  /** Resolves when the daemon closes the connection. */
  async closed(): Promise<void> {
    if (this.#closedError) return;
    await new Promise((resolve) => this.#socket.once('close', resolve));
  }

  close(): void {
    this.#socket.end();
    this.#socket.destroy();
  }
}
