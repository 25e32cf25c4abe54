import { createContext } from '../../src/core/context.js';
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import { makeManager } from '../helpers/manager.js';
import { alive, eventually, FIXTURES, processesUnder, SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

const fixture = (name: string) => path.join(FIXTURES, name);

test('1. a handler that never replies is killed at the deadline: ETIMEDOUT, and the next request gets a fresh one', async (t) => {
  const { manager, logs } = await makeManager(t, 'hang', { handler: fixture('hang_after_first'), timeoutMs: 300 }, { killGraceMs: 200 });
  const { pid } = await manager.load();
  const error = await t.throwsAsync(manager.send('7'), { instanceOf: UmdError });
  t.is(error?.code, 'ETIMEDOUT');
  t.is(error?.message, `driver hang: handler hang_after_first (pid ${pid}) did not answer within 300 ms`);
  t.false(alive(pid as number));
  t.true(logs.some((e) => e.message === `hang_after_first pid ${pid} did not answer within 300 ms and was terminated (SIGTERM)`));
  // The lock was released: a queued request and a later one both go on, each with its own fresh handler.
  const [a, b] = await Promise.allSettled([manager.send('8'), manager.send('0', { timeoutMs: 300 })]);
  t.is(a.status === 'rejected' && (a.reason as UmdError).code, 'ETIMEDOUT');
  t.is(b.status === 'rejected' && (b.reason as UmdError).code, 'ETIMEDOUT');
  t.is(manager.status.restarts, 2);
});

test('3. a short reply followed by exit is EFAULT', async (t) => {
  const { manager } = await makeManager(t, 'short', { handler: fixture('short_reply') });
  const { pid } = await manager.load();
  const error = await t.throwsAsync(manager.send('9'), { instanceOf: UmdError });
  t.is(error?.code, 'EFAULT');
  t.is(error?.message, `driver short: read from handler short_reply (pid ${pid}) failed after 100 of 131072 bytes: it closed its end of the pipe; the handler exited with status 0`);
  t.like(error, { driver: 'short', topic: 'handler' });
  t.is(manager.state, 'stopped');
});

test('5. a handler killed by a signal at start fails load naming the signal', async (t) => {
  const { manager } = await makeManager(t, 'segv', { handler: fixture('segv_at_start') });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'ECHILD');
  t.regex(error?.message ?? '', /; the handler was killed by SIGSEGV$/);
});

test('7. a handler that ignores SIGTERM is gone after the grace, forcefully', async (t) => {
  const { manager, logs } = await makeManager(t, 'stubborn', { handler: fixture('ignores_sigterm'), timeoutMs: 200 }, { killGraceMs: 150 });
  const { pid } = await manager.load();
  t.is((await t.throwsAsync(manager.send('1'), { instanceOf: UmdError }))?.code, 'ETIMEDOUT');
  t.false(alive(pid as number));
  t.true(logs.some((e) => e.message === `ignores_sigterm pid ${pid} did not answer within 200 ms and was forcefully terminated (SIGKILL) after 150 ms`));
});

test('9. a private copy changed after load is refused at the next start: EBADMSG, never run', async (t) => {
  const { manager, blobsDir } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const { pid } = await manager.load();
  const copy = path.join(blobsDir, 'sample', 'sample_umh');
  process.kill(pid as number, 'SIGKILL');
  await eventually(() => manager.state === 'stopped' && processesUnder(path.dirname(blobsDir)).length === 0);
  chmodSync(copy, 0o700);
  writeFileSync(copy, '#!/bin/sh\necho pwned\n');
  const error = await t.throwsAsync(manager.send('1'), { instanceOf: UmdError });
  t.is(error?.code, 'EBADMSG');
  t.regex(error?.message ?? '', /^private copy .*sample_umh of driver sample's blob has sha256 [0-9a-f]{64}, but driver.json says [0-9a-f]{64}; refusing to run it$/);
});

test('12. a handler that exits every 3 requests: every request succeeds or fails with a named error, restarts counted', async (t) => {
  const { manager } = await makeManager(t, 'flaky', { handler: fixture('exits_every_3') });
  const outcomes: string[] = [];
  for (let i = 1; i <= 12; i++) {
    try {
      const sent = await manager.send(String(i));
      t.deepEqual(sent.result, { bytes: String(i).length, offset: i });
      outcomes.push('ok');
    } catch (error) {
      t.true(error instanceof UmdError && error.code === 'EFAULT', String(error));
      outcomes.push((error as UmdError).code);
    }
  }
  // post_start takes one of the three, so each handler serves two requests; the next one finds it
  // gone (restart first) or going (EFAULT, then restart).
  const ok = outcomes.filter((o) => o === 'ok').length;
  t.true(ok >= 8, outcomes.join(' '));
  t.is(manager.status.requests, ok);
  t.is(manager.status.restarts, Math.ceil(ok / 2) - 1); // each handler serves exactly two
});

test('13. unload and timeouts kill the whole process group: no child of a forking handler survives', async (t) => {
  const { manager, dir, logs } = await makeManager(t, 'forker', { handler: fixture('forks_children'), timeoutMs: 300, extra: { syscalls: ['clone'] } }, { killGraceMs: 100 });
  await manager.load();
  t.true(await eventually(() => logs.some((e) => /^forks_children: child \d+$/.test(e.message))));
  t.is(processesUnder(dir).length >= 2, true);
  t.is((await t.throwsAsync(manager.send('1'), { instanceOf: UmdError }))?.code, 'ETIMEDOUT');
  t.true(await eventually(() => processesUnder(dir).length === 0));
  await manager.load().catch(() => undefined);
  await manager.send('0').catch(() => undefined);
  await manager.unload();
  t.true(await eventually(() => processesUnder(dir).length === 0));
});

test('14. the last stderr lines of a handler that exits at once are in the log, attributed to it', async (t) => {
  const { manager, logs } = await makeManager(t, 'talker', { handler: fixture('stderr_then_exit') });
  t.is((await t.throwsAsync(manager.load(), { instanceOf: UmdError }))?.code, 'ECHILD');
  t.true(await eventually(() => logs.filter((e) => e.source === 'stderr_then_exit' && e.driver === 'talker').length === 3));
  t.deepEqual(
    logs.filter((e) => e.source === 'stderr_then_exit').map((e) => e.message),
    ['Started stderr_then_exit', 'stderr_then_exit: last words 1', 'stderr_then_exit: last words 2'],
  );
});

test('unload leaves no zombie: the launcher kills and reaps its PID namespace before it exits', async (t) => {
  const { manager } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER });
  const { pid } = await manager.load();
  // The pid shown is the handler's own; its launcher leads the process group, with the reaper between them.
  const stat = (p: number) => readFileSync(`/proc/${p}/stat`, 'utf8').replace(/^.*\) /, '').split(' ').map(Number);
  const [, reaper = 0, launcher = 0] = stat(pid as number).slice(0, 3);
  t.not(launcher, pid);
  t.is(stat(reaper)[1], launcher, 'the reaper is the launcher\'s child');
  const children = readFileSync(`/proc/${launcher}/task/${launcher}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  t.deepEqual(children, [reaper], 'the launcher supervises one reaper');
  await manager.unload();
  // Reaped means gone from /proc, not merely dead: a zombie would still have an entry.
  t.true(await eventually(() => !existsSync(`/proc/${reaper}`)), `reaper ${reaper} left as a zombie`);
  t.false(existsSync(`/proc/${launcher}`));
  t.false(existsSync(`/proc/${pid as number}`));
});

test.serial('no pipe is left behind: restarts, timeouts and unloads close every descriptor they opened', async (t) => {
  const { manager } = await makeManager(t, 'flaky', { handler: fixture('exits_every_3'), timeoutMs: 2000 });
  const fds = () => readdirSync('/proc/self/fd').length;
  await manager.load();
  await manager.unload();
  const before = fds();
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 6; i++) await manager.send(String(i + 1)).catch(() => undefined);
    await manager.unload();
  }
  t.true(manager.status.restarts > 0);
  t.true(await eventually(() => fds() === before), `descriptors: ${before} before, ${fds()} after`);
});

test('a runtime dir on a noexec mount is refused at load with EACCES and the fix (needs root to mount one)', async (t) => {
  const mountPoint = path.join(tempDir(t), 'noexec');
  mkdirSync(mountPoint);
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'noexec,mode=700', 'tmpfs', mountPoint], { stdio: 'ignore' });
  } catch {
    t.pass('cannot mount a tmpfs here (not root): nothing to check');
    return;
  }
  t.teardown(() => execFileSync('umount', ['-l', mountPoint]));
  const { manager } = await makeManager(t, 'sample', { handler: SAMPLE_HANDLER }, { context: createContext({ runtimeDir: mountPoint }) });
  const error = await t.throwsAsync(manager.load(), { instanceOf: UmdError });
  t.is(error?.code, 'EACCES');
  t.regex(error?.message ?? '', /^cannot run driver sample's handler from .*\/noexec\/blobs\/sample: .* \(a noexec mount\?\)$/);
  t.deepEqual(readdirSync(path.join(mountPoint, 'blobs')), []);
});

test('a request written straight to a handler that closed its stdin (EPIPE) fails as a rejection, not a throw: the lock is released and the next request gets a fresh handler', async (t) => {
  const { manager } = await makeManager(t, 'nostdin', { handler: fixture('closes_stdin_after_first'), timeoutMs: 5000 }, { killGraceMs: 200 });
  const { pid } = await manager.load();
  const sent = manager.send('7');
  t.true(sent instanceof Promise);
  const error = await t.throwsAsync(sent, { instanceOf: UmdError });
  t.is(error?.code, 'EFAULT');
  t.regex(error?.message ?? '', new RegExp(`write to handler closes_stdin_after_first \\(pid ${pid}\\) failed: .*EPIPE`));
  t.false(alive(pid as number));
  // Queued behind the failed one, two requests each get a handler and their reply.
  const [a, b] = await Promise.allSettled([manager.send('1'), manager.send('2')]);
  t.is(a.status, 'rejected'); // the fresh handler closes its stdin after post_start too
  t.is(b.status, 'rejected');
  t.is(manager.status.restarts, 2);
});

test('close (daemon shutdown) starts no handler for the requests queued behind the one in flight: they fail at once', async (t) => {
  const { manager, logs } = await makeManager(t, 'eof', { handler: fixture('closes_stdout_after_first') });
  await manager.load();
  const loadedBefore = logs.filter((e) => e.message.startsWith('Loaded closes_stdout_after_first pid')).length;
  const sends = [1, 2, 3, 4].map(async (n) => manager.send(String(n)).then(() => 'answered', (error: UmdError) => error.code));
  // The first request is failing (the handler closed its stdout) and its handler is in its grace to exit.
  t.true(await eventually(() => manager.status.pid === null));
  await manager.close();
  const outcomes = await Promise.all(sends);
  t.false(outcomes.includes('answered'));
  t.is(logs.filter((e) => e.message.startsWith('Loaded closes_stdout_after_first pid')).length, loadedBefore, 'no handler started once close began');
  t.is(manager.state, 'unloaded');
});
