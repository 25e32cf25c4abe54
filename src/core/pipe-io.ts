import type { Readable, Writable } from 'node:stream';
import { UmdError } from './errors.js';

interface PendingRead {
  target: Buffer;
  filled: number;
  resolve: (buf: Buffer) => void;
  reject: (error: UmdError) => void;
}

/**
 * Reads exact byte counts from a stream whose chunks fall anywhere: one
 * reply may arrive in many chunks. Each chunk is copied once, straight into
 * the reply buffer. Bytes that arrive when nobody asked for them (no read
 * waiting, or past the reply) are never kept: they are counted as
 * `unexpected` and reported to `onUnexpected` at once, so a handler cannot
 * make umd hold more than the one reply it asked for.
 */
export class ExactReader {
  readonly #stream: Readable;
  readonly #label: () => string;
  readonly #onUnexpected: (bytes: number) => void;
  #pending: PendingRead | null = null;
  #ended: string | null = null;
  #unexpected = 0;

  /** `label` names the other end in errors (a function: it may be known only later). */
  constructor(stream: Readable, label: string | (() => string), onUnexpected: (bytes: number) => void = () => undefined) {
    this.#stream = stream;
    this.#label = typeof label === 'string' ? () => label : label;
    this.#onUnexpected = onUnexpected;
    stream.on('data', (chunk: Buffer) => this.#onData(chunk));
    stream.on('end', () => this.#onEnd('closed its end of the pipe'));
    stream.on('error', (error: Error) => this.#onEnd(`pipe error: ${error.message}`));
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

  #drop(bytes: number): void {
    const first = this.#unexpected === 0;
    this.#unexpected += bytes;
    if (first) this.#onUnexpected(bytes);
  }

  #onData(chunk: Buffer): void {
    const pending = this.#pending;
    if (!pending) {
      this.#drop(chunk.length);
      return;
    }
    const used = chunk.copy(pending.target, pending.filled);
    pending.filled += used;
    if (pending.filled === pending.target.length) {
      this.#pending = null;
      pending.resolve(pending.target);
    }
    if (used < chunk.length) this.#drop(chunk.length - used);
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
