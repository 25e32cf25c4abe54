import { closeSync, constants, readdirSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { openOwnFile } from './safe-fs.js';
import path from 'node:path';

/**
 * `umd.pid` in the runtime dir: the running daemon's pid, written at start
 * and removed by a clean shutdown. A record whose daemon is gone is an
 * unclean end (kill -9, a crash): the next daemon logs it and the next
 * command says so, with the drivers that were loaded then (their blob
 * copies are still in blobs/). It also lets `daemon status` and `daemon
 * stop` find a daemon that no longer answers.
 */
export interface DaemonRecord {
  pid: number;
  startedAt: number;
  /** Read back only: the drivers whose blob copies the daemon left in blobs/. */
  drivers: string[];
}

export function recordPath(runtimeDir: string): string {
  return path.join(runtimeDir, 'umd.pid');
}

export function readRecord(runtimeDir: string): DaemonRecord | null {
  try {
    const raw = JSON.parse(readFileSync(recordPath(runtimeDir), 'utf8')) as Partial<DaemonRecord>;
    if (!Number.isSafeInteger(raw.pid) || (raw.pid as number) <= 0) return null;
    return { pid: raw.pid as number, startedAt: Number(raw.startedAt) || 0, drivers: leftBlobs(runtimeDir) };
  } catch {
    return null;
  }
}

/** The drivers with a blob copy in blobs/: those loaded (for a dead daemon: loaded when it died). */
function leftBlobs(runtimeDir: string): string[] {
  try {
    return readdirSync(path.join(runtimeDir, 'blobs')).sort();
  } catch {
    return [];
  }
}

export function writeRecord(runtimeDir: string, record: Omit<DaemonRecord, 'drivers'>): void {
  const file = recordPath(runtimeDir);
  const temp = `${file}.${process.pid}.tmp`;
  rmSync(temp, { force: true }); // a leftover of a daemon with our pid; rm never follows a link
  // Created afresh (O_EXCL, no link followed), then renamed over umd.pid: rename replaces a planted link, never follows it.
  const fd = openOwnFile(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, file);
}

export function removeRecord(runtimeDir: string): void {
  rmSync(recordPath(runtimeDir), { force: true });
}

/** The state letter of a live process (`R`, `S`, `T` stopped, ...), or null when there is none (or only a zombie). */
export function processState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state === 'Z' || state === 'X' ? null : state;
  } catch {
    return null;
  }
}

/** Is `pid` a live umd daemon (not some other process that got its pid)? */
export function isDaemonProcess(pid: number): boolean {
  if (processState(pid) === null) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes('daemon');
  } catch {
    return false;
  }
}

/** The record of a daemon that ended without shutting down, or null. */
export function uncleanEnd(runtimeDir: string): DaemonRecord | null {
  const record = readRecord(runtimeDir);
  if (!record || record.pid === process.pid || isDaemonProcess(record.pid)) return null;
  return record;
}

/** One line about an unclean end, for the log and for the user. */
export function describeUncleanEnd(record: DaemonRecord, logFile: string): string {
  const drivers = record.drivers.length > 0 ? `drivers loaded then: ${record.drivers.join(', ')}` : 'no drivers were loaded';
  return `the previous umd daemon (pid ${record.pid}) ended without shutting down (killed or crashed); ${drivers}; its log is ${logFile}`;
}
