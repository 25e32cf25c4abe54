import type { LogEntry } from './log.js';

/**
 * One log line, as `umd log` and the log file show it:
 * `2026-11-27T09:40:01.123Z sample: Loaded sample_umh pid 4242` for the
 * manager's lines, `... sample/sample_umh: Started sample_umh` for a handler's.
 */
export function formatLogEntry(entry: LogEntry): string {
  const who = entry.source === 'umd' ? (entry.driver ?? 'umd') : `${entry.driver ?? '?'}/${entry.source}`;
  const level = entry.level === 'info' ? '' : `${entry.level}: `;
  return `${new Date(entry.time).toISOString()} ${who}: ${level}${entry.message}`;
}
