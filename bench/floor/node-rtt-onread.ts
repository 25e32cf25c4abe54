// node dist/bench/floor/node-rtt-onread.js HANDLER N [LAUNCHER]: the event
// loop without Node's stream machinery, as umd's daemon reads a handler. The
// handler's stdin and stdout are FIFOs; the request is one fs.writeSync, the
// reply is read by libuv straight into one preallocated buffer
// (bench/floor/fifos.ts), with no 64 KiB chunks, no copy and no 'data' events. With
// LAUNCHER (libexec/umd-exec) the handler is started through it with
// `--no-pidns --pipe-size 131072`, so the reply pipe holds a whole reply.
// Prints the mean ns per round trip.
import { closeSync, writeSync } from 'node:fs';
import { OnreadReplies, spawnOnFifos } from './fifos.js';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, countText, launcher] = process.argv.slice(2);
const count = Number(countText);
if (!handlerPath || !Number.isInteger(count) || count <= 0) {
  process.stderr.write('usage: node-rtt-onread HANDLER N [LAUNCHER]\n');
  process.exit(2);
}

const [command, args] = launcher ? [launcher, ['--no-pidns', '--pipe-size', String(REPLY_SIZE), '--', handlerPath]] : [handlerPath, []];
const { child, requests, replies: fromChild } = spawnOnFifos(command, args);
const replies = new OnreadReplies(fromChild, REPLY_SIZE);
const request = Buffer.alloc(4);

async function roundTrip(offset: number): Promise<void> {
  request.writeUInt32LE(offset, 0);
  const answered = replies.expect();
  writeSync(requests, request);
  await answered;
  if (replies.reply[offset] !== 1) throw new Error(`node-rtt-onread: byte ${offset} of the reply is ${replies.reply[offset]}, expected 1`);
}

await new Promise((resolve) => child.once('spawn', resolve));
for (let i = 0; i < 50; i++) await roundTrip((i % 128) * 1024);
const start = process.hrtime.bigint();
for (let i = 0; i < count; i++) await roundTrip((i % 128) * 1024);
process.stdout.write(`${Number(process.hrtime.bigint() - start) / count}\n`);
child.kill('SIGKILL');
replies.destroy();
closeSync(requests);
