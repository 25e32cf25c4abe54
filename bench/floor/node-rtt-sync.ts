// node dist/bench/floor/node-rtt-sync.js HANDLER N: bench/floor/node-rtt.ts
// with blocking I/O: the handler's stdin and stdout are FIFOs
// (bench/floor/fifos.ts), and the round trip is fs.writeSync and
// fs.readSync until the reply is in, on the main thread. What a blocking
// reader (e.g. a worker thread per driver) could reach from Node; the daemon
// cannot block its event loop like this. Prints the mean ns per round trip.
import { closeSync, readSync, writeSync } from 'node:fs';
import { spawnOnFifos } from './fifos.js';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, countText] = process.argv.slice(2);
const count = Number(countText);
if (!handlerPath || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node-rtt-sync HANDLER N\n');
  process.exit(2);
}

const { child, requests, replies } = spawnOnFifos(handlerPath, []);

const reply = Buffer.allocUnsafe(REPLY_SIZE);
const request = Buffer.alloc(4);
function roundTrip(offset: number): void {
  request.writeUInt32LE(offset, 0);
  writeSync(requests, request);
  let filled = 0;
  while (filled < REPLY_SIZE) {
    const n = readSync(replies, reply, filled, REPLY_SIZE - filled, null);
    if (n === 0) throw new Error('node-rtt-sync: the handler closed its stdout');
    filled += n;
  }
  if (reply[offset] !== 1) throw new Error(`node-rtt-sync: byte ${offset} of the reply is ${reply[offset]}, expected 1`);
}

await new Promise((resolve) => child.once('spawn', resolve));
for (let i = 0; i < 50; i++) roundTrip((i % 128) * 1024);
const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) roundTrip((i % 128) * 1024);
process.stdout.write(`${Number(process.hrtime.bigint() - start) / count}\n`);
child.kill('SIGKILL');
closeSync(requests);
closeSync(replies);
