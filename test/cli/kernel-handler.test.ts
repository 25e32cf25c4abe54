import { cliEnv, umd } from '../helpers/cli.js';
import { kernelSamplePackage, kernelSampleUnavailable } from '../helpers/kernel-sample.js';
import { only } from '../helpers/skip.js';

const unavailable = kernelSampleUnavailable();
const maybe = only(unavailable === null, unavailable ?? '');

maybe("the kernel's own sample handler, compiled unchanged, runs as a umd handler and passes the selftest", async (t) => {
  const drivers = kernelSamplePackage(t);
  const { env } = cliEnv(t, drivers);
  const run = await umd(env, ['selftest', '--driver', 'kernel_sample', '--iterations', '100', '--unload-every', '10', '--seed', '1', '--json']);
  t.is(run.code, 0, run.stderr);
  t.like(JSON.parse(run.stdout), { result: 'pass', completed: 100, unloads: 10, reloads: 10 });
  const sent = await umd(env, ['send', 'kernel_sample', '130048']);
  t.is(sent.code, 0);
  t.regex(sent.stdout, /^umd: kernel_sample: 6 bytes accepted/);
});
