import test from 'ava';
import { existsSync, readdirSync, chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { makeManager } from '../helpers/manager.js';
import { alive, eventually, FIXTURES, SAMPLE_HANDLER } from '../helpers/runtime.js';

const fixture = (name: string) => path.join(FIXTURES, name);

test('load starts the handler, runs post_start and logs the start', async (t) => {
  const { manager, logs } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const loaded = await manager.load();
  t.false(loaded.alreadyLoaded);
  t.true(alive(loaded.pid as number));
  t.is(manager.state, 'running');
  t.true(logs.some((e) => e.source === 'umd' && e.message === `Loaded sample_umh pid ${loaded.pid}`));
  // stderr is another pipe: its line may come after the reply.
  t.true(await eventually(() => logs.some((e) => e.source === 'sample_umh' && e.message === 'Started sample_umh')));
});

test('loading a loaded driver succeeds and says it was already loaded', async (t) => {
  const { manager } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const first = await manager.load();
  t.deepEqual(await manager.load(), { alreadyLoaded: true, pid: first.pid });
});

test('send returns the bytes accepted after checking the whole 128 KiB reply', async (t) => {
  const { manager } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  await manager.load();
  for (const input of ['0', '131071', '65536\n', '+77']) {
    const sent = await manager.send(input);
    t.deepEqual(sent.result, { bytes: Buffer.byteLength(input), offset: Number(input.replace('+', '')) });
  }
  // The raw mgmt_send_recv: the reply is a copy the caller keeps, untouched by the requests after it.
  const raw = await manager.mgmtSendRecv(Buffer.from([0xff, 0xff, 0x01, 0x00]));
  await manager.send('0');
  t.is(raw.result.length, 131072);
  t.is(raw.result[131071], 1);
  t.is(raw.result.reduce((sum, byte) => sum + byte, 0), 1);
  t.is(manager.status.requests, 6);
});

test('partial reads and writes: a handler that reads byte by byte and replies in small pieces', async (t) => {
  const { manager } = await makeManager(t, 'slow', { handler: fixture('slow_io') });
  await manager.load();
  for (const offset of [1, 4093, 131071]) {
    t.deepEqual((await manager.send(String(offset))).result, { bytes: String(offset).length, offset });
  }
});

test('unload kills the handler, removes the blob copy and marks the driver not loaded', async (t) => {
  const { manager, blobsDir } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const { pid } = await manager.load();
  t.deepEqual(readdirSync(blobsDir), ['sample']);
  t.deepEqual(await manager.unload(), { pid });
  t.false(alive(pid as number));
  // The copy is gone; its (empty, private) directory is kept for the next load.
  t.deepEqual(readdirSync(path.join(blobsDir, 'sample')), []);
  t.is(manager.state, 'unloaded');
  const again = await t.throwsAsync(manager.unload(), { instanceOf: UmdError });
  t.is(again?.code, 'ENOENT');
  t.is(again?.message, 'cannot unload driver sample: it is not currently loaded');
});

test('a send after unload loads the driver on demand with a fresh handler', async (t) => {
  const { manager } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const { pid } = await manager.load();
  await manager.unload();
  const sent = await manager.send('2048');
  t.true(sent.loadedOnDemand);
  t.not(sent.pid, pid);
  t.is(manager.state, 'running');
  const next = await manager.send('1');
  t.false(next.loadedOnDemand);
  t.is(next.pid, sent.pid);
});

test('a handler killed behind the manager is restarted by the next send', async (t) => {
  const { manager, logs } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const { pid } = await manager.load();
  process.kill(pid as number, 'SIGKILL');
  while (manager.state === 'running') await new Promise((r) => setTimeout(r, 5));
  t.is(manager.state, 'stopped');
  const sent = await manager.send('8');
  t.true(sent.started);
  t.not(sent.pid, pid);
  t.is(manager.status.restarts, 1);
  t.true(logs.some((e) => e.message === `sample_umh pid ${pid} was killed by SIGKILL; restarting it`));
});

test('a handler that crashes mid-reply fails the request with EFAULT; the next send restarts it', async (t) => {
  const { manager } = await makeManager(t, 'crash', { handler: fixture('crash_mid_reply') });
  const { pid } = await manager.load();
  const error = await t.throwsAsync(manager.send('5'), { instanceOf: UmdError });
  t.is(error?.code, 'EFAULT');
  t.regex(error?.message ?? '', new RegExp(`^driver crash: read from handler crash_mid_reply \\(pid ${pid}\\) failed after \\d+ of 131072 bytes`));
  t.false(alive(pid as number));
  t.is(manager.state, 'stopped');
  // The next send starts a fresh handler (post_start passes), which crashes again on the request itself.
  const again = await t.throwsAsync(manager.send('6'), { instanceOf: UmdError });
  t.is(again?.code, 'EFAULT');
  t.is(manager.status.restarts, 1);
  t.is(manager.status.failures, 2);
});

test('a handler that exits at start fails load with its exit status, and leaves no copy behind', async (t) => {
  const { manager, blobsDir, logs } = await makeManager(t, 'quitter', { handler: fixture('exit_at_start') });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'ECHILD');
  t.regex(error?.message ?? '', /^driver quitter: post_start health check of exit_at_start \(pid \d+\) failed: .*; the handler exited with status 3$/);
  t.is(manager.state, 'unloaded');
  t.deepEqual(readdirSync(blobsDir), []);
  t.true(await eventually(() => logs.some((e) => e.source === 'exit_at_start' && e.message === 'exit_at_start: giving up')));
});

test('a handler that fails post_start is shut down and load fails with the reason', async (t) => {
  const { manager, blobsDir } = await makeManager(t, 'liar', { handler: fixture('never_replies'), timeoutMs: 300 }, { killGraceMs: 100 });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'ETIMEDOUT');
  t.regex(error?.message ?? '', /^driver liar: post_start health check of never_replies \(pid \d+\) failed: driver liar: handler never_replies \(pid \d+\) did not answer within 300 ms$/);
  t.is(manager.state, 'unloaded');
  t.deepEqual(readdirSync(blobsDir), []);
});

test('a blob whose digest does not match driver.json is never started (EBADMSG names both digests)', async (t) => {
  const wrong = 'ab'.repeat(32);
  const { manager, blobsDir } = await makeManager(t, 'tampered', { handler: SAMPLE_HANDLER, sha256: wrong });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'EBADMSG');
  t.regex(error?.message ?? '', new RegExp(`has sha256 [0-9a-f]{64}, but driver.json says ${wrong}; refusing to run it$`));
  t.false(existsSync(path.join(blobsDir, 'tampered')));
});

test('a blob that is missing is ENOENT and one that is not executable is EACCES', async (t) => {
  const { manager, dir } = await makeManager(t, 'gone', { handler: SAMPLE_HANDLER });
  const blob = path.join(dir, 'drivers/gone/sample_umh');
  chmodSync(blob, 0o644);
  t.is((await t.throwsAsync(manager.load(), { instanceOf: UmdError }))?.code, 'EACCES');
  writeFileSync(path.join(dir, 'drivers/gone/driver.json'), JSON.stringify({ name: 'gone', handler: 'nope', sha256: 'a'.repeat(64), manager: 'sample' }));
  const missing = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(missing?.code, 'ENOENT');
  t.regex(missing?.message ?? '', /^cannot read handler blob of driver gone .*nope/);
});

test('a wrong reply fails the send with EINVAL, and the handler is not trusted with the next one', async (t) => {
  const { manager, logs } = await makeManager(t, 'liar', { handler: fixture('wrong_reply') });
  const { pid } = await manager.load();
  const error = await t.throwsAsync(manager.send('1024'), { instanceOf: UmdError });
  t.is(error?.code, 'EINVAL');
  t.is(error?.message, "sample: the handler's reply has byte 1024 = 0, expected 1");
  t.false(alive(pid as number));
  t.true(logs.some((e) => e.message === `wrong_reply pid ${pid} sent a reply that failed the check (EINVAL); shutting it down`));
  const next = await manager.send('0');
  t.deepEqual(next.result, { bytes: 1, offset: 0 });
  t.true(next.started);
});

test('bad input is EINVAL and nothing is sent: an unloaded driver stays unloaded', async (t) => {
  const { manager } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const error = await t.throwsAsync(manager.send('131072'), { instanceOf: UmdError });
  t.is(error?.code, 'EINVAL');
  t.is(manager.state, 'unloaded');
  t.is(manager.status.requests, 0);
});

test('on-demand load that fails is ENOPROTOOPT, with the reason', async (t) => {
  const { manager } = await makeManager(t, 'quitter', { handler: fixture('exit_at_start') });
  const error = await t.throwsAsync(manager.send('1'), { instanceOf: UmdError });
  t.is(error?.code, 'ENOPROTOOPT');
  t.regex(error?.message ?? '', /^driver quitter is not loaded and loading it on demand failed: driver quitter: post_start health check/);
});

test('concurrent requests on one driver are serialized and each gets its own reply', async (t) => {
  const { manager } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const offsets = Array.from({ length: 64 }, (_, i) => (i * 2039) % 131072);
  const results = await Promise.all(offsets.map(async (offset) => manager.send(String(offset))));
  t.deepEqual(
    results.map((r) => (r.result as { offset: number }).offset),
    offsets,
  );
  t.is(results.filter((r) => r.loadedOnDemand).length, 1);
  t.is(manager.status.requests, 64);
});

test('extra bytes after a reply are never taken as the next reply: the handler is restarted', async (t) => {
  // Where the 16 extra bytes land depends on pipe timing: in the reply's last chunk (EPROTO), before
  // the next request (restart first), or inside the next reply (its check fails). Every outcome is
  // named, no wrong reply is accepted, and the handler never serves two requests in a row.
  const { manager, logs } = await makeManager(t, 'chatty', { handler: fixture('extra_bytes') });
  let lastPid = 0;
  for (let i = 1; i <= 6; i++) {
    try {
      const sent = await manager.send(String(i * 1000));
      t.deepEqual(sent.result, { bytes: String(i * 1000).length, offset: i * 1000 });
      t.not(sent.pid, lastPid);
      lastPid = sent.pid;
    } catch (error) {
      t.true(error instanceof UmdError && ['EPROTO', 'EINVAL', 'ENOPROTOOPT', 'EAGAIN'].includes(error.code), String(error));
      if (error instanceof UmdError && error.code === 'EPROTO') {
        // Named with the driver and the handler's fate, and logged.
        t.regex(error.message, /^driver chatty: handler extra_bytes \(pid \d+\) wrote \d+ bytes past its 131072-byte reply; (umd killed the handler|the handler .+)$/);
        t.true(logs.some((e) => e.level === 'error' && e.message === error.message));
      }
    }
  }
  t.true(manager.status.restarts + manager.status.failures >= 2);
});
