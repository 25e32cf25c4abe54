// node dist/bench/floor/node-rtt-onread.js HANDLER N [LAUNCHER]: the event
// loop without Node's stream machinery, as umd's daemon reads a handler. The handler's stdin and stdout are
// FIFOs (mkfifo(1) in a temp dir); the request is one fs.writeSync, the
// reply is read by libuv straight into one preallocated buffer (net.Socket's
// `onread`), with no 64 KiB chunks, no copy and no 'data' events. With
// LAUNCHER (libexec/umd-exec) the handler is started through it with
// `--no-pidns --pipe-size 131072`, so the reply pipe holds a whole reply.
// Prints the mean ns per round trip.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, countText, launcher] = process.argv.slice(2);
const count = Number(countText);
if (!handlerPath || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node-rtt-onread HANDLER N [LAUNCHER]\n');
  process.exit(2);
}

const dir = mkdtempSync(path.join(tmpdir(), 'umd-bench-fifo-'));
const requests = path.join(dir, 'in');
const replies = path.join(dir, 'out');
execFileSync('mkfifo', ['-m', '0600', requests, replies]);
function ends(fifo: string): { read: number; write: number } {
  const both = openSync(fifo, constants.O_RDWR);
  const read = openSync(fifo, constants.O_RDONLY);
  const write = openSync(fifo, constants.O_WRONLY);
  closeSync(both);
  return { read, write };
}
const toChild = ends(requests);
const fromChild = ends(replies);
rmSync(dir, { recursive: true });
const [command, args] = launcher ? [launcher, ['--no-pidns', '--pipe-size', String(REPLY_SIZE), '--', handlerPath]] : [handlerPath, []];
const child = spawn(command, args, { stdio: [toChild.read, fromChild.write, 'ignore'], env: {} });
closeSync(toChild.read);
closeSync(fromChild.write);

const reply = Buffer.allocUnsafe(REPLY_SIZE);
const request = Buffer.alloc(4);
const spare = Buffer.allocUnsafe(64); // past the reply: bytes nobody asked for
let filled = 0;
let done: (() => void) | null = null;
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

async function roundTrip(offset: number): Promise<void> {
  filled = 0;
  request.writeUInt32LE(offset, 0);
  await new Promise<void>((resolve) => {
    done = resolve;
    writeSync(toChild.write, request);
  });
  if (reply[offset] !== 1) throw new Error(`node-rtt-onread: byte ${offset} of the reply is ${reply[offset]}, expected 1`);
}

await new Promise((resolve) => child.once('spawn', resolve));
for (let i = 0; i < 50; i++) await roundTrip((i % 128) * 1024);
const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) await roundTrip((i % 128) * 1024);
process.stdout.write(`${Number(process.hrtime.bigint() - start) / count}\n`);
child.kill('SIGKILL');
socket.destroy();
closeSync(toChild.write);
