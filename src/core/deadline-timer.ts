/** The largest delay setTimeout takes; a longer one is set to 1 ms (TimeoutOverflowWarning). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/**
 * The deadline of one request at a time (one per driver: its lock lets one
 * exchange run), on one timer that is not set per request. `arm` records
 * when the request is due; the timer, once set, stays set: when it fires
 * early for the request now running (it was set for an earlier one) it is
 * set again for the rest, and when it fires with nothing running it stops.
 * So a steady stream of requests costs one timer per timeout period, not
 * one per request. While nothing is armed the timer does not keep the
 * process alive.
 */
export class DeadlineTimer {
  /** When the armed request is due (performance.now() ms); 0: nothing armed. */
  #due = 0;
  #onExpire: (() => void) | null = null;
  #timer: NodeJS.Timeout | null = null;
  /** When the timer fires (performance.now() ms). */
  #firesAt = 0;

  /** Which arming is current: a late `disarm` of an earlier one does nothing. */
  #armed = 0;

  /** Calls `onExpire` once unless `disarm` is called with the returned token within `ms`. */
  arm(ms: number, onExpire: () => void): number {
    this.#due = performance.now() + ms;
    this.#onExpire = onExpire;
    if (this.#timer === null || this.#firesAt > this.#due) this.#set(this.#due);
    else this.#timer.ref();
    return ++this.#armed;
  }

  disarm(token: number = this.#armed): void {
    if (token !== this.#armed) return;
    this.#due = 0;
    this.#onExpire = null;
    this.#timer?.unref();
  }

  /** Disarms and stops the timer (the driver is unloaded or closed). */
  stop(): void {
    this.disarm();
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  #set(at: number): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#firesAt = at;
    // A deadline further off than the largest delay is reached in several timers: #fire sets the next.
    this.#timer = setTimeout(() => this.#fire(), Math.min(MAX_DELAY_MS, Math.max(1, Math.ceil(at - performance.now()))));
  }

  #fire(): void {
    this.#timer = null;
    if (this.#due === 0) return;
    if (performance.now() < this.#due) {
      this.#set(this.#due);
      return;
    }
    const onExpire = this.#onExpire as () => void;
    this.disarm();
    onExpire();
  }
}
