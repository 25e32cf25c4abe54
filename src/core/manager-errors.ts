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

/** The handler keeps dying at start: the driver is `failed` until the cool-down ends, `umd load` or unload. */
export function startLimitError(name: string, handlerName: string, limit: StartLimit): UmdError {
  const { burst, intervalMs } = limit.settings;
  const seconds = Math.ceil(limit.clearsInMs() / 1000);
  return new UmdError(
    'EAGAIN',
    `driver ${name}: handler ${handlerName} failed ${burst} starts within ${intervalMs / 1000} s; not starting it for another ${seconds} s`,
    { suggestions: [`Fix the handler (see \`umd log --driver ${name}\`), then run \`umd load ${name}\`, or wait ${seconds} s`] },
  );
}
