import { closeSync, constants, fstatSync, renameSync, writeSync } from 'node:fs';
import { openOwnFile } from '../core/safe-fs.js';

/** umd.log's size cap: past it the file is renamed `umd.log.1` (replacing the last one) and a new one begun. */
export const DEFAULT_LOG_MAX_BYTES = 16 * 1024 * 1024;

const FLAGS = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT;

/**
 * The daemon's log file, never more than two of `maxBytes` on disk (like
 * journald's SystemMaxFileSize with one archived file). Opened without
 * following links and only if it is the daemon's own; written
 * synchronously, so nothing queues in memory behind a slow disk.
 */
export class LogFile {
  readonly path: string;
  readonly maxBytes: number;
  #fd: number | null;
  #size: number;

  constructor(path: string, maxBytes = DEFAULT_LOG_MAX_BYTES) {
    this.path = path;
    this.maxBytes = maxBytes;
    this.#fd = openOwnFile(path, FLAGS);
    this.#size = fstatSync(this.#fd).size;
  }

  append(line: string): void {
    if (this.#fd === null) return;
    const data = Buffer.from(line);
    if (this.#size > 0 && this.#size + data.length > this.maxBytes) this.#rotate();
    try {
      writeSync(this.#fd, data);
      this.#size += data.length;
    } catch {
      // A full disk loses log lines, never the daemon.
    }
  }

  #rotate(): void {
    this.close();
    try {
      renameSync(this.path, `${this.path}.1`);
      this.#fd = openOwnFile(this.path, FLAGS | constants.O_EXCL);
      this.#size = 0;
    } catch {
      this.#fd = null; // something took its name: stop writing rather than follow it
    }
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
