import { UmdError } from '../core/errors.js';

/** No control message may exceed this; a client cannot make the daemon buffer more. */
export const MAX_FRAME_BYTES = 64 * 1024;

/** The most input one `send` takes, so that its request fits one control message whatever the escaping. */
export const MAX_INPUT_BYTES = 8 * 1024;

/** Encodes one message as a frame: one line of JSON. */
export function encodeFrame(message: unknown): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Splits a byte stream into newline-delimited frames, whatever the chunking.
 * A frame longer than `maxBytes` is an EPROTO error: the caller should answer
 * and close the connection.
 */
export class FrameDecoder {
  #parts: Buffer[] = [];
  #size = 0;
  readonly #maxBytes: number;

  constructor(maxBytes = MAX_FRAME_BYTES) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes of a frame begun but not yet ended by its newline. */
  get buffered(): number {
    return this.#size;
  }

  /** Returns the complete frames in `chunk`, as text. */
  push(chunk: Buffer): string[] {
    const frames: string[] = [];
    let start = 0;
    let newline = chunk.indexOf(0x0a, start);
    while (newline !== -1) {
      if (this.#size === 0 && newline - start <= this.#maxBytes) {
        frames.push(chunk.toString('utf8', start, newline)); // the whole frame is in this chunk: no copy
      } else {
        this.#append(chunk.subarray(start, newline));
        frames.push(Buffer.concat(this.#parts, this.#size).toString('utf8'));
        this.#parts = [];
        this.#size = 0;
      }
      start = newline + 1;
      newline = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length) this.#append(chunk.subarray(start));
    return frames;
  }

  #append(part: Buffer): void {
    this.#size += part.length;
    if (this.#size > this.#maxBytes) {
      this.#parts = [];
      this.#size = 0;
      throw new UmdError('EPROTO', `control message longer than ${this.#maxBytes} bytes`);
    }
    if (part.length > 0) this.#parts.push(part);
  }
}
