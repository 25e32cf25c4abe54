// node dist/bench/floor/node-relay.js HANDLER N LAUNCHER: what the daemon's
// extra hop costs in Node at best, the Node twin of bench/relay.c. A relay
// process (a daemon written in plain Node, no umd code) owns a persistent
// sample_umh on FIFOs, the reply pipe sized by LAUNCHER (libexec/umd-exec
// --pipe-size) and read with `onread` into one buffer, as umd reads a
// handler (bench/floor/fifos.ts); this process sends it N requests over a Unix stream socket, 4
// bytes each, as a client does, and the relay forwards each to the handler,
// checks the reply and answers with the same 4 bytes. No JSON, no lock, no
// deadline, no dispatch. Prints the mean ns per request.
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, rmSync, writeSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnreadReplies, spawnOnFifos } from './fifos.js';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, countText, launcher, role, socketPath] = process.argv.slice(2);
const count = Number(countText);
if (!handlerPath || !launcher || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node-relay HANDLER N LAUNCHER\n');
  process.exit(2);
}

/** The relay: the handler on FIFOs, a Unix socket server forwarding 4-byte requests to it. */
async function relay(): Promise<void> {
  const { child, requests, replies: fromChild } = spawnOnFifos(launcher, ['--no-pidns', '--pipe-size', String(REPLY_SIZE), '--', handlerPath]);
  const replies = new OnreadReplies(fromChild, REPLY_SIZE);
  const server = net.createServer((socket) => {
    socket.on('data', (chunk: Buffer) => {
      const request = Buffer.from(chunk.subarray(0, 4));
      const offset = request.readUInt32LE(0);
      void replies.expect().then(() => {
        if (replies.reply[offset] !== 1) throw new Error(`node-relay: byte ${offset} of the reply is ${replies.reply[offset]}, expected 1`);
        socket.write(request);
      });
      writeSync(requests, request);
    });
    socket.on('close', () => {
      child.kill('SIGKILL');
      replies.destroy();
      closeSync(requests);
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
