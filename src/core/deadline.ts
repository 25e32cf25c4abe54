import type { UmdError } from './errors.js';

const EXPIRED = Symbol('deadline expired');

/**
 * Races `work` against a timer. On expiry `onExpire` runs (it should stop
 * the work, e.g. kill the handler) and the returned ETIMEDOUT error is thrown.
 */
export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  onExpire: () => Promise<UmdError> | UmdError,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<typeof EXPIRED>((resolve) => {
    timer = setTimeout(() => resolve(EXPIRED), ms);
  });
  try {
    const winner = await Promise.race([work, expired]);
    if (winner !== EXPIRED) return winner;
  } finally {
    clearTimeout(timer);
  }
  work.catch(() => undefined); // it fails once the work is stopped; the deadline's error is the one reported
  throw await onExpire();
}
