import { LineRateLimit, type LineRateSettings } from './line-rate-limit.js';
import type { Logger, LogLevel } from './log.js';

/**
 * One driver's voice in the log: the manager's own lines go straight
 * through; its handlers' lines (stderr and /dev/kmsg) are rate-limited
 * per driver, and what was dropped is reported as one "suppressed" line.
 */
export class DriverLog {
  readonly #driver: string;
  readonly #logger: Logger;
  readonly #limit: LineRateLimit;
  #lastSource = 'handler';

  constructor(driver: string, logger: Logger, rate?: LineRateSettings) {
    this.#driver = driver;
    this.#logger = logger;
    this.#limit = new LineRateLimit((count) => {
      const { burst, intervalMs } = this.#limit.settings;
      this.log('warn', `suppressed ${count} lines from ${this.#lastSource} (more than ${burst} in ${intervalMs / 1000} s)`);
    }, rate);
  }

  /** A line of the manager's (`source` umd) or of a handler's (its name). */
  log(level: LogLevel, message: string, source = 'umd'): void {
    if (source !== 'umd') {
      this.#lastSource = source;
      if (!this.#limit.allow()) return;
    }
    this.#logger({ level, driver: this.#driver, source, message });
  }

  /** Reports lines still suppressed: at unload. */
  flush(): void {
    this.#limit.close();
  }
}
