import { createWriteStream, type WriteStream } from 'node:fs';
import type { LogEntry, Logger } from '../core/log.js';
import { formatLogEntry } from '../core/log-format.js';

/**
 * The daemon's log (its dmesg): the last `capacity` entries in memory for
 * `umd log`, every entry appended to the log file, and live subscribers for
 * `umd log -f`.
 */
export class LogRing {
  readonly #entries: LogEntry[] = [];
  readonly #capacity: number;
  readonly #subscribers = new Set<(entry: LogEntry) => void>();
  readonly #file: WriteStream | null;

  constructor(capacity = 2000, file?: string) {
    this.#capacity = capacity;
    this.#file = file ? createWriteStream(file, { flags: 'a', mode: 0o600 }) : null;
    this.#file?.on('error', () => undefined);
  }

  readonly log: Logger = (partial) => {
    const entry: LogEntry = { time: Date.now(), ...partial };
    this.#entries.push(entry);
    if (this.#entries.length > this.#capacity) this.#entries.shift();
    this.#file?.write(`${formatLogEntry(entry)}\n`);
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
    const file = this.#file;
    if (file) await new Promise<void>((resolve) => file.end(resolve));
  }
}
