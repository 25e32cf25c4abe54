import path from 'node:path';
import type { DaemonConnection } from '../../src/client/connection.js';
import { makePackage } from '../../test/helpers/packages.js';
import { BenchDaemon, baseline, SAMPLE_HANDLER, scratchDir } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atMost, figure, perRound, showMeasured, type Figure } from '../lib/report.js';
import { msSince, summarize } from '../lib/stats.js';

const PER_ROUND = 10;

/** `count` loads of `driver` (timed), each followed by an unload (not timed); mean ms per load. */
async function timeLoads(client: DaemonConnection, driver: string, searchPath: string[], count: number): Promise<number> {
  let total = 0;
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    const loaded = await client.request('load', { driver, searchPath });
    total += msSince(start);
    if (loaded.alreadyLoaded) throw new Error(`bench: ${driver} was already loaded`);
    await client.request('unload', { driver });
  }
  return total / count;
}

/**
 * P5: handler start through the daemon (`load`: blob copy and check,
 * sandboxed launch, post_start), against fork+exec of the bare handler. The
 * same package with `"sandbox": false` is measured too, to show what the
 * sandbox costs.
 */
export async function p5(options: BenchOptions): Promise<Figure> {
  const dir = scratchDir('p5');
  const drivers = path.join(dir, 'drivers');
  makePackage(drivers, 'unconfined', { handler: SAMPLE_HANDLER, extra: { sandbox: false } });
  const daemon = await BenchDaemon.start(dir, drivers);
  const loads: number[] = [];
  const unconfined: number[] = [];
  const forks: number[] = [];
  try {
    const client = await daemon.connect();
    try {
      await timeLoads(client, 'sample', daemon.searchPath, 3);
      await timeLoads(client, 'unconfined', daemon.searchPath, 3);
      for (let round = 0; round < options.rounds * 2; round++) {
        forks.push(Number((await baseline('start', [SAMPLE_HANDLER, String(PER_ROUND)])).stdout) / 1e6);
        loads.push(await timeLoads(client, 'sample', daemon.searchPath, PER_ROUND));
        unconfined.push(await timeLoads(client, 'unconfined', daemon.searchPath, PER_ROUND));
      }
    } finally {
      client.close();
    }
  } finally {
    await daemon.stop();
  }
  const subject = { label: `${PER_ROUND} \`load sample\` requests on one connection (each then unloaded, untimed), mean`, unit: 'ms', summary: summarize(loads) };
  const base = { label: `bench/bin/start: fork+exec sample_umh + the post_start round trip, mean of ${PER_ROUND}`, unit: 'ms', summary: summarize(forks) };
  const bare = { label: 'the same, driver.json "sandbox": false', unit: 'ms', summary: summarize(unconfined) };
  const ratio = subject.summary.median / base.summary.median;
  return figure('P5', 'handler start (load, post_start included)', subject, base, ratio, atMost(ratio, 4), [
    perRound(loads, forks),
    `without the sandbox ("sandbox": false): ${showMeasured(bare)}, ${(bare.summary.median / base.summary.median).toFixed(2)}× the baseline`,
  ]);
}
