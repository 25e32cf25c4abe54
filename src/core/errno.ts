import { constants } from 'node:os';

// The platform's own errno table (Linux: the numbers handlers put on the wire),
// inverted once. Where two names share a number the first one Node lists wins.
const NAMES = new Map<number, string>();
for (const [name, value] of Object.entries(constants.errno)) {
  if (!NAMES.has(value)) NAMES.set(value, name);
}

/** Names an errno number, e.g. 92 → `ENOPROTOOPT`; `E<number>` when the platform has no name for it. */
export function errnoName(errno: number): string {
  return NAMES.get(errno) ?? `E${errno}`;
}
