import { execFile } from 'node:child_process';
import { constants, openSync, rmSync } from 'node:fs';
import { Socket } from 'node:net';
import { promisify } from 'node:util';
import { UmdError } from '../core/errors.js';
import { LineSplitter } from '../core/lines.js';
import type { LogLevel } from '../core/log.js';

/** A /dev/kmsg record's `<N>` prefix: syslog priority (and facility) of the line. */
const PRIORITY = /^<(\d{1,3})>/;

/** The log level of a kmsg line, and the line without its `<N>` prefix. */
export function parseKmsgLine(line: string): { level: LogLevel; message: string } {
  const match = PRIORITY.exec(line);
  if (!match) return { level: 'info', message: line };
  const severity = Number(match[1]) & 7;
  return { level: severity <= 3 ? 'error' : severity === 4 ? 'warn' : 'info', message: line.slice(match[0].length) };
}

/**
 * One driver's own /dev/kmsg: a FIFO the launcher binds over /dev/kmsg in
 * each handler's mount namespace, read by the daemon for as long as the
 * driver is loaded, so a handler written for the kernel (which logs there)
 * lands in `umd log` instead of the host's kernel log. The daemon holds it
 * open for reading and writing, so a handler's open never blocks and the
 * end of one handler is not the end of the FIFO.
 */
export class KmsgSink {
  readonly path: string;
  readonly #socket: Socket;

  private constructor(path: string, socket: Socket) {
    this.path = path;
    this.#socket = socket;
  }

  /**
   * Puts a FIFO at `path` (one made ahead, from `fifoAt`, else through the
   * launcher: Node has no mkfifo) and starts reading it. Any handler uid
   * may write it (only the bind mount reaches it: its directory is the
   * daemon's, 0700); only the owner reads.
   */
  static async open(
    path: string,
    launcher: string,
    onLine: (level: LogLevel, message: string) => void,
    fifoAt?: (target: string, mode: number) => Promise<boolean>,
  ): Promise<KmsgSink> {
    try {
      if (!(await fifoAt?.(path, 0o622))) await promisify(execFile)(launcher, ['--mkfifo', path], { env: {} });
    } catch (error) {
      throw new UmdError('EIO', `cannot make the private /dev/kmsg FIFO ${path}: ${(error as Error).message}`, { cause: error });
    }
    const fd = openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
    const socket = new Socket({ fd, readable: true, writable: false });
    const lines = new LineSplitter((line) => {
      const { level, message } = parseKmsgLine(line);
      if (message.length > 0) onLine(level, message);
    });
    socket.setEncoding('utf8');
    socket.on('data', (text: string) => lines.push(text));
    socket.on('error', () => {
      // Closed under a read at unload: nothing left to log.
    });
    socket.unref();
    return new KmsgSink(path, socket);
  }

  close(): void {
    this.#socket.destroy();
    rmSync(this.path, { force: true });
  }
}
