import test from 'ava';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { UmdError } from '../../src/core/errors.js';
import type { LogEntry } from '../../src/core/log.js';
import { startDaemon } from '../helpers/daemon.js';
import { makeManager } from '../helpers/manager.js';
import { memoryOf } from '../helpers/memory.js';
import { makePackage } from '../helpers/packages.js';
import { alive, eventually, FIXTURES, tempDir } from '../helpers/runtime.js';

const fixture = (name: string) => path.join(FIXTURES, name);

// The manager runs in this test's own process: its memory is what is measured (serial: no other test of this file runs meanwhile).
test.serial('1 GiB on stdout that nobody asked for kills the handler at once, is logged, and is not kept', async (t) => {
  const before = memoryOf(process.pid);
  const { manager, logs } = await makeManager(t, 'flooder', { handler: fixture('flood_stdout') });
  const { pid } = await manager.load();
  const killed = new RegExp(`^flood_stdout pid ${pid} wrote \\d+ bytes to stdout that nobody asked for; killed it$`);
  t.true(await eventually(() => logs.some((e) => e.level === 'error' && killed.test(e.message)), 5000));
  t.true(await eventually(() => !alive(pid as number)));
  const after = memoryOf(process.pid);
  t.true(after.hwmMiB - before.hwmMiB < 100, `high-water mark grew ${Math.round(after.hwmMiB - before.hwmMiB)} MiB`);
  // The next request gets a fresh handler, which floods too: its junk, read as the reply, overflows it
  // (EPROTO) or fails the check (EINVAL); never a success, and the memory stays bounded.
  const error = await t.throwsAsync(manager.send('77'), { instanceOf: UmdError });
  t.true(['EPROTO', 'EINVAL'].includes(error?.code ?? ''), error?.message);
  t.true(memoryOf(process.pid).hwmMiB - before.hwmMiB < 100);
});

test.serial('1 GiB past a reply: the handler is killed at the first byte past it, and the reply is never taken for the next one', async (t) => {
  const before = memoryOf(process.pid);
  const { manager, logs } = await makeManager(t, 'gusher', { handler: fixture('flood_reply') });
  const { pid } = await manager.load();
  // The extra bytes land in the reply's last chunk (EPROTO) or just after it (the reply is complete and right).
  const outcome = await manager.send('9').then(
    (sent) => JSON.stringify(sent.result),
    (error: unknown) => (error as UmdError).code,
  );
  t.true(['EPROTO', '{"bytes":1,"offset":9}'].includes(outcome), outcome);
  t.true(await eventually(() => logs.some((e) => e.message.startsWith(`flood_reply pid ${pid} wrote `) && e.message.endsWith('nobody asked for; killed it')), 5000));
  t.true(await eventually(() => !alive(pid as number)));
  t.true(memoryOf(process.pid).hwmMiB - before.hwmMiB < 100);
  t.not((await manager.send('10')).pid, pid);
});

function lines(entries: LogEntry[], source: string): LogEntry[] {
  return entries.filter((e) => e.driver === 'noisy' && e.source === source);
}

test('stderr is rate-limited per driver with a "suppressed N lines" record; control characters are escaped in umd log and umd.log', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  makePackage(drivers, 'noisy', { handler: fixture('flood_stderr') });
  const { daemon, client } = await startDaemon(t, [drivers], { lineRate: { burst: 20, intervalMs: 400 } });
  await client.request('load', { driver: 'noisy' });
  // The handler floods after its first reply, and serves the next request once it is done.
  t.deepEqual((await client.request('send', { driver: 'noisy', input: '5' })).result, { bytes: 1, offset: 5 });
  // Every line the handler wrote is either in the log or counted as suppressed: 524288 + 3 of them.
  const total = () => {
    const entries = daemon.ring.tail(10_000, 'noisy');
    const suppressed = lines(entries, 'umd').flatMap((e) => /^suppressed (\d+) lines from flood_stderr \(more than 20 in 0\.4 s\)$/.exec(e.message)?.[1] ?? []);
    return lines(entries, 'flood_stderr').length + suppressed.map(Number).reduce((a, b) => a + b, 0);
  };
  t.true(await eventually(() => total() === 524_288 + 3, 10_000), `counted ${total()}`);
  t.true(lines(daemon.ring.tail(10_000, 'noisy'), 'flood_stderr').length < 1000);
  const forged = '\\x1b]0;pwned\\x07title\\x0dforged: Loaded evil pid 1\\x1b[2K';
  const shown = await client.request('log', { driver: 'noisy', lines: 10_000 });
  t.true(shown.some((e) => e.source === 'flood_stderr' && e.message === forged));
  const file = readFileSync(daemon.paths.log, 'utf8');
  t.true(file.includes(`noisy/flood_stderr: ${forged}\n`));
  // eslint-disable-next-line no-control-regex
  t.false(/[\x00-\x08\x0b-\x1f\x7f]/.test(file), 'no raw control character reaches umd.log');
});

test('umd.log is rotated at its size cap: never more than the cap in umd.log and one umd.log.1', async (t) => {
  const { daemon, client } = await startDaemon(t, [], { logMaxBytes: 4096 });
  for (let i = 0; i < 40; i++) await client.request('send', { driver: 'sample', input: String(i) });
  await client.request('unload', { driver: 'sample' });
  for (let i = 0; i < 200; i++) daemon.ring.log({ level: 'info', source: 'umd', message: `line ${i} ${'y'.repeat(60)}` });
  t.true(statSync(daemon.paths.log).size <= 4096);
  t.true(statSync(`${daemon.paths.log}.1`).size <= 4096);
  t.true(readFileSync(daemon.paths.log, 'utf8').endsWith(`umd: line 199 ${'y'.repeat(60)}\n`));
});

test("control characters in an error (here a manager's reply check quoting the handler) are escaped in list's last error and in info", async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  const pkg = makePackage(drivers, 'quoter', { handler: fixture('wrong_reply'), manager: './manager.mjs' });
  writeFileSync(
    path.join(pkg, 'manager.mjs'),
    `export default { name: 'quoter_mgr', handlerName: 'sample_umh', requestSize: 4, replySize: 131072,
       parseInput: (s) => Number(s), encode: (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; },
       checkReply: (reply, n) => { if (n !== 0 && reply[n] !== 1) throw Object.assign(new Error('handler said \\x1b]0;pwned\\x07\\rok'), { code: 'EINVAL' }); return n; } };\n`,
  );
  const { client } = await startDaemon(t, [drivers]);
  const error = await t.throwsAsync(client.request('send', { driver: 'quoter', input: '3' }), { instanceOf: UmdError });
  const escaped = 'driver quoter: reply check failed: handler said \\x1b]0;pwned\\x07\\x0dok';
  t.is(error?.message, escaped);
  const listed = (await client.request('list', {})).find((e) => e.name === 'quoter');
  t.is(listed?.lastError?.message, escaped);
  t.is((await client.request('info', { driver: 'quoter' })).status.lastError?.message, escaped);
});

test('lines a handler writes to its private /dev/kmsg are rate-limited with its stderr, the rest counted', async (t) => {
  const { manager, logs } = await makeManager(t, 'kmsgy', { handler: fixture('flood_kmsg') }, { lineRate: { burst: 20, intervalMs: 400 } });
  t.is(manager.sandbox, null);
  await manager.load();
  t.true(manager.sandbox?.privateKmsg, 'this test needs the private /dev/kmsg (a root daemon)');
  t.deepEqual((await manager.send('5')).result, { bytes: 1, offset: 5 });
  // Every line, "Started flood_kmsg" (stderr, the same budget) and 5000 records, is logged or counted as suppressed.
  const counted = () => {
    const passed = logs.filter((e) => e.source === 'flood_kmsg').length;
    const suppressed = logs.flatMap((e) => /^suppressed (\d+) lines from flood_kmsg/.exec(e.message)?.[1] ?? []).map(Number);
    return passed + suppressed.reduce((a, b) => a + b, 0);
  };
  t.true(await eventually(() => counted() === 5001, 10_000), `counted ${counted()}`);
  t.true(logs.filter((e) => e.source === 'flood_kmsg').length <= 40);
});
