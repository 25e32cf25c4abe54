import test from 'ava';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { makeManager } from '../helpers/manager.js';
import { eventually, FIXTURES } from '../helpers/runtime.js';

const fixture = (name: string) => path.join(FIXTURES, name);

test('a handler\'s stdin and stdout are pipes, and its stdout holds a whole 128 KiB reply', async (t) => {
  const { manager, logs } = await makeManager(t, 'piped', { handler: fixture('pipe_report') });
  await manager.load();
  t.deepEqual((await manager.send('131071')).result, { bytes: 6, offset: 131071 });
  t.deepEqual(
    logs.filter((e) => e.source === 'pipe_report' && e.message.startsWith('pipes: ')).map((e) => e.message),
    ['pipes: stdin pipe, stdout pipe of 131072 bytes'],
  );
});

test.serial('each start gets fresh pipes, more than a batch of them (16), and unload leaves no FIFO and no descriptor behind', async (t) => {
  const { manager, logs, blobsDir } = await makeManager(t, 'piped', { handler: fixture('pipe_report'), extra: { startLimit: { burst: 100, intervalMs: 60_000, cooldownMs: 1000 } } });
  const fds = () => readdirSync('/proc/self/fd').length;
  await manager.load();
  await manager.unload();
  const before = fds();
  await manager.load();
  for (let i = 0; i < 17; i++) {
    process.kill(manager.status.pid as number, 'SIGKILL');
    t.true(await eventually(() => manager.state === 'stopped'));
    t.deepEqual((await manager.send(String(i))).result, { bytes: String(i).length, offset: i });
  }
  t.is(manager.status.restarts, 17);
  // One start in the first load, eighteen in this one: a batch of FIFO pairs and part of a second (stderr may lag the reply).
  const reports = () => logs.filter((e) => e.message === 'pipes: stdin pipe, stdout pipe of 131072 bytes').length;
  t.true(await eventually(() => reports() === 19), `${reports()} reports`);
  await manager.unload();
  t.deepEqual(readdirSync(path.join(blobsDir, 'piped')), []);
  t.true(await eventually(() => fds() === before), `descriptors: ${before} before, ${fds()} after`);
});
