/**
 * Reply buffers for reuse. A 128 KiB buffer is allocated with mmap and freed
 * with munmap each time (it is at glibc's mmap threshold), so a fresh one per
 * request costs dozens of page faults; a few kept per size cost nothing.
 */
export class BufferPool {
  readonly #free = new Map<number, Buffer[]>();
  readonly #perSize: number;

  constructor(perSize = 4) {
    this.#perSize = perSize;
  }

  take(size: number): Buffer {
    return this.#free.get(size)?.pop() ?? Buffer.allocUnsafe(size);
  }

  /** Hands a buffer back; the caller must not touch it afterwards. */
  give(buffer: Buffer): void {
    let free = this.#free.get(buffer.length);
    if (!free) {
      free = [];
      this.#free.set(buffer.length, free);
    }
    if (free.length < this.#perSize) free.push(buffer);
  }
}

/** The pool reply buffers come from. */
export const replyPool = new BufferPool();
