import { writeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Writable } from 'node:stream';
import { UmdError } from './errors.js';

interface PendingRead {
  target: Buffer;
  filled: number;
  resolve: (buf: Buffer) => void;
  reject: (error: UmdError) => void;
}

/** Where a read goes while no reply is awaited (and the first bytes of each reply): small, so a reply is one copy of it at most. */
const SPARE_SIZE = 64;

/**
 * Reads exact byte counts from the daemon's end of a handler's reply pipe,
 * whose chunks fall anywhere: one reply may arrive in many reads. libuv
 * reads straight into the reply buffer (net.Socket's `onread`): no 64 KiB
 * chunk per read, no copy. It asks for the next read's buffer only after a
 * read, so the first bytes of a reply land in a small spare and are copied
 * over; the rest of the reply goes where it belongs. Bytes that arrive when
 * nobody asked for them (no read waiting, or past the reply) are never
 * kept: they are counted as `unexpected` and reported to `onUnexpected` at
 * once, so a handler cannot make umd hold more than the one reply it asked for.
 */
export class ExactReader {
  readonly #socket: Socket;
  readonly #label: () => string;
  readonly #onUnexpected: (bytes: number) => void;
  readonly #spare = Buffer.allocUnsafe(SPARE_SIZE);
  #pending: PendingRead | null = null;
  #ended: string | null = null;
  #unexpected = 0;

  /** `fd` is the read end of the pipe, now owned by the reader; `label` names the other end in errors (a function: it may be known only later). */
  constructor(fd: number, label: string | (() => string), onUnexpected: (bytes: number) => void = () => undefined) {
    this.#label = typeof label === 'string' ? () => label : label;
    this.#onUnexpected = onUnexpected;
    const options = {
      fd,
      readable: true,
      writable: false,
      onread: { buffer: () => this.#nextBuffer(), callback: (bytes: number, into: Buffer) => this.#onRead(bytes, into) },
    };
    this.#socket = new Socket(options);
    this.#socket.on('end', () => this.#onEnd('closed its end of the pipe'));
    this.#socket.on('error', (error: Error) => this.#onEnd(`pipe error: ${error.message}`));
  }

  /** True once the other end closed the pipe (or it failed): a handler doing that is ending. */
  get endedByPeer(): boolean {
    return this.#ended !== null && this.#ended !== 'was closed by umd';
  }

  /** Bytes that arrived while no read was waiting for them (all dropped). */
  get unexpected(): number {
    return this.#unexpected;
  }

  /**
   * Fills all of `target` and resolves with it, or rejects with EFAULT if
   * the pipe ends first. The reader holds `target` only until it settles.
   */
  async read(target: Buffer): Promise<Buffer> {
    if (this.#pending) throw new Error('ExactReader: one read at a time');
    if (this.#ended !== null) throw this.#shortRead(0, target.length);
    return new Promise<Buffer>((resolve, reject) => {
      this.#pending = { target, filled: 0, resolve, reject };
    });
  }

  /** The buffer libuv's next read goes into: the rest of the awaited reply, else the spare. */
  #nextBuffer(): Buffer {
    const pending = this.#pending;
    return pending && pending.filled < pending.target.length ? pending.target.subarray(pending.filled) : this.#spare;
  }

  #drop(bytes: number): void {
    const first = this.#unexpected === 0;
    this.#unexpected += bytes;
    if (first) this.#onUnexpected(bytes);
  }

  #onRead(bytes: number, into: Buffer): boolean {
    const pending = this.#pending;
    if (!pending) {
      this.#drop(bytes);
      return true;
    }
    // Into the spare: copy what belongs to the reply; else libuv wrote it in place.
    const used = into === this.#spare ? this.#spare.copy(pending.target, pending.filled, 0, bytes) : bytes;
    pending.filled += used;
    if (pending.filled === pending.target.length) {
      this.#pending = null;
      pending.resolve(pending.target);
    }
    if (used < bytes) this.#drop(bytes - used);
    return true;
  }

  #onEnd(reason: string): void {
    if (this.#ended !== null) return;
    this.#ended = reason;
    const pending = this.#pending;
    if (pending) {
      this.#pending = null;
      pending.reject(this.#shortRead(pending.filled, pending.target.length));
    }
  }

  #shortRead(filled: number, size: number): UmdError {
    return new UmdError(
      'EFAULT',
      `read from ${this.#label()} failed after ${filled} of ${size} bytes: it ${this.#ended ?? 'ended'}`,
    );
  }

  /** Stops reading and closes the pipe's end. */
  close(): void {
    this.#onEnd('was closed by umd');
    this.#socket.destroy();
  }
}

/**
 * Writes what the pipe at `fd` (non-blocking: the stream's) takes at once,
 * when nothing is queued on `stream` before it; returns the bytes written.
 * A request fits a pipe: then no write request, callback or tick.
 */
function writeNow(stream: Writable, fd: number, data: Buffer, label: string): number {
  if (stream.writableLength > 0) return 0;
  try {
    return writeSync(fd, data);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EAGAIN') return 0;
    throw new UmdError('EFAULT', `write to ${label} failed: ${(error as Error).message}`, { cause: error });
  }
}

/**
 * Writes all of `data`, resolving once the stream (or, straight away, the
 * pipe at `fd`, the stream's own) has taken it; EFAULT if the pipe is gone.
 */
export async function writeAll(stream: Writable, data: Buffer, label: string, fd?: number): Promise<void> {
  if (stream.destroyed || !stream.writable) {
    throw new UmdError('EFAULT', `write to ${label} failed: the pipe is closed`);
  }
  const written = fd === undefined ? 0 : writeNow(stream, fd, data, label);
  if (written === data.length) return;
  await new Promise<void>((resolve, reject) => {
    stream.write(written === 0 ? data : data.subarray(written), (error) => {
      if (error) reject(new UmdError('EFAULT', `write to ${label} failed: ${error.message}`, { cause: error }));
      else resolve();
    });
  });
}
