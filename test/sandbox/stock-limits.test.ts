import test from 'ava';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { dropLauncherStock } from '../../src/sandbox/stock.js';
import { makeManager } from '../helpers/manager.js';
import { eventually, FIXTURES, tempDir } from '../helpers/runtime.js';
import { has } from './support.js';

// Attack: the stock launcher takes at most 256 --env words on its control
// descriptor (libexec/stock.c STOCK_MAX_ENV) and ends with 126 on more,
// but the daemon's stockConfig() checks only NULs and the 16 KiB total: a
// driver with 257 short variables loads once (a launch), then its next
// load takes a stock, which refuses the configuration, and the load fails
// where a launch would have served.

const stocked = has('private-root') && has('pid-namespace') ? test.serial : test.skip;

/** Stocks waiting: each has its /dev/kmsg FIFO at pipes/stock-<pid>-<n>.kmsg. */
function waiting(pipesDir: string): number {
  try {
    return readdirSync(pipesDir).filter((name) => name.startsWith('stock-')).length;
  } catch {
    return 0;
  }
}

stocked('a driver with more environment variables than a stock takes (300) still loads and serves when stocks wait', async (t) => {
  const env = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`V${i}`, 'x']));
  const pipesDir = path.join(tempDir(t), 'pipes');
  const fixture = await makeManager(t, 'status', { handler: path.join(FIXTURES, 'sandbox_status'), extra: { env } }, { pipesDir });
  t.teardown(async () => dropLauncherStock(pipesDir));
  await fixture.manager.load();
  t.deepEqual((await fixture.manager.send('7')).result, { bytes: 1, offset: 7 }, 'the first load (a launch) serves');
  await fixture.manager.unload();
  t.true(await eventually(() => waiting(pipesDir) >= 2, 10_000), 'stocks wait after the first start');
  await t.notThrowsAsync(fixture.manager.load(), 'the second load (a stock, or a launch when no stock can take it) starts');
  t.deepEqual((await fixture.manager.send('7')).result, { bytes: 1, offset: 7 }, 'and serves');
});
