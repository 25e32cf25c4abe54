// node dist/bench/floor/node-relay.js HANDLER N LAUNCHER: what the daemon's
// extra hop costs in Node at best, the Node twin of bench/relay.c. A relay
// process (a daemon written in plain Node, no umd code) owns a persistent
// sample_umh on FIFOs, the reply pipe sized by LAUNCHER (libexec/umd-exec
// --pipe-size) and read with `onread` into one buffer, as umd reads a
// handler; this process sends it N requests over a Unix stream socket, 4
// bytes each, as a client does, and the relay forwards each to the handler,
// checks the reply and answers with the same 4 bytes. No JSON, no lock, no
// deadline, no dispatch. Prints the mean ns per request.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, countText, launcher, role, socketPath] = process.argv.slice(2);
const count = Number(countText);
if (!handlerPath || !launcher || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node-relay HANDLER N LAUNCHER\n');
  process.exit(2);
}

/** Both ends of a fresh FIFO, the FIFO itself removed. */
function fifoEnds(dir: string, name: string): { read: number; write: number } {
  const fifo = path.join(dir, name);
  execFileSync('mkfifo', ['-m', '0600', fifo]);
  const both = openSync(fifo, constants.O_RDWR);
  const read = openSync(fifo, constants.O_RDONLY);
  const write = openSync(fifo, constants.O_WRONLY);
  closeSync(both);
  rmSync(fifo);
  return { read, write };
}

/** The relay: the handler on FIFOs, a Unix socket server forwarding 4-byte requests to it. */
async function relay(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'umd-bench-relay-'));
  const toChild = fifoEnds(dir, 'in');
  const fromChild = fifoEnds(dir, 'out');
  rmSync(dir, { recursive: true });
  const child = spawn(launcher, ['--no-pidns', '--pipe-size', String(REPLY_SIZE), '--', handlerPath], { stdio: [toChild.read, fromChild.write, 'ignore'], env: {} });
  closeSync(toChild.read);
  closeSync(fromChild.write);
  const reply = Buffer.allocUnsafe(REPLY_SIZE);
  const spare = Buffer.allocUnsafe(64);
  let filled = REPLY_SIZE;
  let done: (() => void) | null = null;
  const pipe = new net.Socket({
    fd: fromChild.read,
    readable: true,
    writable: false,
    onread: {
      buffer: () => (filled < REPLY_SIZE ? reply.subarray(filled) : spare),
      callback: (n: number, into: Buffer) => {
        if (into === spare) spare.copy(reply, filled, 0, n);
        filled += n;
        if (filled === REPLY_SIZE && done) done();
        return true;
      },
    },
  } as net.SocketConstructorOpts);
  const server = net.createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      const request = Buffer.from(chunk.subarray(0, 4));
      const offset = request.readUInt32LE(0);
      filled = 0;
      done = () => {
        done = null;
        if (reply[offset] !== 1) throw new Error(`node-relay: byte ${offset} of the reply is ${reply[offset]}, expected 1`);
        socket.write(request);
      };
      writeSync(toChild.write, request);
    });
    socket.on('close', () => {
      child.kill('SIGKILL');
      pipe.destroy();
      closeSync(toChild.write);
      server.close();
    });
  });
  await new Promise((resolve) => child.once('spawn', resolve));
  server.listen(socketPath, () => process.stdout.write('ready\n'));
}

/** The client: starts the relay, then N sequential requests over its socket. */
async function client(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'umd-bench-relay-sock-'));
  const sock = path.join(dir, 'relay.sock');
  const relayProcess = spawn(process.execPath, [fileURLToPath(import.meta.url), handlerPath, countText, launcher, 'relay', sock], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve) => relayProcess.stdout.once('data', resolve));
  const socket = net.createConnection({ path: sock });
  await new Promise((resolve) => socket.once('connect', resolve));
  let answered: (() => void) | null = null;
  socket.on('data', () => answered?.());
  const request = Buffer.alloc(4);
  const roundTrip = async (offset: number): Promise<void> => {
    request.writeUInt32LE(offset, 0);
    await new Promise<void>((resolve) => {
      answered = resolve;
      socket.write(request);
    });
  };
  for (let i = 0; i < 50; i++) await roundTrip((i % 128) * 1024);
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await roundTrip((i % 128) * 1024);
  process.stdout.write(`${Number(process.hrtime.bigint() - start) / count}\n`);
  socket.end();
  await new Promise((resolve) => relayProcess.once('exit', resolve));
  rmSync(dir, { recursive: true, force: true });
}

await (role === 'relay' ? relay() : client());
