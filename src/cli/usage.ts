import { UmdError } from '../core/errors.js';

/** Exit status of a usage error (a wrong command line), as the README promises. */
export const USAGE_EXIT = 2;

/** A wrong command line: code EUSAGE, exit status 2, and the hints that fix it. */
export function usageError(message: string, suggestions: string[] = []): UmdError {
  return new UmdError('EUSAGE', message, { suggestions });
}

/** The exit status of a UmdError: 2 for usage errors, else 1. */
export function exitCodeOf(error: UmdError): number {
  return error.code === 'EUSAGE' ? USAGE_EXIT : 1;
}

/** oclif's multi-line parse errors as one line: `Missing 1 required arg:\ndriver  Driver name` → `missing 1 required arg: driver (Driver name)`. */
export function oneLine(message: string): string {
  const lines = message
    .replace(/\n\s*See more help with --help\s*$/, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const [first = '', ...rest] = lines;
  const described = rest.map((line) => line.replace(/^(\S+)\s{2,}(.*)$/, '$1 ($2)'));
  const head = first.charAt(0).toLowerCase() + first.slice(1);
  return described.length > 0 ? `${head.replace(/:$/, '')}: ${described.join(', ')}` : head;
}
