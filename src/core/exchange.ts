import type { DeadlineTimer } from './deadline-timer.js';
import { UmdError } from './errors.js';
import type { HandlerProcess } from './handler.js';

export interface ExchangeOptions {
  /** The driver, for messages. */
  driver: string;
  /** The driver's deadline timer (one exchange at a time uses it). */
  deadline: DeadlineTimer;
  /** How long SIGTERM gets before SIGKILL when the deadline passes. */
  killGraceMs: number;
  /** Where the termination is recorded. */
  onTimeout: (message: string) => void;
}

/** Writes the request and waits for the whole reply; EPROTO when the handler wrote past it. */
async function roundTrip(handler: HandlerProcess, request: Buffer, reply: Buffer): Promise<Buffer> {
  // The read waits before the request is written: a handler that has read a
  // large request (the pgp driver's is 512 KiB) may answer before the
  // write's completion runs, and bytes nobody waits for get it killed.
  const pending = handler.reader.read(reply);
  pending.catch(() => undefined); // a failed write is reported; the read then ends with the pipe
  await handler.write(request);
  await pending;
  if (handler.reader.unexpected > 0) {
    throw new UmdError('EPROTO', `handler ${handler.name} (pid ${handler.pid}) wrote ${handler.reader.unexpected} bytes past its ${reply.length}-byte reply`, {
      suggestions: ['A handler must write exactly one reply per request; fix the handler'],
    });
  }
  return reply;
}

/** Terminates a handler that missed its deadline, records how, and makes the ETIMEDOUT error. */
async function expire(handler: HandlerProcess, timeoutMs: number, options: ExchangeOptions): Promise<UmdError> {
  const { killGraceMs } = options;
  const end = await handler.terminate(killGraceMs);
  const how = end.isForcefullyTerminated ? `was forcefully terminated (SIGKILL) after ${killGraceMs} ms` : 'was terminated (SIGTERM)';
  options.onTimeout(`${handler.name} pid ${handler.pid} did not answer within ${timeoutMs} ms and ${how}`);
  return new UmdError('ETIMEDOUT', `driver ${options.driver}: handler ${handler.name} (pid ${handler.pid}) did not answer within ${timeoutMs} ms`, {
    suggestions: ['Raise "timeoutMs" in driver.json or the request\'s deadline, or fix the handler'],
    driver: options.driver,
    topic: 'handler',
  });
}

/**
 * send_recv with a deadline: write all of the request, read exactly one
 * reply into all of `reply` (its length is the reply size). Bytes past the
 * reply fail it (EPROTO); a missed deadline terminates the handler and
 * fails it with ETIMEDOUT. Once this resolves, nothing refers to `reply`
 * but the caller; once it rejects, the handler's reader may hold it until
 * the handler is reaped.
 */
export function exchange(handler: HandlerProcess, request: Buffer, reply: Buffer, timeoutMs: number, options: ExchangeOptions): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    let expired = false;
    const token = options.deadline.arm(timeoutMs, () => {
      expired = true;
      expire(handler, timeoutMs, options).then(reject, reject);
    });
    // Once expired, the round trip fails when the handler is gone; the deadline's error is the one reported.
    roundTrip(handler, request, reply).then(
      (answer) => {
        if (expired) return;
        options.deadline.disarm(token);
        resolve(answer);
      },
      (error: Error) => {
        if (expired) return;
        options.deadline.disarm(token);
        reject(error);
      },
    );
  });
}
