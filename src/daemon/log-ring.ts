import type { LogEntry, Logger } from '../core/log.js';
import { safeMessage } from '../core/escape.js';
import { formatLogEntry } from '../core/log-format.js';
import { LogFile } from './log-file.js';

/**
 * The daemon's log (its dmesg): the last `capacity` entries in memory for
 * `umd log`, every entry appended to the log file (rotated at its size cap),
 * and live subscribers for `umd log -f`. Every message is stored with its
 * control characters escaped and its length capped, whoever wrote it.
 */
export class LogRing {
  readonly #entries: LogEntry[] = [];
  readonly #capacity: number;
  readonly #subscribers = new Set<(entry: LogEntry) => void>();
  readonly #file: LogFile | null;

  constructor(capacity = 2000, file?: string, maxFileBytes?: number) {
    this.#capacity = capacity;
    this.#file = file ? new LogFile(file, maxFileBytes) : null;
  }

  readonly log: Logger = (partial) => {
    const entry: LogEntry = { time: Date.now(), ...partial, source: safeMessage(partial.source, 64), message: safeMessage(partial.message) };
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.shift();
    this.#file?.append(`${formatLogEntry(entry)}\n`);
    for (const subscriber of this.#subscribers) subscriber(entry);
  };

  /** The last `lines` entries, optionally only those of one driver. */
  tail(lines: number, driver?: string, wanted?: (entry: LogEntry) => boolean): LogEntry[] {
    const entries = wanted ? this.#entries.filter(wanted) : driver ? this.#entries.filter((e) => e.driver === driver) : this.#entries;
    return entries.slice(-lines);
  }

  subscribe(subscriber: (entry: LogEntry) => void): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }

  async close(): Promise<void> {
    this.#subscribers.clear();
    this.#file?.close();
  }
}
