import { UmdError } from './errors.js';
import type { StartLimit } from './start-limit.js';

/** rmmod's answer for a driver that is not there: ENOENT, "not currently loaded". */
export function notLoadedError(name: string): UmdError {
  return new UmdError('ENOENT', `cannot unload driver ${name}: it is not currently loaded`, {
    suggestions: ['Run `umd list` to see what is loaded'],
  });
}

/** A send found the driver unloaded and could not load it (the kernel's failed request_module). */
export function onDemandFailedError(name: string, cause: unknown): UmdError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new UmdError('ENOPROTOOPT', `driver ${name} is not loaded and loading it on demand failed${why}`, {
    cause,
    suggestions: [`Run \`umd load ${name}\` to see why, and \`umd log\` for the handler's words`],
  });
}

/** The handler keeps dying at start: the driver is `failed` until it is unloaded. */
export function startLimitError(name: string, handlerName: string, limit: StartLimit): UmdError {
  return new UmdError(
    'EAGAIN',
    `driver ${name}: handler ${handlerName} was started ${limit.burst} times within ${limit.intervalMs / 1000} s and keeps dying; not restarting it`,
    { suggestions: [`Fix the handler (see \`umd log\`), then run \`umd unload ${name}\` and load it again`] },
  );
}
