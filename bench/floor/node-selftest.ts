// node dist/bench/floor/node-selftest.js HANDLER ITERATIONS UNLOAD_EVERY:
// the bare-Node floor of P2w. The work of bench/bin/selftest (umd_mgmt.sh
// with nothing in between) from one plain Node process: start the handler
// and run its post_start round trip (offset 0); ITERATIONS round trips at
// offsets (r % 128) * 1024, each reply's byte at the offset checked; after
// iteration i with i % UNLOAD_EVERY == 0 kill and reap it, so the next round
// trip starts a fresh one (500 and 50 make 11 starts). The handler is read
// the quickest way Node has (bench/floor/fifos.ts): FIFOs and `onread`
// into one buffer. No daemon, no socket, no CLI, no sandbox, no umd
// code. Timed from outside, as a whole process, like the C baseline.
import { closeSync, writeSync } from 'node:fs';
import { OnreadReplies, spawnOnFifos, type FifoHandler } from './fifos.js';

const REPLY_SIZE = 128 * 1024;
const [handlerPath, iterationsText, everyText] = process.argv.slice(2);
const iterations = Number(iterationsText);
const every = Number(everyText);
if (!handlerPath || !Number.isInteger(iterations) || iterations <= 0 || !Number.isInteger(every) || every <= 0) {
  process.stderr.write('usage: node-selftest HANDLER ITERATIONS UNLOAD_EVERY\n');
  process.exit(2);
}

const request = Buffer.alloc(4);

interface Handler extends FifoHandler {
  reader: OnreadReplies;
}

async function roundTrip(handler: Handler, offset: number): Promise<void> {
  request.writeUInt32LE(offset, 0);
  const answered = handler.reader.expect();
  writeSync(handler.requests, request);
  await answered;
  const { reply } = handler.reader;
  if (reply[offset] !== 1) throw new Error(`node-selftest: byte ${offset} of the reply is ${reply[offset]}, expected 1`);
}

async function start(): Promise<Handler> {
  const started = spawnOnFifos(handlerPath, []);
  const handler = { ...started, reader: new OnreadReplies(started.replies, REPLY_SIZE) };
  await new Promise((resolve) => handler.child.once('spawn', resolve));
  await roundTrip(handler, 0); // post_start
  return handler;
}

async function kill(handler: Handler): Promise<void> {
  const exited = new Promise((resolve) => handler.child.once('exit', resolve));
  handler.child.kill('SIGKILL');
  await exited;
  handler.reader.destroy();
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
