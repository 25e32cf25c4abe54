/** driver.json `startLimit`: systemd's StartLimitBurst/StartLimitIntervalSec, plus a cool-down. */
export interface StartLimitSettings {
  /** Failed starts within `intervalMs` that make the driver `failed`; also the restarts that cost no wait. */
  burst: number;
  intervalMs: number;
  /** How long `failed` lasts before it clears by itself. */
  cooldownMs: number;
}

export const DEFAULT_START_LIMIT: StartLimitSettings = { burst: 5, intervalMs: 10_000, cooldownMs: 30_000 };

/** The longest a restart is held back, however many came before it. */
export const MAX_BACKOFF_MS = 2000;
const FIRST_BACKOFF_MS = 100;

/**
 * Every handler start of a driver counts here, whoever asked for it (a
 * load, an on-demand load, a restart). A start that fails (the handler
 * could not be run, died at start or failed its post_start) counts as a
 * failure: `burst` failures within `intervalMs` make the driver `failed`
 * for `cooldownMs`. A restart after a handler died of a request never
 * fails the driver; it only waits (`backoffMs`) once `burst` starts came
 * within the interval, 100 ms doubling up to 2 s.
 */
export class StartLimit {
  readonly settings: StartLimitSettings;
  #starts: number[] = [];
  #failures: number[] = [];
  #failedAt: number | null = null;

  constructor(settings: Partial<StartLimitSettings> = {}) {
    this.settings = { ...DEFAULT_START_LIMIT, ...settings };
  }

  #prune(now: number): void {
    const recent = (t: number) => now - t < this.settings.intervalMs;
    this.#starts = this.#starts.filter(recent);
    this.#failures = this.#failures.filter(recent);
  }

  /** True while the driver is `failed`; clears by itself once the cool-down has passed. */
  failed(now = Date.now()): boolean {
    if (this.#failedAt !== null && now - this.#failedAt >= this.settings.cooldownMs) this.reset();
    return this.#failedAt !== null;
  }

  /** Milliseconds until `failed` clears by itself (0 when not failed). */
  clearsInMs(now = Date.now()): number {
    return this.failed(now) ? this.settings.cooldownMs - (now - (this.#failedAt as number)) : 0;
  }

  /** How long the next restart should wait, from the starts within the interval. */
  backoffMs(now = Date.now()): number {
    this.#prune(now);
    const over = this.#starts.length - this.settings.burst;
    return over < 0 ? 0 : Math.min(FIRST_BACKOFF_MS * 2 ** over, MAX_BACKOFF_MS);
  }

  recordStart(now = Date.now()): void {
    this.#prune(now);
    this.#starts.push(now);
  }

  /** Records a failed start; true when it makes the driver `failed`. */
  recordFailure(now = Date.now()): boolean {
    this.#prune(now);
    this.#failures.push(now);
    if (this.#failures.length < this.settings.burst) return false;
    this.#failedAt = now;
    return true;
  }

  /** Forgets everything: at `umd load`, at unload, and when the cool-down ends. */
  reset(): void {
    this.#starts = [];
    this.#failures = [];
    this.#failedAt = null;
  }
}
