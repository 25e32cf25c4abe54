import type { Socket } from 'node:net';
import { toUmdError, type UmdError } from '../core/errors.js';
import type { LogEntry } from '../core/log.js';
import { encodeFrame, FrameDecoder } from '../protocol/framing.js';
import type { ResponseFrame } from '../protocol/messages.js';
import { parseRequestFrame } from '../protocol/validate.js';
import { operations, type DispatchContext } from './dispatch.js';
import type { ControlLimits } from './limits.js';

export type SharedContext = Omit<DispatchContext, 'push' | 'onClose'>;

/** What the daemon's sweep asks of each connection: why it should be closed now, if it should. */
export interface ConnectionWatch {
  overdue(now: number): string | null;
  /** Since when it has been idle (nothing in flight or queued, no `log -f`); null while it is not. */
  idleSince(): number | null;
}

/**
 * Serves one client connection: decodes frames, dispatches each request and
 * writes its reply. A malformed frame gets an EPROTO reply; a frame over the
 * size cap also closes the connection. Nothing a client sends can throw out
 * of here, and nothing it fails to read piles up: at most `maxInFlight`
 * requests are served at once, replies wait as objects until the socket has
 * taken the ones before, and while they wait the socket is not read.
 */
export function serveConnection(socket: Socket, shared: SharedContext, limits: ControlLimits, drop: (why: string) => void): ConnectionWatch {
  const decoder = new FrameDecoder();
  const closers: Array<() => void> = [];
  const frames: string[] = [];
  const out: ResponseFrame[] = [];
  let inFlight = 0;
  let following = false;
  let closed = false;
  let lastActivity = Date.now();
  let partialSince = 0;
  let stalledSince = 0;

  const flush = (): void => {
    while (out.length > 0 && !closed && socket.writableLength < limits.highWaterBytes) {
      socket.write(encodeFrame(out.shift()));
      stalledSince = 0;
    }
    if (out.length > 0 && stalledSince === 0) stalledSince = Date.now();
  };
  const send = (frame: ResponseFrame): void => {
    if (closed) return;
    if (out.length >= limits.maxQueuedFrames) {
      drop(`it left ${out.length} replies and events unread`);
      return;
    }
    out.push(frame);
    flush();
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
    if (frame.op === 'log' && (frame.params as { follow?: unknown } | undefined)?.follow === true) following = true;
    try {
      const operation = operations[frame.op] as (params: unknown, ctx: DispatchContext) => Promise<unknown>;
      const result = await operation(frame.params, { ...ctx, push: (entry) => send({ id: frame.id, event: entry }) });
      send({ id: frame.id, ok: true, result });
    } catch (error) {
      fail(frame.id, toUmdError(error, 'EIO', 'umd daemon'));
    }
  };

  /** Starts waiting requests while there is room; reads the socket only while nothing waits. */
  const pump = (): void => {
    while (frames.length > 0 && inFlight < limits.maxInFlight && out.length === 0 && !closed) {
      inFlight++;
      void handle(frames.shift() as string).finally(() => {
        inFlight--;
        lastActivity = Date.now();
        pump();
      });
    }
    if (frames.length > 0 || out.length > 0) socket.pause();
    else if (!closed) socket.resume();
  };

  socket.on('data', (chunk: Buffer) => {
    lastActivity = Date.now();
    try {
      frames.push(...decoder.push(chunk));
    } catch (error) {
      fail(0, toUmdError(error, 'EPROTO', 'umd daemon'));
      socket.end();
      return;
    }
    partialSince = decoder.buffered > 0 ? partialSince || lastActivity : 0;
    pump();
  });
  socket.on('drain', () => {
    flush();
    pump();
  });
  socket.on('error', () => undefined);
  socket.on('close', () => {
    closed = true;
    frames.length = 0;
    out.length = 0;
    for (const fn of closers) fn();
  });

  const isIdle = () => inFlight === 0 && !following && frames.length === 0 && out.length === 0 && decoder.buffered === 0;
  return {
    idleSince: () => (isIdle() ? lastActivity : null),
    overdue(now) {
      if (stalledSince > 0 && now - stalledSince >= limits.stallMs) return `it read none of its replies for ${limits.stallMs} ms`;
      if (partialSince > 0 && now - partialSince >= limits.frameMs) return `it left a control message unfinished for ${limits.frameMs} ms`;
      if (isIdle() && now - lastActivity >= limits.idleMs) return `it sent nothing for ${limits.idleMs} ms`;
      return null;
    },
  };
}
