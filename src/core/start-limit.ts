/**
 * systemd's StartLimitBurst/StartLimitIntervalSec: at most `burst` handler
 * starts within `intervalMs`; one more means the handler is crash-looping.
 */
export class StartLimit {
  readonly burst: number;
  readonly intervalMs: number;
  #starts: number[] = [];

  constructor(burst = 5, intervalMs = 10_000) {
    this.burst = burst;
    this.intervalMs = intervalMs;
  }

  /** Records a start; false when it would exceed the limit. */
  tryStart(now = Date.now()): boolean {
    this.#starts = this.#starts.filter((t) => now - t < this.intervalMs);
    if (this.#starts.length >= this.burst) return false;
    this.#starts.push(now);
    return true;
  }

  reset(): void {
    this.#starts = [];
  }
}
