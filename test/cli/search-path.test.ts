import test from 'ava';
import path from 'node:path';
import { cliEnv, umd } from '../helpers/cli.js';
import { makePackage } from '../helpers/packages.js';
import { SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

test('clients with different UMD_DRIVER_PATH: send is EBUSY naming both, and list says so too', async (t) => {
  const dir = tempDir(t);
  const a = path.join(dir, 'a');
  const b = path.join(dir, 'b');
  makePackage(a, 'twin', { handler: SAMPLE_HANDLER });
  makePackage(b, 'twin', { handler: SAMPLE_HANDLER });
  const { env } = cliEnv(t, a);
  t.is((await umd(env, ['load', 'twin'])).code, 0);
  t.deepEqual(await umd({ ...env, UMD_DRIVER_PATH: b }, ['send', 'twin', '1']), {
    code: 1,
    stdout: '',
    stderr: `umd: driver twin is loaded from ${a}/twin, but this request's search path finds it in ${b}/twin\numd: hint: Unload it first to use ${b}/twin, or use the search path (UMD_DRIVER_PATH) it was loaded with\n`,
  });
  const list = await umd({ ...env, UMD_DRIVER_PATH: b }, ['list']);
  t.regex(list.stdout, new RegExp(`\\numd: note: twin is loaded from ${a}/twin; your search path finds ${b}/twin \\(send: EBUSY\\)\\n$`));
  const none = await umd({ ...env, UMD_DRIVER_PATH: '' }, ['send', 'twin', '1']);
  t.is(none.code, 1);
  t.regex(none.stderr, new RegExp(`^umd: driver twin not found in .* \\(it is loaded from ${a}/twin, which this search path does not reach\\)\\numd: hint: Run \`umd list\``));
  t.deepEqual(await umd(env, ['send', 'twin', '2']), { code: 0, stdout: 'umd: twin: 1 byte accepted\n', stderr: '' });
});
