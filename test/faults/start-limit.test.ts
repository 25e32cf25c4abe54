import test from 'ava';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { makeManager } from '../helpers/manager.js';
import { eventually, FIXTURES, processesUnder, SAMPLE_HANDLER } from '../helpers/runtime.js';

const fixture = (name: string) => path.join(FIXTURES, name);
const codeOf = async (p: Promise<unknown>) => ((await p.then(() => null, (e: unknown) => e)) as UmdError | null)?.code ?? 'ok';

test('every start counts: ten sends to a driver whose handler dies at start make five starts, then EAGAIN', async (t) => {
  const startLimit = { burst: 5, intervalMs: 60_000, cooldownMs: 60_000 };
  const { manager, logs } = await makeManager(t, 'dying', { handler: fixture('exit_at_start'), extra: { startLimit } });
  const codes: string[] = [];
  for (let i = 0; i < 10; i++) codes.push(await codeOf(manager.send('1')));
  t.deepEqual(codes, [...Array<string>(5).fill('ENOPROTOOPT'), ...Array<string>(5).fill('EAGAIN')]);
  t.is(logs.filter((e) => /^Loaded exit_at_start pid \d+$/.test(e.message)).length, 5);
  t.is(manager.state, 'failed');
  t.regex(manager.status.lastError?.message ?? '', /^driver dying: handler exit_at_start failed 5 starts within 60 s; not starting it for another (59|60) s$/);
  t.is(logs.filter((e) => e.level === 'error' && e.message.startsWith('driver dying: handler exit_at_start failed 5 starts')).length, 1);
});

test('failed clears by itself after the cool-down, and at an explicit load', async (t) => {
  const startLimit = { burst: 2, intervalMs: 60_000, cooldownMs: 300 };
  const { manager, logs } = await makeManager(t, 'dying', { handler: fixture('exit_at_start'), extra: { startLimit } });
  t.deepEqual([await codeOf(manager.send('1')), await codeOf(manager.send('1')), await codeOf(manager.send('1'))], ['ENOPROTOOPT', 'ENOPROTOOPT', 'EAGAIN']);
  t.true(await eventually(() => manager.state === 'unloaded', 5000), 'failed cleared after the cool-down');
  // A fresh burst of starts, then failed again.
  t.deepEqual([await codeOf(manager.send('1')), await codeOf(manager.send('1')), await codeOf(manager.send('1'))], ['ENOPROTOOPT', 'ENOPROTOOPT', 'EAGAIN']);
  t.is(logs.filter((e) => e.message.startsWith('Loaded exit_at_start')).length, 4);
  t.is(manager.state, 'failed');
  t.is(await codeOf(manager.load()), 'ECHILD', 'umd load clears failed and starts the handler');
  t.is(logs.filter((e) => e.message.startsWith('Loaded exit_at_start')).length, 5);
});

test('a handler that dies of a request is restarted with backoff and never fails the driver for others', async (t) => {
  const startLimit = { burst: 2, intervalMs: 60_000, cooldownMs: 60_000 };
  const { manager, logs } = await makeManager(t, 'fragile', { handler: fixture('crash_on_input'), extra: { startLimit } });
  await manager.load();
  const codes: string[] = [];
  for (let i = 0; i < 6; i++) {
    codes.push(await codeOf(manager.send('666')));
    t.not(manager.state, 'failed');
  }
  t.deepEqual(codes, Array<string>(6).fill('EFAULT'));
  t.deepEqual((await manager.send('5')).result, { bytes: 1, offset: 5 });
  const waits = logs.flatMap((e) => /waiting (\d+) ms before the next start$/.exec(e.message)?.[1] ?? []).map(Number);
  t.deepEqual(waits, [100, 200, 400, 800, 1600]);
  t.is(manager.state, 'running');
});

test('startLimit in driver.json is checked: a bad field names itself', async (t) => {
  const error = await t.throwsAsync(makeManager(t, 'odd', { handler: fixture('exit_at_start'), extra: { startLimit: { burst: 0 } } }), {
    instanceOf: UmdError,
  });
  t.is(error?.code, 'EINVAL');
  t.regex(error?.message ?? '', /expected "startLimit.burst" to be a positive integer, got 0$/);
});

test('a loaded driver whose restarts fail becomes failed, and umd load of the loaded driver clears it', async (t) => {
  const startLimit = { burst: 2, intervalMs: 60_000, cooldownMs: 60_000 };
  const { manager, blobsDir, dir } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER, extra: { startLimit } });
  const { pid } = await manager.load();
  const copy = path.join(blobsDir, 'sample', 'sample_umh');
  const good = readFileSync(copy);
  process.kill(pid as number, 'SIGKILL');
  await eventually(() => manager.state === 'stopped' && processesUnder(dir).length === 0);
  chmodSync(copy, 0o700);
  writeFileSync(copy, '#!/bin/sh\necho pwned\n');
  t.deepEqual([await codeOf(manager.send('1')), await codeOf(manager.send('1')), await codeOf(manager.send('1'))], ['EBADMSG', 'EBADMSG', 'EAGAIN']);
  t.is(manager.state, 'failed');
  writeFileSync(copy, good);
  chmodSync(copy, 0o555);
  t.deepEqual(await manager.load(), { alreadyLoaded: true, pid: null });
  t.is(manager.state, 'stopped');
  t.deepEqual((await manager.send('7')).result, { bytes: 1, offset: 7 });
});
