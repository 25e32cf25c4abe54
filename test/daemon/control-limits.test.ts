import test from 'ava';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { UmdError } from '../../src/core/errors.js';
import type { LogEntry } from '../../src/core/log.js';
import { startDaemon, type DaemonFixture } from '../helpers/daemon.js';
import { memoryOf } from '../helpers/memory.js';
import { makePackage } from '../helpers/packages.js';
import { eventually, SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

/** A raw connection that collects what it is sent and notes when it is closed. */
async function rawClient(socketPath: string): Promise<{ socket: net.Socket; text: () => string; closed: () => boolean }> {
  const socket = net.createConnection({ path: socketPath });
  let text = '';
  let closed = false;
  socket.on('error', () => undefined);
  socket.setEncoding('utf8').on('data', (s: string) => (text += s));
  socket.once('close', () => (closed = true));
  await new Promise((resolve) => socket.once('connect', resolve));
  return { socket, text: () => text, closed: () => closed };
}

const warned = (d: DaemonFixture, message: string) => d.daemon.ring.tail(10_000).some((e) => e.level === 'warn' && e.source === 'umd' && e.message === message);

test.serial('150 pipelined log requests whose replies are never read: the daemon stops reading, holds about one reply, and drops the client', async (t) => {
  const fixture = await startDaemon(t, [], { limits: { stallMs: 1000 }, socketCheckMs: 50 });
  const { daemon } = fixture;
  for (let i = 0; i < 2000; i++) daemon.ring.log({ level: 'info', source: 'umd', message: `${i} ${'z'.repeat(4000)}` });
  const before = memoryOf(process.pid);
  const socket = net.createConnection({ path: daemon.paths.socket });
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.pause(); // never read
  let frames = '';
  for (let id = 1; id <= 150; id++) frames += `${JSON.stringify({ id, op: 'log', params: { lines: 100_000 } })}\n`;
  socket.write(frames);
  t.true(await eventually(() => warned(fixture, 'closed a client connection: it read none of its replies for 1000 ms'), 10_000));
  socket.destroy();
  const grew = memoryOf(process.pid).hwmMiB - before.hwmMiB;
  // Each reply is about 8 MiB: all 150 would be 1.2 GiB.
  t.true(grew < 150, `high-water mark grew ${Math.round(grew)} MiB`);
  t.is((await fixture.client.request('status', {})).pid, process.pid, 'the daemon serves everyone else');
});

test('at the connection cap the longest-idle connection makes room; when none is idle, one more gets EMFILE, logged', async (t) => {
  const fixture = await startDaemon(t, [], { limits: { maxConnections: 3 } });
  // Three connections following the log: busy, never idle.
  const followers = [fixture.client, await fixture.connect(), await fixture.connect()];
  for (const follower of followers) await follower.request('log', { follow: true, lines: 1 }, { timeoutMs: 0 });
  const refused = await rawClient(fixture.daemon.paths.socket);
  t.true(await eventually(() => refused.closed()));
  const reply = JSON.parse(refused.text()) as { id: number; ok: boolean; error: { code: string; message: string } };
  t.deepEqual([reply.id, reply.ok, reply.error.code], [0, false, 'EMFILE']);
  t.is(reply.error.message, 'the umd daemon serves 3 busy connections, its limit; try again later');
  t.true(warned(fixture, 'refused a connection: the daemon serves 3 busy connections, its limit'));
  // One follower goes away; an idle connection takes its place, and is the one dropped for the next.
  followers[2]?.close();
  await sleep(300); // for the daemon to see it close (nothing is asserted about the time)
  const idle = await rawClient(fixture.daemon.paths.socket);
  await sleep(20);
  const next = await rawClient(fixture.daemon.paths.socket);
  t.true(await eventually(() => idle.closed()));
  t.true(warned(fixture, 'closed a client connection: the daemon serves 3 connections, its limit, and this one was idle the longest'));
  next.socket.write('{"id":7,"op":"status"}\n');
  t.true(await eventually(() => next.text().includes('"id":7,"ok":true')));
  next.socket.destroy();
});

test('an idle connection is closed and logged; one following the log is not', async (t) => {
  const fixture = await startDaemon(t, [], { limits: { idleMs: 300 }, socketCheckMs: 50 });
  const follower = await fixture.connect();
  const events: LogEntry[] = [];
  await follower.request('log', { follow: true, lines: 1 }, { timeoutMs: 0, onEvent: (e) => events.push(e) });
  const idle = await rawClient(fixture.daemon.paths.socket);
  t.true(await eventually(() => idle.closed(), 5000));
  t.true(warned(fixture, 'closed a client connection: it sent nothing for 300 ms'));
  await sleep(400);
  fixture.daemon.ring.log({ level: 'info', source: 'umd', message: 'still following' });
  t.true(await eventually(() => events.some((e) => e.message === 'still following')));
});

test('a frame left unfinished is closed at the half-frame timeout, even while bytes trickle in', async (t) => {
  const fixture = await startDaemon(t, [], { limits: { frameMs: 300 }, socketCheckMs: 50 });
  const slow = await rawClient(fixture.daemon.paths.socket);
  slow.socket.write('{"id":1,');
  const trickle = setInterval(() => slow.socket.write(' '), 50);
  t.teardown(() => clearInterval(trickle));
  t.true(await eventually(() => slow.closed(), 5000));
  t.true(warned(fixture, 'closed a client connection: it left a control message unfinished for 300 ms'));
});

test('a driver.json over the size cap is refused with EFBIG before it is read', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  const pkg = makePackage(drivers, 'huge', { handler: SAMPLE_HANDLER });
  writeFileSync(path.join(pkg, 'driver.json'), `{"name":"huge","description":"${'x'.repeat(300 * 1024)}"}`);
  const { client } = await startDaemon(t, [drivers]);
  const error = await t.throwsAsync(client.request('info', { driver: 'huge' }), { instanceOf: UmdError });
  t.is(error?.code, 'EFBIG');
  t.is(error?.message, `driver.json of driver huge ${path.join(pkg, 'driver.json')} is 307232 bytes, more than the 262144 umd reads`);
});
