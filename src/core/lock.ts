/**
 * A FIFO mutex: the per-driver lock of umd_mgmt. Waiters are served in
 * arrival order, so requests to one driver keep the order they came in.
 */
export class Lock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  /** Takes the lock if it is free, at once; false when it is held. */
  tryAcquire(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  async acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }
}
