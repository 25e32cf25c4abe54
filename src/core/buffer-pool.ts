/**
 * Reply buffers for reuse. A 128 KiB buffer is allocated with mmap and freed
 * with munmap each time (it is at glibc's mmap threshold), so a fresh one per
 * request costs dozens of page faults. The pool keeps as many per size as
 * were ever in use at once (one request per driver is in flight at a time),
 * up to `perSize`: a buffer it dropped would be garbage that V8 collects
 * late (it survives scavenges while its request is in flight), and the
 * daemon's RSS would grow with the load (measured: 79 -> 122 MB over 100 000
 * requests on 8 connections with a pool of 4).
 */
export class BufferPool {
  readonly #free = new Map<number, Buffer[]>();
  readonly #perSize: number;

  constructor(perSize = 64) {
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
