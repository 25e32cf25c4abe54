import type { LogEntry } from './log.js';

/** `2026-11-27 10:40:01.123` in the local time zone, for people at a terminal. */
function localTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * One log line, as `umd log` and the log file show it:
 * `2026-11-27T09:40:01.123Z sample: Loaded sample_umh pid 4242` for the
 * manager's lines, `... sample/sample_umh: Started sample_umh` for a handler's.
 * With `local`, the time is local and without the zone (on a terminal).
 */
export function formatLogEntry(entry: LogEntry, options: { local?: boolean } = {}): string {
  const who = entry.source === 'umd' ? (entry.driver ?? 'umd') : `${entry.driver ?? '?'}/${entry.source}`;
  const level = entry.level === 'info' ? '' : `${entry.level}: `;
  const time = options.local ? localTime(entry.time) : new Date(entry.time).toISOString();
  return `${time} ${who}: ${level}${entry.message}`;
}
