import type { LogEntry } from '../core/log.js';
import { formatLogEntry } from '../core/log-format.js';

/** syslog priorities, which journald reads from a `<N>` prefix (sd-daemon(3)). */
const PRIORITY = { error: 3, warn: 4, info: 6 } as const;

/**
 * One log event as `umd daemon run` echoes it: under systemd (JOURNAL_STREAM
 * is set) with its priority prefix and no time, which the journal adds;
 * elsewhere as the log file has it.
 */
export function echoLine(entry: LogEntry, env: NodeJS.ProcessEnv = process.env): string {
  if (!env.JOURNAL_STREAM) return formatLogEntry(entry);
  return `<${PRIORITY[entry.level]}>${formatLogEntry(entry).replace(/^\S+ /, '')}`;
}

/** Echoes each event: info on stdout, warnings and errors on stderr. */
export function echoEvent(entry: LogEntry): void {
  const stream = entry.level === 'info' ? process.stdout : process.stderr;
  stream.write(`${echoLine(entry)}\n`);
}
