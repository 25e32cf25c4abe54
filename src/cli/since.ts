import { usageError } from './usage.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * `--since` as ms since the epoch: a duration back from `now` (`90s`, `10m`,
 * `2h`, `1d`) or a date and time Date.parse reads (`2026-11-27T09:40:00Z`,
 * `2026-11-27 10:40`, local time when no zone is given). Anything else is a
 * usage error.
 */
export function parseSince(text: string, now = Date.now()): number {
  const duration = /^(\d{1,9})([smhd])$/.exec(text.trim());
  if (duration) return Math.max(1, now - Number(duration[1]) * (UNITS[duration[2]] ?? 0));
  const time = Date.parse(text);
  if (Number.isFinite(time) && time > 0) return time;
  throw usageError(`log: --since expects a duration such as 10m or 2h, or a time such as 2026-11-27T09:40:00Z, got ${JSON.stringify(text.slice(0, 40))}`, [
    'umd log --since 10m',
    'umd log --since "2026-11-27 09:40"',
  ]);
}
