import type { Readable, Writable } from 'node:stream';
import { replyPool } from './buffer-pool.js';
import { UmdError } from './errors.js';

interface PendingRead {
  target: Buffer;
  filled: number;
  resolve: (buf: Buffer) => void;
  reject: (error: UmdError) => void;
}

/**
 * Reads exact byte counts from a stream whose chunks fall anywhere: one
 * reply may arrive in many chunks, and a chunk may hold more than one reply.
 * Each chunk is copied once, straight into the reply buffer. Bytes that
 * arrive when nobody asked for them are counted as `unexpected`, so the
 * manager can tell a handler that writes extra bytes from a healthy one.
 */
export class ExactReader {
  readonly #stream: Readable;
  readonly #label: () => string;
  #spare: Buffer[] = [];
  #spareBytes = 0;
  #pending: PendingRead | null = null;
  #ended: string | null = null;
  #unexpected = 0;

  /** `label` names the other end in errors (a function: it may be known only later). */
  constructor(stream: Readable, label: string | (() => string)) {
    this.#stream = stream;
    this.#label = typeof label === 'string' ? () => label : label;
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('end', () => this.#onEnd('closed its end of the pipe'));
    stream.on('error', (error: Error) => this.#onEnd(`pipe error: ${error.message}`));
  }

  /** Bytes that arrived while no read was waiting, since the last `discard`. */
  get unexpected(): number {
    return this.#unexpected;
  }

  /**
   * Resolves with exactly `size` bytes, or rejects with EFAULT if the pipe
   * ends first. The buffer comes from `replyPool`; whoever is done with it
   * may give it back.
   */
  async read(size: number): Promise<Buffer> {
    if (this.#pending) throw new Error('ExactReader: one read at a time');
    const target = replyPool.take(size);
    let filled = 0;
    while (this.#spare.length > 0 && filled < size) {
      const chunk = this.#spare.shift() as Buffer;
      const used = chunk.copy(target, filled);
      filled += used;
      this.#spareBytes -= chunk.length;
      if (used < chunk.length) this.#keep(chunk.subarray(used), true);
    }
    this.#unexpected = this.#spareBytes;
    if (filled === size) return target;
    if (this.#ended !== null) throw this.#shortRead(filled, size);
    return new Promise<Buffer>((resolve, reject) => {
      this.#pending = { target, filled, resolve, reject };
    });
  }

  /** Drops any bytes nobody asked for. */
  discard(): void {
    this.#spare = [];
    this.#spareBytes = 0;
    this.#unexpected = 0;
  }

  #keep(chunk: Buffer, front = false): void {
    if (front) this.#spare.unshift(chunk);
    else this.#spare.push(chunk);
    this.#spareBytes += chunk.length;
  }

  #onData(chunk: Buffer): void {
    const pending = this.#pending;
    if (!pending) {
      this.#keep(chunk);
      this.#unexpected = this.#spareBytes;
      return;
    }
    const used = chunk.copy(pending.target, pending.filled);
    pending.filled += used;
    if (used < chunk.length) {
      this.#keep(chunk.subarray(used));
      this.#unexpected = this.#spareBytes;
    }
    if (pending.filled === pending.target.length) {
      this.#pending = null;
      pending.resolve(pending.target);
    }
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

  /** Stops listening, so the stream can be collected. */
  close(): void {
    this.#stream.removeAllListeners('data');
    this.#onEnd('was closed by umd');
  }
}

/** Writes all of `data`, resolving once the stream has taken it; EFAULT if the pipe is gone. */
export async function writeAll(stream: Writable, data: Buffer, label: string): Promise<void> {
  if (stream.destroyed || !stream.writable) {
    throw new UmdError('EFAULT', `write to ${label} failed: the pipe is closed`);
  }
  await new Promise<void>((resolve, reject) => {
    stream.write(data, (error) => {
      if (error) reject(new UmdError('EFAULT', `write to ${label} failed: ${error.message}`, { cause: error }));
      else resolve();
    });
  });
}
