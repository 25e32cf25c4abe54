import type { Socket } from 'node:net';
import { toUmdError, type UmdError } from '../core/errors.js';
import type { LogEntry } from '../core/log.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import type { ResponseFrame } from '../protocol/messages.js';
import { parseRequestFrame } from '../protocol/validate.js';
import { handlers, type DispatchContext } from './dispatch.js';

export type SharedContext = Omit<DispatchContext, 'push' | 'onClose'>;

/**
 * Serves one client connection: decodes frames, dispatches each request and
 * writes its reply. A malformed frame gets an EPROTO reply; a frame over the
 * size cap also closes the connection. Nothing a client sends can throw out
 * of here.
 */
export function serveConnection(socket: Socket, shared: SharedContext): void {
  const decoder = new FrameDecoder();
  const closers: Array<() => void> = [];
  let closed = false;

  const send = (frame: ResponseFrame): void => {
    if (!closed && socket.writable) socket.write(encodeFrame(frame));
  };
  const fail = (id: number, error: UmdError): void => send({ id, ok: false, error: error.toJSON() });

  const ctx: DispatchContext = {
    ...shared,
    push: (entry: LogEntry) => send({ id: 0, event: entry }),
    onClose: (fn) => closers.push(fn),
  };

  const handle = async (text: string): Promise<void> => {
    const parsed = parseRequestFrame(text);
    if ('error' in parsed) {
      fail(parsed.id, parsed.error);
      return;
    }
    const { frame } = parsed;
    try {
      const handler = handlers[frame.op] as (params: unknown, ctx: DispatchContext) => Promise<unknown>;
      const result = await handler(frame.params, { ...ctx, push: (entry) => send({ id: frame.id, event: entry }) });
      send({ id: frame.id, ok: true, result });
    } catch (error) {
      fail(frame.id, toUmdError(error, 'EIO', 'umd daemon'));
    }
  };

  socket.on('data', (chunk: Buffer) => {
    let frames: string[];
    try {
      frames = decoder.push(chunk);
    } catch (error) {
      fail(0, toUmdError(error, 'EPROTO', 'umd daemon'));
      socket.end();
      return;
    }
    for (const text of frames) void handle(text);
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    for (const fn of closers) fn();
  });
}

