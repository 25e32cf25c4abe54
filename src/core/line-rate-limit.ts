/** journald's RateLimitBurst/RateLimitIntervalSec for one driver's handler lines (stderr and /dev/kmsg). */
export interface LineRateSettings {
  /** Lines let through per interval. */
  burst: number;
  intervalMs: number;
}

export const DEFAULT_LINE_RATE: LineRateSettings = { burst: 200, intervalMs: 10_000 };

/**
 * Lets at most `burst` lines through per interval and counts the rest; when
 * an interval with dropped lines ends, `onSuppressed` reports how many (the
 * "suppressed N lines" record), whether or not more lines come.
 */
export class LineRateLimit {
  readonly settings: LineRateSettings;
  readonly #onSuppressed: (count: number) => void;
  #windowStart = 0;
  #passed = 0;
  #suppressed = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(onSuppressed: (count: number) => void, settings: LineRateSettings = DEFAULT_LINE_RATE) {
    this.settings = settings;
    this.#onSuppressed = onSuppressed;
  }

  /** True when the line may be logged. */
  allow(now = Date.now()): boolean {
    if (now - this.#windowStart >= this.settings.intervalMs) {
      this.#flush();
      this.#windowStart = now;
      this.#passed = 0;
    }
    if (this.#passed < this.settings.burst) {
      this.#passed++;
      return true;
    }
    if (this.#suppressed++ === 0) {
      this.#timer = setTimeout(() => this.#flush(), this.#windowStart + this.settings.intervalMs - now);
      this.#timer.unref();
    }
    return false;
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const count = this.#suppressed;
    this.#suppressed = 0;
    if (count > 0) this.#onSuppressed(count);
  }

  /** Reports what is still suppressed, now: at unload. */
  close(): void {
    this.#flush();
  }
}
