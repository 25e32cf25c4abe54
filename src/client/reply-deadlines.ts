/**
 * The reply deadlines of one connection's requests, on one timer rather
 * than one per request: the timer is set for the earliest deadline when it
 * is the first or comes sooner than the one set, and when it fires it
 * expires what is due and is set again for the next. While no deadline is
 * pending it does not keep the process alive.
 */
export class ReplyDeadlines {
  readonly #due = new Map<number, { at: number; expire: () => void }>();
  #timer: NodeJS.Timeout | null = null;
  #firesAt = Infinity;

  /** Calls `expire` if `settle(id)` has not come within `ms`. */
  add(id: number, ms: number, expire: () => void): void {
    const at = performance.now() + ms;
    this.#due.set(id, { at, expire });
    if (at < this.#firesAt) this.#set(at);
    else if (this.#due.size === 1) this.#timer?.ref();
  }

  /** The reply came (or the request ended otherwise): its deadline is gone. */
  settle(id: number): void {
    if (this.#due.delete(id) && this.#due.size === 0) this.#timer?.unref();
  }

  /** Forgets every deadline and stops the timer. */
  clear(): void {
    this.#due.clear();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#firesAt = Infinity;
  }

  #set(at: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#firesAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(1, Math.ceil(at - performance.now())));
  }

  #fire(): void {
    this.#timer = null;
    this.#firesAt = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const [id, { at, expire }] of this.#due) {
      if (at <= now) {
        this.#due.delete(id);
        expire();
      } else next = Math.min(next, at);
    }
    if (next < Infinity) this.#set(next);
  }
}
