import { withDeadline } from './deadline.js';
import { UmdError } from './errors.js';
import type { HandlerProcess } from './handler.js';

export interface ExchangeOptions {
  /** The driver, for messages. */
  driver: string;
  timeoutMs: number;
  /** How long SIGTERM gets before SIGKILL when the deadline passes. */
  killGraceMs: number;
  /** Where the termination is recorded. */
  onTimeout: (message: string) => void;
}

/**
 * send_recv with a deadline: write all of the request, read exactly one
 * reply into all of `reply` (its length is the reply size). Bytes past the
 * reply fail it (EPROTO); a missed deadline terminates the handler and
 * fails it with ETIMEDOUT. Once this resolves, nothing refers to `reply`
 * but the caller; once it rejects, the handler's reader may hold it until
 * the handler is reaped.
 */
export async function exchange(handler: HandlerProcess, request: Buffer, reply: Buffer, options: ExchangeOptions): Promise<Buffer> {
  const { timeoutMs, killGraceMs } = options;
  const replySize = reply.length;
  // The read waits before the request is written: a handler that has read a
  // large request (the pgp driver's is 512 KiB) may answer before the
  // write's completion runs, and bytes nobody waits for get it killed.
  const pending = handler.reader.read(reply);
  pending.catch(() => undefined); // a failed write is reported; the read then ends with the pipe
  const io = handler
    .write(request)
    .then(() => pending)
    .then(() => {
      if (handler.reader.unexpected > 0) {
        throw new UmdError('EPROTO', `handler ${handler.name} (pid ${handler.pid}) wrote ${handler.reader.unexpected} bytes past its ${replySize}-byte reply`, {
          suggestions: ['A handler must write exactly one reply per request; fix the handler'],
        });
      }
      return reply;
    });
  return withDeadline(io, timeoutMs, async () => {
    const end = await handler.terminate(killGraceMs);
    const how = end.isForcefullyTerminated ? `was forcefully terminated (SIGKILL) after ${killGraceMs} ms` : 'was terminated (SIGTERM)';
    options.onTimeout(`${handler.name} pid ${handler.pid} did not answer within ${timeoutMs} ms and ${how}`);
    return new UmdError('ETIMEDOUT', `driver ${options.driver}: handler ${handler.name} (pid ${handler.pid}) did not answer within ${timeoutMs} ms`, {
      suggestions: ['Raise "timeoutMs" in driver.json or the request\'s deadline, or fix the handler'],
      driver: options.driver,
      topic: 'handler',
    });
  });
}
