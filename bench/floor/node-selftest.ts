// node dist/bench/floor/node-selftest.js HANDLER ITERATIONS UNLOAD_EVERY:
// the bare-Node floor of P2w. The work of bench/bin/selftest (umd_mgmt.sh
// with nothing in between) from one plain Node process: start the handler
// and run its post_start round trip (offset 0); ITERATIONS round trips at
// offsets (r % 128) * 1024, each reply's byte at the offset checked; after
// iteration i with i % UNLOAD_EVERY == 0 kill and reap it, so the next round
// trip starts a fresh one (500 and 50 make 11 starts). The handler is read
// the quickest way Node has (bench/floor/node-rtt-onread.ts): FIFOs and
// `onread` into one buffer. No daemon, no socket, no CLI, no sandbox, no umd
// code. Timed from outside, as a whole process, like the C baseline.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, iterationsText, everyText] = process.argv.slice(2);
const iterations = Number(iterationsText);
const every = Number(everyText);
if (!handlerPath || !Number.isInteger(iterations) || iterations <= 0 || !Number.isInteger(every) || every <= 0) {
  process.stderr.write('usage: node-selftest HANDLER ITERATIONS UNLOAD_EVERY\n');
  process.exit(2);
}

const reply = Buffer.allocUnsafe(REPLY_SIZE);
const spare = Buffer.allocUnsafe(64);
const request = Buffer.alloc(4);
let filled = 0;
let done: (() => void) | null = null;

interface Handler {
  child: ChildProcess;
  requests: number;
  socket: net.Socket;
}

/** Both ends of a FIFO, opened without blocking on the other side. */
function ends(fifo: string): { read: number; write: number } {
  const both = openSync(fifo, constants.O_RDWR);
  const read = openSync(fifo, constants.O_RDONLY);
  const write = openSync(fifo, constants.O_WRONLY);
  closeSync(both);
  return { read, write };
}

async function roundTrip(handler: Handler, offset: number): Promise<void> {
  filled = 0;
  request.writeUInt32LE(offset, 0);
  await new Promise<void>((resolve) => {
    done = resolve;
    writeSync(handler.requests, request);
  });
  if (reply[offset] !== 1) throw new Error(`node-selftest: byte ${offset} of the reply is ${reply[offset]}, expected 1`);
}

async function start(): Promise<Handler> {
  const dir = mkdtempSync(path.join(tmpdir(), 'umd-bench-selftest-'));
  execFileSync('mkfifo', ['-m', '0600', path.join(dir, 'in'), path.join(dir, 'out')]);
  const toChild = ends(path.join(dir, 'in'));
  const fromChild = ends(path.join(dir, 'out'));
  rmSync(dir, { recursive: true });
  const child = spawn(handlerPath, [], { stdio: [toChild.read, fromChild.write, 'ignore'], env: {} });
  closeSync(toChild.read);
  closeSync(fromChild.write);
  const socket = new net.Socket({
    fd: fromChild.read,
    readable: true,
    writable: false,
    onread: {
      buffer: () => (filled < REPLY_SIZE ? reply.subarray(filled) : spare),
      callback: (n: number) => {
        filled += n;
        if (filled === REPLY_SIZE && done) done();
        return true;
      },
    },
  } as net.SocketConstructorOpts);
  await new Promise((resolve) => child.once('spawn', resolve));
  const handler = { child, requests: toChild.write, socket };
  await roundTrip(handler, 0); // post_start
  return handler;
}

async function kill(handler: Handler): Promise<void> {
  const exited = new Promise((resolve) => handler.child.once('exit', resolve));
  handler.child.kill('SIGKILL');
  await exited;
  handler.socket.destroy();
  closeSync(handler.requests);
}

let state = 12345;
let handler: Handler | null = await start();
for (let i = 0; i < iterations; i++) {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  handler ??= await start();
  await roundTrip(handler, ((state >>> 16) % 128) * 1024);
  if (i % every === 0) {
    await kill(handler);
    handler = null;
  }
}
if (handler) await kill(handler);
