// node dist/bench/floor/node-rtt.js HANDLER N: the bare-Node floor of P1.
// The same round trips as bench/bin/rtt (4 B out, 128 KiB in, the byte at
// the offset checked), from a plain Node process: the handler spawned with
// stdio 'pipe', its stdout's 'data' events copied into one preallocated
// buffer. No daemon, no socket, no umd code: what Node's event loop and
// stream path cost by themselves. Prints the mean nanoseconds per round trip.
import { spawn } from 'node:child_process';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, countText] = process.argv.slice(2);
const count = Number(countText);
if (!handlerPath || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node-rtt HANDLER N\n');
  process.exit(2);
}

const child = spawn(handlerPath, [], { stdio: ['pipe', 'pipe', 'ignore'], env: {} });
const reply = Buffer.allocUnsafe(REPLY_SIZE);
const request = Buffer.alloc(4);
let filled = 0;
let done: (() => void) | null = null;
child.stdout.on('data', (chunk: Buffer) => {
  filled += chunk.copy(reply, filled);
  if (filled === REPLY_SIZE && done) done();
});

async function roundTrip(offset: number): Promise<void> {
  filled = 0;
  request.writeUInt32LE(offset, 0);
  await new Promise<void>((resolve) => {
    done = resolve;
    child.stdin.write(request);
  });
  if (reply[offset] !== 1) throw new Error(`node-rtt: byte ${offset} of the reply is ${reply[offset]}, expected 1`);
}

for (let i = 0; i < 50; i++) await roundTrip((i % 128) * 1024);
const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) await roundTrip((i % 128) * 1024);
process.stdout.write(`${Number(process.hrtime.bigint() - start) / count}\n`);
child.kill('SIGKILL');
