import { chalkStderr } from 'chalk';
import type { UmdError } from '../core/errors.js';
import { withCliHints } from './hints.js';

/** A UmdError as the user sees it: one `umd:` line, then one `umd: hint:` line per suggestion. */
export function printUmdError(error: UmdError): void {
  error = withCliHints(error);
  process.stderr.write(`${chalkStderr.red('umd:')} ${error.message}\n`);
  for (const hint of error.suggestions) process.stderr.write(`${chalkStderr.dim('umd: hint:')} ${hint}\n`);
}
