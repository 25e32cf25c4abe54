// What the FIFO floors share (plain Node, no umd code): a handler started
// with its stdin and stdout on two FIFOs, and its replies read the way umd's
// daemon reads them, by libuv straight into one preallocated buffer
// (net.Socket's `onread`): no 64 KiB chunks, no 'data' events.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A handler on FIFOs: this process keeps the write end of its stdin and the read end of its stdout. */
export interface FifoHandler {
  child: ChildProcess;
  requests: number;
  replies: number;
}

/** Both ends of a FIFO: O_RDWR first so that neither open blocks, then the two ends each side keeps. */
function ends(fifo: string): { read: number; write: number } {
  const both = openSync(fifo, constants.O_RDWR);
  const read = openSync(fifo, constants.O_RDONLY);
  const write = openSync(fifo, constants.O_WRONLY);
  closeSync(both);
  return { read, write };
}

/** Starts `command args` with two fresh FIFOs (made with mkfifo(1), removed at once) as its stdin and stdout. */
export function spawnOnFifos(command: string, args: string[]): FifoHandler {
  const dir = mkdtempSync(path.join(tmpdir(), 'umd-bench-fifo-'));
  execFileSync('mkfifo', ['-m', '0600', path.join(dir, 'in'), path.join(dir, 'out')]);
  const toChild = ends(path.join(dir, 'in'));
  const fromChild = ends(path.join(dir, 'out'));
  rmSync(dir, { recursive: true });
  const child = spawn(command, args, { stdio: [toChild.read, fromChild.write, 'ignore'], env: {} });
  closeSync(toChild.read);
  closeSync(fromChild.write);
  return { child, requests: toChild.write, replies: fromChild.read };
}

/**
 * The replies of a handler, `size` bytes each, read into `reply`. `expect()`
 * before each request; the promise it returns settles when the whole reply
 * is in. Bytes read while no reply is expected land in a small spare.
 */
export class OnreadReplies {
  readonly reply: Buffer;
  readonly #socket: net.Socket;
  readonly #spare = Buffer.allocUnsafe(64);
  #filled: number;
  #done: (() => void) | null = null;

  constructor(fd: number, size: number) {
    this.reply = Buffer.allocUnsafe(size);
    this.#filled = size;
    this.#socket = new net.Socket({
      fd,
      readable: true,
      writable: false,
      onread: {
        buffer: () => (this.#filled < size ? this.reply.subarray(this.#filled) : this.#spare),
        callback: (n: number, into: Buffer) => {
          if (into === this.#spare) this.#spare.copy(this.reply, this.#filled, 0, n);
          this.#filled += n;
          if (this.#filled === size && this.#done) this.#done();
          return true;
        },
      },
    } as net.SocketConstructorOpts);
  }

  /** Starts waiting for the next reply; call it before the request is written. */
  expect(): Promise<void> {
    this.#filled = 0;
    return new Promise((resolve) => {
      this.#done = () => {
        this.#done = null;
        resolve();
      };
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }
}
