import type { UmdError } from '../core/errors.js';

/** A UmdError as the user sees it: one `umd:` line, then one `umd: hint:` line per suggestion. */
export function printUmdError(error: UmdError): void {
  process.stderr.write(`umd: ${error.message}\n`);
  for (const hint of error.suggestions) process.stderr.write(`umd: hint: ${hint}\n`);
}
