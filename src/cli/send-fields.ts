import type { DaemonConnection } from '../client/connection.js';
import { closest } from './suggest.js';
import { usageError } from './usage.js';
import type { FieldValue } from './field-flags.js';

/**
 * Checks the flags `send` does not define against the fields the driver's
 * manager declares: only a driver whose input is an object takes field
 * flags, and only its own fields. Anything else is a usage error that
 * suggests the closest flag or field (`--timout` → `--timeout`).
 */
export async function checkFieldFlags(
  daemon: DaemonConnection,
  driver: string,
  fields: Record<string, FieldValue>,
  ownFlags: readonly string[],
  searchPath: string[],
): Promise<void> {
  const names = Object.keys(fields);
  if (names.length === 0) return;
  const info = await daemon.request('info', { driver, searchPath });
  const declared = info.fields ?? [];
  for (const name of names) {
    if (declared.includes(name)) continue;
    const guess = closest(name, [...ownFlags, ...declared]);
    const hints = guess ? [`did you mean --${guess}?`] : [];
    hints.push(declared.length > 0 ? `driver ${driver} takes the field flags ${declared.map((f) => `--${f}`).join(', ')}` : `driver ${driver} takes its input as an argument or with --stdin, not as field flags`);
    hints.push('see `umd send --help`');
    throw usageError(`send: unknown flag --${name} for driver ${driver}`, hints);
  }
}
