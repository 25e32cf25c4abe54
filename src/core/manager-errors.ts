import { toUmdError, UmdError } from './errors.js';
import { describeExit, type HandlerExit } from './handler.js';
import type { StartLimit } from './start-limit.js';

/** rmmod's answer for a driver that is not there: ENOENT, "not currently loaded". */
export function notLoadedError(name: string): UmdError {
  return new UmdError('ENOENT', `cannot unload driver ${name}: it is not currently loaded`, { driver: name, topic: 'driver-not-loaded' });
}

/** A send found the driver unloaded and could not load it (the kernel's failed request_module). */
export function onDemandFailedError(name: string, cause: unknown): UmdError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new UmdError('ENOPROTOOPT', `driver ${name} is not loaded and loading it on demand failed${why}`, {
    cause,
    driver: name,
    topic: 'load-on-demand',
  });
}

/** The handler keeps dying at start: the driver is `failed` until the cool-down ends, `umd load` or unload. */
export function startLimitError(name: string, handlerName: string, limit: StartLimit): UmdError {
  const { burst, intervalMs } = limit.settings;
  const seconds = Math.ceil(limit.clearsInMs() / 1000);
  return new UmdError(
    'EAGAIN',
    `driver ${name}: handler ${handlerName} failed ${burst} starts within ${intervalMs / 1000} s; not starting it for another ${seconds} s`,
    { suggestions: [`Fix the handler, then load the driver again, or wait ${seconds} s`], driver: name, topic: 'start-limit' },
  );
}

/**
 * A request that failed on the pipe (EFAULT) or with bytes past its reply
 * (EPROTO), said with the driver's name and what became of its handler:
 * its own exit status or signal (`was killed by SIGSYS`), or that umd
 * killed it. Other failures (a deadline, a reply check) say so themselves.
 */
export function requestFailure(driver: string, error: unknown, exit: HandlerExit | null, killedByUmd: boolean): UmdError {
  const base = toUmdError(error, 'EIO', `driver ${driver}`);
  if (base.code !== 'EFAULT' && base.code !== 'EPROTO') return base;
  const fate = exit === null ? '' : killedByUmd ? '; umd killed the handler' : `; the handler ${describeExit(exit)}`;
  const named = base.message.startsWith(`driver ${driver}:`) ? base.message : `driver ${driver}: ${base.message}`;
  return new UmdError(base.code, `${named}${fate}`, { cause: error, suggestions: base.suggestions, driver, topic: 'handler' });
}
