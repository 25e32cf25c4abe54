import test from 'ava';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import {
  bpfilterManager,
  checkBpfilterReply,
  encodeBpfilterRequest,
  formatBpfilterResult,
  parseBpfilterInput,
} from '../../src/managers/bpfilter.js';
import type { SendResult } from '../../src/protocol/messages.js';
import { startDaemon } from '../helpers/daemon.js';
import { makeManager } from '../helpers/manager.js';
import { FIXTURES, ROOT, strayProcesses } from '../helpers/runtime.js';

const BPFILTER_HANDLER = path.join(ROOT, 'drivers/bpfilter/bpfilter_umh');
const pid = process.pid;

const accepts = test.macro({
  exec(t, input: string, expected: { cmd: number; len?: number; set?: boolean; addr?: bigint }) {
    t.deepEqual(parseBpfilterInput(input), { len: 0, set: false, addr: 0n, pid, ...expected });
  },
  title: (_given, input: string) => `bpfilter input ${input} is accepted`,
});

const rejects = test.macro({
  exec(t, input: string, message: string) {
    const error = t.throws(() => parseBpfilterInput(input), { instanceOf: UmdError });
    t.is(error?.code, 'EINVAL');
    t.is(error?.message, message);
  },
  title: (_given, input: string) => `bpfilter input ${input} is EINVAL`,
});

test(accepts, '{"cmd":64}', { cmd: 64 });
test(accepts, '{"cmd":64,"len":0,"set":false,"addr":0}\n', { cmd: 64 });
test(accepts, '{"cmd":64,"len":84,"set":true,"addr":4096}', { cmd: 64, len: 84, set: true, addr: 4096n });
test(accepts, '{"cmd":4294967295,"len":4294967295}', { cmd: 4294967295, len: 4294967295 });
test(accepts, '{"cmd":65,"addr":"18446744073709551615"}', { cmd: 65, addr: 18446744073709551615n });

test(rejects, '64', 'bpfilter: expected a JSON object, got 64');
test(rejects, 'cmd=64', 'bpfilter: expected a JSON object, got "cmd=64"');
test(rejects, '[64]', 'bpfilter: expected a JSON object, got [64]');
test(rejects, '{}', 'bpfilter: expected "cmd" to be an integer from 0 to 4294967295, got nothing');
test(rejects, '{"cmd":-1}', 'bpfilter: expected "cmd" to be an integer from 0 to 4294967295, got -1');
test(rejects, '{"cmd":4294967296}', 'bpfilter: expected "cmd" to be an integer from 0 to 4294967295, got 4294967296');
test(rejects, '{"cmd":1.5}', 'bpfilter: expected "cmd" to be an integer from 0 to 4294967295, got 1.5');
test(rejects, '{"cmd":64,"len":"0x10"}', 'bpfilter: expected "len" to be an integer from 0 to 4294967295, got "0x10"');
test(rejects, '{"cmd":64,"set":1}', 'bpfilter: expected "set" to be true or false, got 1');
test(rejects, '{"cmd":64,"addr":"18446744073709551616"}', 'bpfilter: expected "addr" to be an integer from 0 to 18446744073709551615, got "18446744073709551616"');
test(rejects, '{"cmd":64,"pid":1}', 'bpfilter: expected only the fields cmd, len, set, addr, got "pid"');

test('a bpfilter request is addr, len, is_set, cmd, pid in 24 little-endian bytes', (t) => {
  const encoded = encodeBpfilterRequest({ addr: 0x0102030405060708n, len: 84, set: true, cmd: 64, pid: 0x1234 });
  t.is(encoded.toString('hex'), '0807060504030201' + '54000000' + '01000000' + '40000000' + '34120000');
  t.is(bpfilterManager.requestSize, 24);
  t.is(bpfilterManager.replySize, 4);
});

test('a bpfilter reply is a status: 0, or a negative errno named in the result', (t) => {
  const reply = (status: number) => {
    const buf = Buffer.alloc(4);
    buf.writeInt32LE(status);
    return buf;
  };
  t.deepEqual(checkBpfilterReply(reply(0)), { status: 0, errno: null });
  t.deepEqual(checkBpfilterReply(reply(-92)), { status: -92, errno: 'ENOPROTOOPT' });
  t.deepEqual(checkBpfilterReply(reply(-4095)), { status: -4095, errno: 'E4095' });
  t.is(formatBpfilterResult({ status: 0, errno: null }), 'status 0');
  t.is(formatBpfilterResult({ status: -1, errno: 'EPERM' }), 'status -1 (EPERM)');
  for (const status of [1, -4096]) {
    const error = t.throws(() => checkBpfilterReply(reply(status)), { instanceOf: UmdError });
    t.is(error?.code, 'EINVAL');
    t.is(error?.message, `bpfilter: the handler's reply has status ${status}, expected 0 or a negative errno`);
  }
});

test('the bpfilter driver loads, passes its health check and answers its commands', async (t) => {
  const { manager, logs } = await makeManager(t, 'bpfilter', { handler: BPFILTER_HANDLER, manager: 'bpfilter' });
  const loaded = await manager.load();
  t.true(logs.some((e) => e.message === `Loaded bpfilter_umh pid ${loaded.pid}`));
  const answers: Array<[string, number, string | null]> = [
    ['{"cmd":0}', 0, null], // the health check, by hand
    ['{"cmd":64,"len":84}', 0, null], // IPT_SO_GET_INFO
    ['{"cmd":65,"len":40,"addr":4096}', 0, null], // IPT_SO_GET_ENTRIES
    ['{"cmd":64,"set":true}', -1, 'EPERM'], // IPT_SO_SET_REPLACE: the table is read-only
    ['{"cmd":65,"set":true}', -92, 'ENOPROTOOPT'], // IPT_SO_SET_ADD_COUNTERS: not answered
    ['{"cmd":99}', -92, 'ENOPROTOOPT'],
    ['{"cmd":4294967295,"set":true}', -92, 'ENOPROTOOPT'],
  ];
  for (const [input, status, errno] of answers) {
    const sent = await manager.send(input);
    t.deepEqual(sent.result, { status, errno }, input);
    t.is(sent.pid, loaded.pid as number);
  }
  t.true(logs.some((e) => e.source === 'bpfilter_umh' && e.message === 'Started bpfilter_umh'));
  t.is(manager.status.requests, answers.length);
});

test('bad bpfilter input is EINVAL and nothing is sent, not even an on-demand load', async (t) => {
  const { manager, blobsDir } = await makeManager(t, 'bpfilter', { handler: BPFILTER_HANDLER, manager: 'bpfilter' });
  for (const input of ['{"cmd":-1}', '{"cmd":64,"set":"yes"}', 'nonsense']) {
    const error = await t.throwsAsync(manager.send(input), { instanceOf: UmdError });
    t.is(error?.code, 'EINVAL');
  }
  t.is(manager.state, 'unloaded');
  t.false(existsSync(blobsDir));
  t.deepEqual(manager.status, { name: 'bpfilter', state: 'unloaded', pid: null, requests: 0, failures: 0, restarts: 0, lastError: null });
});

test('the health check fails when the handler answers a non-zero status, leaving no process and no blob copy', async (t) => {
  const { manager, dir, blobsDir } = await makeManager(t, 'bpfilter', { handler: path.join(FIXTURES, 'status_reply'), manager: 'bpfilter' });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'EINVAL');
  t.regex(
    error?.message ?? '',
    /^driver bpfilter: post_start health check of status_reply \(pid \d+\) failed: bpfilter: the health check answered status -22 \(EINVAL\), expected status 0$/,
  );
  t.is(manager.state, 'unloaded');
  t.deepEqual(await strayProcesses(dir), []);
  t.deepEqual(readdirSync(blobsDir), []);
});

test('bpfilter and sample run side by side: interleaved requests all answer correctly', async (t) => {
  const { client } = await startDaemon(t);
  const requests: Array<Promise<SendResult>> = [];
  for (let i = 0; i < 12; i++) {
    const offset = String(i * 1024);
    requests.push(client.request('send', { driver: 'sample', input: offset }));
    requests.push(client.request('send', { driver: 'bpfilter', input: JSON.stringify({ cmd: i % 2 === 0 ? 64 : 99 }) }));
  }
  const results = await Promise.all(requests);
  results.forEach((sent, n) => {
    const i = Math.floor(n / 2);
    if (n % 2 === 0) {
      t.deepEqual([sent.driver, sent.result, sent.summary], ['sample', { bytes: String(i * 1024).length, offset: i * 1024 }, `${String(i * 1024).length} ${String(i * 1024).length === 1 ? 'byte' : 'bytes'} accepted`]);
    } else {
      const [status, errno] = i % 2 === 0 ? [0, null] : [-92, 'ENOPROTOOPT'];
      t.deepEqual([sent.driver, sent.result, sent.summary], ['bpfilter', { status, errno }, formatBpfilterResult({ status, errno })]);
    }
  });
  const list = await client.request('list', {});
  t.deepEqual(
    list.filter((e) => e.name === 'sample' || e.name === 'bpfilter').map((e) => [e.name, e.state, e.requests, e.failures]),
    [['bpfilter', 'running', 12, 0], ['sample', 'running', 12, 0]],
  );
});
