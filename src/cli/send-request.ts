import type { DaemonConnection } from '../client/connection.js';
import { UmdError } from '../core/errors.js';
import { MAX_INPUT_BYTES } from '../protocol/framing.js';
import type { SendResult } from '../protocol/messages.js';

/** Refuses, before it is sent, an input larger than one request may carry. */
export function checkInputSize(driver: string, input: string): void {
  const bytes = Buffer.byteLength(input);
  if (bytes <= MAX_INPUT_BYTES) return;
  throw new UmdError('EMSGSIZE', `send to ${driver}: the input is ${bytes} bytes, umd takes at most ${MAX_INPUT_BYTES} bytes per request`, {
    suggestions: [`Send at most ${MAX_INPUT_BYTES} bytes; see \`umd info ${driver}\` for the driver's own request size`],
  });
}

export interface SendRequest {
  driver: string;
  input: string;
  searchPath: string[];
  /** The driver's reply deadline, in ms; the client waits a little longer. */
  timeoutMs?: number;
}

/** One `send` through the daemon, shared by the oclif command and the fast path. */
export async function sendRequest(daemon: DaemonConnection, request: SendRequest): Promise<SendResult> {
  const { driver, input, searchPath, timeoutMs } = request;
  return daemon.request(
    'send',
    { driver, input, searchPath, ...(timeoutMs ? { timeoutMs } : {}) },
    { timeoutMs: daemon.replyTimeoutMs + (timeoutMs ?? 0) * 2 },
  );
}

/** `umd: sample: 4 bytes accepted (loaded on demand)` */
export function describeSend(sent: SendResult): string {
  const how = sent.loadedOnDemand ? ' (loaded on demand)' : sent.started ? ' (handler restarted)' : '';
  return `umd: ${sent.driver}: ${sent.summary}${how}`;
}

/**
 * The body of `umd send` once its input is known, run by the oclif command
 * and by the fast path alike: the size check, the request, the line printed.
 */
export async function sendCommand(connect: () => Promise<DaemonConnection>, request: SendRequest, log: (line: string) => void): Promise<SendResult> {
  checkInputSize(request.driver, request.input);
  const result = await sendRequest(await connect(), request);
  log(describeSend(result));
  return result;
}
