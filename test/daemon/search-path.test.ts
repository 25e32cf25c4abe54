import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DaemonConnection } from '../../src/client/connection.js';
import { builtinDriversDir } from '../../src/core/context.js';
import { startDaemon } from '../helpers/daemon.js';
import { makePackage } from '../helpers/packages.js';
import { SAMPLE_HANDLER } from '../helpers/runtime.js';

// Each request's search path counts: a name resolves afresh in it every time.

async function failure(request: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await request;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('the request succeeded');
}

function twoDirs(dir: string): { a: string; b: string } {
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  makePackage(a, 'twin', { handler: SAMPLE_HANDLER });
  makePackage(b, 'twin', { handler: SAMPLE_HANDLER });
  return { a, b };
}

test('a driver loaded from one directory is EBUSY, naming both, for a request whose path finds it in another', async (t) => {
  const { client, dir, runtimeDir } = await startDaemon(t);
  const { a, b } = twoDirs(dir);
  const builtin = builtinDriversDir(runtimeDir);
  await client.request('load', { driver: 'twin', searchPath: [a, builtin] });
  const busy = await failure(client.request('send', { driver: 'twin', input: '5', searchPath: [b, builtin] }));
  t.is(busy.code, 'EBUSY');
  t.is(busy.message, `driver twin is loaded from ${a}/twin, but this request's search path finds it in ${b}/twin`);
  const list = await client.request('list', { searchPath: [b, builtin] });
  t.like(list.find((e) => e.name === 'twin'), { state: 'running', packageDir: `${a}/twin`, foundAt: `${b}/twin` });
  // The same path as the load: served.
  t.like(await client.request('send', { driver: 'twin', input: '5', searchPath: [a, builtin] }), { driver: 'twin', result: { bytes: 1, offset: 5 } });
  // Unloaded, the other directory's package is loaded on demand.
  await client.request('unload', { driver: 'twin' });
  t.like(await client.request('send', { driver: 'twin', input: '6', searchPath: [b, builtin] }), { loadedOnDemand: true });
  t.like((await client.request('list', { searchPath: [b, builtin] })).find((e) => e.name === 'twin'), { state: 'running', packageDir: `${b}/twin`, foundAt: `${b}/twin` });
});

test("no leak between clients: a path without the driver cannot use it, and list says where it is loaded from", async (t) => {
  const { client, dir, runtimeDir } = await startDaemon(t);
  const { a } = twoDirs(dir);
  const builtin = builtinDriversDir(runtimeDir);
  await client.request('load', { driver: 'twin', searchPath: [a, builtin] });
  const other: DaemonConnection = client;
  const missing = await failure(other.request('send', { driver: 'twin', input: '1', searchPath: [builtin] }));
  t.is(missing.code, 'ENOENT');
  t.is(missing.message, `driver twin not found in ${builtin} (it is loaded from ${a}/twin, which this search path does not reach)`);
  t.like((await other.request('list', { searchPath: [builtin] })).find((e) => e.name === 'twin'), { state: 'running', packageDir: `${a}/twin`, foundAt: null });
  await client.request('unload', { driver: 'twin' });
  t.is((await other.request('list', { searchPath: [builtin] })).find((e) => e.name === 'twin'), undefined);
  t.is((await failure(other.request('load', { driver: 'twin', searchPath: [builtin] }))).code, 'ENOENT');
});

const managerModule = (name: string) => `
const encode = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
export default {
  name: '${name}', handlerName: 'sample_umh', requestSize: 4, replySize: 131072,
  parseInput: (input) => Number.parseInt(input, 10),
  encode,
  checkReply(reply, n) { if (reply[n] !== 1) throw new Error('bad reply'); return { offset: n }; },
};
`;

test('an edited manager module is picked up at the next load', async (t) => {
  const { client, dir } = await startDaemon(t);
  const drivers = path.join(dir, 'drivers');
  const pkg = makePackage(drivers, 'edited', { handler: SAMPLE_HANDLER, manager: './manager.mjs' });
  writeFileSync(path.join(pkg, 'manager.mjs'), managerModule('first_mgr'));
  await client.request('load', { driver: 'edited', searchPath: [drivers] });
  t.is((await client.request('info', { driver: 'edited', searchPath: [drivers] })).managerName, 'first_mgr');
  writeFileSync(path.join(pkg, 'manager.mjs'), managerModule('second_mgr'));
  // Loaded: the module it was loaded with serves until unload.
  t.is((await client.request('info', { driver: 'edited', searchPath: [drivers] })).managerName, 'first_mgr');
  await client.request('unload', { driver: 'edited' });
  await client.request('load', { driver: 'edited', searchPath: [drivers] });
  t.is((await client.request('info', { driver: 'edited', searchPath: [drivers] })).managerName, 'second_mgr');
  t.like(await client.request('send', { driver: 'edited', input: '3', searchPath: [drivers] }), { result: { offset: 3 } });
});

test('one bad package never hides the others: list shows each with its error code', async (t) => {
  const { client, dir } = await startDaemon(t);
  const drivers = path.join(dir, 'drivers');
  makePackage(drivers, 'good', { handler: SAMPLE_HANDLER });
  mkdirSync(path.join(drivers, 'dirjson', 'driver.json'), { recursive: true });
  mkdirSync(path.join(drivers, 'notjson'));
  writeFileSync(path.join(drivers, 'notjson', 'driver.json'), '{"name": ');
  mkdirSync(path.join(drivers, 'huge'));
  writeFileSync(path.join(drivers, 'huge', 'driver.json'), ' '.repeat(300 * 1024));
  makePackage(drivers, 'noblob', { handler: SAMPLE_HANDLER, extra: { handler: 'missing_umh' } });
  const list = await client.request('list', { searchPath: [drivers] });
  const byName = new Map(list.map((e) => [e.name, e]));
  t.deepEqual([...byName.keys()].filter((n) => ['good', 'dirjson', 'notjson', 'huge', 'noblob'].includes(n)).sort(), ['dirjson', 'good', 'huge', 'noblob', 'notjson']);
  t.like(byName.get('good'), { state: 'unloaded', lastError: null });
  t.like(byName.get('dirjson'), { state: 'broken', lastError: { code: 'EINVAL', message: `driver.json of driver dirjson ${drivers}/dirjson/driver.json is not a regular file` } });
  t.like(byName.get('notjson'), { state: 'broken', lastError: { code: 'EINVAL' } });
  t.like(byName.get('huge'), { state: 'broken', lastError: { code: 'EFBIG' } });
  t.is(byName.get('noblob')?.state, 'unloaded');
  t.like(await client.request('load', { driver: 'good', searchPath: [drivers] }), { alreadyLoaded: false });
  t.is((await failure(client.request('load', { driver: 'noblob', searchPath: [drivers] }))).code, 'ENOENT');
});
