import test from 'ava';
import net from 'node:net';
import path from 'node:path';
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { UmdError } from '../../src/core/errors.js';
import { Daemon } from '../../src/daemon/server.js';
import { makePackage } from '../helpers/packages.js';
import { startDaemon } from '../helpers/daemon.js';
import { FIXTURES, SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

/** Writes raw bytes to the daemon's socket and collects what comes back until it closes or goes quiet. */
async function raw(socketPath: string, data: Buffer | string, quietMs = 200): Promise<{ text: string; closed: boolean }> {
  const socket = net.createConnection({ path: socketPath });
  let text = '';
  let closed = false;
  socket.setEncoding('utf8').on('data', (s: string) => (text += s));
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write(data);
  await new Promise<void>((resolve) => {
    let timer = setTimeout(resolve, quietMs);
    socket.on('data', () => {
      clearTimeout(timer);
      timer = setTimeout(resolve, quietMs);
    });
    socket.once('close', () => {
      closed = true;
      clearTimeout(timer);
      resolve();
    });
  });
  socket.destroy();
  return { text, closed };
}

test('the socket is 0600 in a 0700 runtime directory', async (t) => {
  const { daemon } = await startDaemon(t);
  t.is(statSync(daemon.paths.dir).mode & 0o777, 0o700);
  t.is(statSync(daemon.paths.socket).mode & 0o777, 0o600);
});

test('a second daemon on the same runtime dir is refused with EEXIST', async (t) => {
  const { runtimeDir } = await startDaemon(t);
  const error = await t.throwsAsync(Daemon.start({ runtimeDir }), { instanceOf: UmdError });
  t.is(error?.code, 'EEXIST');
  t.is(error?.message, `a umd daemon already serves ${runtimeDir}`);
});

test('malformed frames get EPROTO replies and the daemon keeps serving', async (t) => {
  const { daemon, client } = await startDaemon(t);
  const replies = await raw(daemon.paths.socket, 'not json\n{"id":1}\n{"id":2,"op":"fly"}\n[1]\n{"id":3,"op":"load","params":5}\n');
  const lines = replies.text.trim().split('\n').map((l) => JSON.parse(l) as { id: number; ok: boolean; error: { code: string; message: string } });
  t.deepEqual(
    lines.map((l) => [l.id, l.ok, l.error.code]),
    [
      [0, false, 'EPROTO'],
      [1, false, 'EPROTO'],
      [2, false, 'EPROTO'],
      [0, false, 'EPROTO'],
      [3, false, 'EPROTO'],
    ],
  );
  t.is(lines[2]?.error.message, 'bad control message: expected "op" to be one of status, load, unload, restart, send, list, info, log, shutdown, verify, got "fly"');
  t.is((await client.request('send', { driver: 'sample', input: '1024' })).driver, 'sample');
});

test('wrong parameter types are EINVAL and nothing happens', async (t) => {
  const { client } = await startDaemon(t);
  const bad = [
    client.request('send', { driver: 'sample', input: 5 as unknown as string }),
    client.request('load', { driver: '../etc' }),
    client.request('send', { driver: 'sample', input: '1', timeoutMs: -1 }),
  ];
  for (const request of bad) t.is((await t.throwsAsync(request, { instanceOf: UmdError }))?.code, 'EINVAL');
  t.deepEqual((await client.request('list', {})).find((e) => e.name === 'sample')?.state, 'unloaded');
});

test('a frame over the size cap is refused and the connection closed, the daemon unharmed', async (t) => {
  const { daemon, client } = await startDaemon(t);
  const reply = await raw(daemon.paths.socket, Buffer.alloc(200_000, 0x61));
  t.true(reply.closed);
  t.regex(reply.text, /"code":"EPROTO","message":"control message longer than 65536 bytes"/);
  t.is((await client.request('status', {})).pid, process.pid);
});

test('a client that disconnects mid-request does not hurt the daemon', async (t) => {
  const { daemon, client } = await startDaemon(t);
  await raw(daemon.paths.socket, '{"id":1,"op":"send","params":{"driver":"sample","input":"5"}}\n', 0);
  await raw(daemon.paths.socket, '{"id":1,"op":"se', 0);
  const sent = await client.request('send', { driver: 'sample', input: '6' });
  t.deepEqual(sent.result, { bytes: 1, offset: 6 });
});

test('an unknown driver is ENOENT and unloading one that is not loaded is ENOENT', async (t) => {
  const { client } = await startDaemon(t);
  const missing = await t.throwsAsync(client.request('load', { driver: 'nosuch' }), { instanceOf: UmdError });
  t.is(missing?.code, 'ENOENT');
  t.regex(missing?.message ?? '', /^driver nosuch not found in /);
  const unload = await t.throwsAsync(client.request('unload', { driver: 'sample' }), { instanceOf: UmdError });
  t.is(unload?.code, 'ENOENT');
  t.is(unload?.message, 'cannot unload driver sample: it is not currently loaded');
});

test('concurrent clients on one driver each get their own correct reply', async (t) => {
  const { connect } = await startDaemon(t);
  const clients = await Promise.all(Array.from({ length: 8 }, connect));
  const results = await Promise.all(
    clients.map(async (client, c) => {
      const offsets: number[] = [];
      for (let i = 0; i < 25; i++) {
        const offset = (c * 25 + i) * 503;
        const sent = await client.request('send', { driver: 'sample', input: String(offset) });
        offsets.push((sent.result as { offset: number }).offset);
      }
      return offsets;
    }),
  );
  results.forEach((offsets, c) => t.deepEqual(offsets, Array.from({ length: 25 }, (_, i) => (c * 25 + i) * 503)));
});

test('two drivers are served in parallel, one failing does not stop the other', async (t) => {
  const dir = tempDir(t);
  makePackage(dir, 'hang', { handler: path.join(FIXTURES, 'hang_after_first'), timeoutMs: 400 });
  makePackage(dir, 'second', { handler: SAMPLE_HANDLER });
  const { client } = await startDaemon(t, [dir]);
  await client.request('load', { driver: 'hang' });
  const hung = client.request('send', { driver: 'hang', input: '1' });
  const quick = await Promise.all([1, 2, 3].map(async (n) => client.request('send', { driver: 'second', input: String(n) })));
  t.deepEqual(quick.map((q) => (q.result as { offset: number }).offset), [1, 2, 3]);
  t.is((await t.throwsAsync(hung, { instanceOf: UmdError }))?.code, 'ETIMEDOUT');
});

test('log returns the manager and handler lines, filtered by driver', async (t) => {
  const { client } = await startDaemon(t);
  const { pid } = await client.request('load', { driver: 'sample' });
  await client.request('send', { driver: 'sample', input: '1' });
  const lines = (await client.request('log', { driver: 'sample' })).map((e) => `${e.source}: ${e.message}`);
  t.true(lines.includes(`umd: Loaded sample_umh pid ${pid}`));
  t.true(lines.includes('sample_umh: Started sample_umh'));
  await client.request('unload', { driver: 'sample' });
  const after = (await client.request('log', { driver: 'sample', lines: 1 })).map((e) => e.message);
  t.deepEqual(after, ['Unloaded sample_umh']);
});

test('shutdown kills every handler and removes the socket and the FIFOs made ahead for handlers', async (t) => {
  const { daemon, client } = await startDaemon(t);
  await client.request('load', { driver: 'sample' });
  // pipes/ holds only FIFOs nobody else may open: the ones made ahead for the next starts, and the
  // stock launchers' /dev/kmsg (0622: any handler uid writes it, through its bind mount only).
  const names = readdirSync(daemon.paths.pipes);
  const ahead = names.map((name) => ({ name, st: lstatSync(path.join(daemon.paths.pipes, name)) }));
  t.true(ahead.length > 0);
  t.true(ahead.every(({ name, st }) => st.isFIFO() && (st.mode & 0o777) === (/^stock-\d+-\d+\.kmsg$/.test(name) ? 0o622 : 0o600)), names.join(' '));
  t.is(lstatSync(daemon.paths.pipes).mode & 0o777, 0o700);
  await client.request('shutdown', {});
  await daemon.closed;
  t.throws(() => statSync(daemon.paths.socket), { code: 'ENOENT' });
  t.throws(() => statSync(daemon.paths.pipes), { code: 'ENOENT' });
});
