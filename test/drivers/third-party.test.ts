import test from 'ava';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { alive, ROOT, tempDir } from '../helpers/runtime.js';

// A driver written entirely outside umd's tree: a JavaScript handler that
// answers a uint32 n with n + 1, and its own manager module.
const HANDLER = `#!/usr/bin/env node
let pending = Buffer.alloc(0);
process.stderr.write('Started inc_umh\\n');
process.stdin.on('data', (chunk) => {
  pending = Buffer.concat([pending, chunk]);
  while (pending.length >= 4) {
    const reply = Buffer.alloc(4);
    reply.writeUInt32LE((pending.readUInt32LE(0) + 1) >>> 0);
    process.stdout.write(reply);
    pending = pending.subarray(4);
  }
});
process.stdin.on('end', () => process.exit(0));
`;

const MANAGER = `
const encode = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
export default {
  name: 'inc_mgr',
  handlerName: 'inc_umh',
  requestSize: 4,
  replySize: 4,
  parseInput(input) {
    if (!/^[0-9]{1,9}\\n?$/.test(input)) {
      throw Object.assign(new Error('expected a decimal number below 10^9, got ' + JSON.stringify(input)), { code: 'EINVAL' });
    }
    return Number.parseInt(input, 10);
  },
  encode,
  checkReply(reply, n) {
    if (reply.readUInt32LE(0) !== n + 1) throw new Error('wrong sum');
    return { n, sum: n + 1 };
  },
  formatResult: (r) => r.n + ' + 1 = ' + r.sum,
  async postStart(send) {
    if ((await send(encode(0))).readUInt32LE(0) !== 1) throw new Error('0 + 1 is not 1');
  },
};
`;

const NODE_SYSCALLS = ['capget', 'clone', 'clone3', 'epoll_create1', 'epoll_ctl', 'epoll_pwait', 'epoll_pwait2', 'eventfd2', 'execve', 'getcwd', 'ioctl', 'pipe2', 'pkey_alloc', 'getsockname', 'getsockopt', 'sched_getaffinity', 'sysinfo', 'uname'];

function writeIncPackage(dir: string): string {
  const pkg = path.join(dir, 'inc');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(path.join(pkg, 'inc_umh'), HANDLER, { mode: 0o755 });
  writeFileSync(path.join(pkg, 'manager.mjs'), MANAGER);
  const manifest = {
    name: 'inc',
    description: 'adds one',
    handler: 'inc_umh',
    sha256: '0'.repeat(64),
    manager: './manager.mjs',
    timeoutMs: 4000,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', NODE_OPTIONS: '--preserve-symlinks-main' },
    // What Node needs beyond the sandbox's defaults (drivers/README.md, "Sandbox").
    syscalls: NODE_SYSCALLS,
    limits: { addressSpaceBytes: 1024 ** 3 },
  };
  writeFileSync(path.join(pkg, 'driver.json'), JSON.stringify(manifest));
  return pkg;
}

test('a driver package outside the repo, found via UMD_DRIVER_PATH, loads and answers through the CLI', async (t) => {
  const drivers = path.join(tempDir(t), 'drivers');
  const pkg = writeIncPackage(drivers);
  const packaged = await umd({}, ['package', pkg]);
  t.is(packaged.code, 0, packaged.stderr);
  t.regex(packaged.stdout, /^umd: package .*\/inc: driver inc, handler .*\/inc\/inc_umh \(wrote sha256 [0-9a-f]{64}\), manager \.\/manager\.mjs \(inc_mgr\): ok\n$/);
  const { env } = cliEnv(t, drivers);

  const load = await umd(env, ['load', 'inc']);
  t.is(load.code, 0, load.stderr);
  const pid = Number(/^umd: loaded inc \(handler pid (\d+)\)\n$/.exec(load.stdout)?.[1]);
  t.true(alive(pid));
  t.deepEqual(await umd(env, ['send', 'inc', '41']), { code: 0, stdout: 'umd: inc: 41 + 1 = 42\n', stderr: '' });
  t.deepEqual(await umd(env, ['send', 'inc', 'many']), {
    code: 1,
    stdout: '',
    stderr: 'umd: driver inc: expected a decimal number below 10^9, got "many"\n',
  });

  const info = JSON.parse((await umd(env, ['info', 'inc', '--json'])).stdout) as Record<string, unknown>;
  t.like(info, {
    driver: 'inc',
    description: 'adds one',
    manager: './manager.mjs',
    managerName: 'inc_mgr',
    handlerName: 'inc_umh',
    loaderName: null,
    requestSize: 4,
    replySize: 4,
    timeoutMs: 4000,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin' },
    status: { state: 'running', pid, requests: 1 },
  });
  t.is(info.sha256, info.blobSha256);
  t.deepEqual(await umd(env, ['unload', 'inc']), { code: 0, stdout: `umd: unloaded inc (killed handler pid ${pid})\n`, stderr: '' });
});

test('the node-echo example package loads as shipped and echoes', async (t) => {
  const { env } = cliEnv(t, path.join(ROOT, 'examples'));
  t.deepEqual(await umd(env, ['send', 'node-echo', 'hello']), { code: 0, stdout: 'umd: node-echo: echoed "hello" (loaded on demand)\n', stderr: '' });
  const log = await umd(env, ['log', '--driver', 'node-echo']);
  t.regex(log.stdout, /Z node-echo\/echo_umh: Started echo_umh\n/);
});
