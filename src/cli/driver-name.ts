import { UmdError } from '../core/errors.js';
import { checkDriverName } from '../core/package.js';
import { usageError } from './usage.js';

/** A driver name, checked before anything is asked of the daemon: a bad one is a usage error (exit 2). */
export function checkedDriverName(name: string): string {
  try {
    checkDriverName(name);
  } catch (error) {
    if (error instanceof UmdError) throw usageError(error.message, ['Driver names are like sample or bpfilter; see `umd list`']);
    throw error;
  }
  return name;
}
