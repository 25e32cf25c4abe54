import test from 'ava';
import fc from 'fast-check';
import net from 'node:net';
import { UmdError } from '../../src/core/errors.js';
import { parseSampleInput } from '../../src/managers/sample.js';
import { OP_NAMES } from '../../src/protocol/messages.js';
import { startDaemon } from '../helpers/daemon.js';

/**
 * Sends raw bytes on a fresh connection; returns the reply lines, ending at close, once `expect` lines have come
 * (then `quietMs` is only a 10 s guard: some ops, such as restart, take longer than a quiet window), or after
 * `quietMs` of silence.
 */
async function exchange(socketPath: string, data: Uint8Array | string, options: { quietMs?: number; abort?: boolean; expect?: number } = {}): Promise<string[]> {
  const socket = net.createConnection({ path: socketPath });
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  let text = '';
  socket.setEncoding('utf8').on('data', (s: string) => (text += s));
  socket.write(data);
  if (options.abort) {
    socket.destroy();
    return [];
  }
  const quietMs = options.expect === undefined ? (options.quietMs ?? 60) : 10_000;
  const lines = () => text.split('\n').filter((l) => l.length > 0).length;
  await new Promise<void>((resolve) => {
    let timer = setTimeout(resolve, quietMs);
    socket.on('data', () => {
      clearTimeout(timer);
      if (options.expect !== undefined && lines() >= options.expect) resolve();
      else timer = setTimeout(resolve, quietMs);
    });
    socket.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return text.split('\n').filter((l) => l.length > 0);
}

type Reply = { id: number; ok: boolean; error?: { code: string } };

test('random bytes on the control socket get error replies, and the daemon stays up and correct', async (t) => {
  const { daemon, client } = await startDaemon(t);
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
      const replies = (await exchange(daemon.paths.socket, bytes, { quietMs: 20 })).map((l) => JSON.parse(l) as Reply);
      return replies.every((r) => r.ok === false && ['EPROTO', 'EINVAL', 'ENOENT'].includes(r.error?.code ?? ''));
    }),
    { numRuns: 150 },
  );
  t.deepEqual((await client.request('send', { driver: 'sample', input: '4242' })).result, { bytes: 4, offset: 4242 });
});

test('frames with wrong types and unknown operations get a named error for each frame', async (t) => {
  const { daemon, client } = await startDaemon(t);
  const ops = fc.constantFrom(...OP_NAMES.filter((op) => op !== 'shutdown' && op !== 'log'), 'fly', '', '__proto__', 'constructor');
  const frame = fc.record({ id: fc.oneof(fc.integer({ min: 1, max: 1e9 }), fc.anything()), op: fc.oneof(ops, fc.anything()), params: fc.anything() }, { requiredKeys: [] });
  await fc.assert(
    fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 5 }), async (frames) => {
      const text = frames.map((f) => `${JSON.stringify(f) ?? 'null'}\n`).join('');
      const replies = (await exchange(daemon.paths.socket, text, { expect: frames.length })).map((l) => JSON.parse(l) as Reply);
      return replies.length === frames.length && replies.every((r) => r.ok === true || typeof r.error?.code === 'string');
    }),
    { numRuns: 120 },
  );
  t.is((await client.request('status', {})).pid, process.pid);
  t.deepEqual((await client.request('send', { driver: 'sample', input: '1' })).result, { bytes: 1, offset: 1 });
});

test('truncated frames and clients that vanish mid-request do not disturb the others', async (t) => {
  const { daemon, client } = await startDaemon(t);
  const valid = JSON.stringify({ id: 7, op: 'send', params: { driver: 'sample', input: '512' } });
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: valid.length }), fc.boolean(), async (cut, newline) => {
      await exchange(daemon.paths.socket, valid.slice(0, cut) + (newline ? '\n' : ''), { abort: true });
      return true;
    }),
    { numRuns: 60 },
  );
  const sent = await client.request('send', { driver: 'sample', input: '513' });
  t.deepEqual(sent.result, { bytes: 3, offset: 513 });
});

test('any string is either a valid sample offset or EINVAL, and the daemon agrees', async (t) => {
  const { client } = await startDaemon(t);
  const valid = /^\+?[0-9]+\n?$/;
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string({ maxLength: 10 }), fc.stringMatching(/^\+?[0-9]{1,7}\n?$/)), async (input) => {
      let expected: number | null = null;
      try {
        expected = parseSampleInput(input).offset;
      } catch (error) {
        if (!(error instanceof UmdError) || error.code !== 'EINVAL') return false;
      }
      const wellFormed = Buffer.byteLength(input) < 8 && valid.test(input) && Number(input.replace(/[+\n]/g, '')) < 131072;
      if (wellFormed !== (expected !== null)) return false;
      try {
        const sent = await client.request('send', { driver: 'sample', input });
        return expected !== null && (sent.result as { offset: number; bytes: number }).offset === expected;
      } catch (error) {
        return expected === null && error instanceof UmdError && error.code === 'EINVAL';
      }
    }),
    { numRuns: 200 },
  );
  t.pass();
});
