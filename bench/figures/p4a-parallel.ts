import path from 'node:path';
import { BenchDaemon, samplePackages, scratchDir } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atLeast, figure, perRound, type Figure } from '../lib/report.js';
import { msSince, summarize } from '../lib/stats.js';
import { timeSends } from './p1-request.js';

const PER_DRIVER = 150;

/**
 * P4a: aggregate throughput of two drivers driven at once (one connection
 * each, sequential requests on each), against one driver alone.
 */
export async function p4a(options: BenchOptions): Promise<Figure> {
  const dir = scratchDir('p4a');
  const drivers = path.join(dir, 'drivers');
  samplePackages(drivers, ['one', 'two']);
  const daemon = await BenchDaemon.start(dir, drivers);
  const alone: number[] = [];
  const together: number[] = [];
  try {
    const a = await daemon.connect();
    const b = await daemon.connect();
    try {
      await Promise.all([timeSends(a, 'one', daemon.searchPath, 100), timeSends(b, 'two', daemon.searchPath, 100)]);
      for (let round = 0; round < options.rounds * 2; round++) {
        const us = await timeSends(a, 'one', daemon.searchPath, PER_DRIVER);
        alone.push(1e6 / us);
        const start = process.hrtime.bigint();
        await Promise.all([timeSends(a, 'one', daemon.searchPath, PER_DRIVER), timeSends(b, 'two', daemon.searchPath, PER_DRIVER)]);
        together.push((2 * PER_DRIVER * 1000) / msSince(start));
      }
    } finally {
      a.close();
      b.close();
    }
  } finally {
    await daemon.stop();
  }
  const subject = { label: `drivers one and two, ${PER_DRIVER} sequential sends each on its own connection, at once; aggregate`, unit: 'req/s', summary: summarize(together) };
  const base = { label: `driver one alone, ${PER_DRIVER} sequential sends`, unit: 'req/s', summary: summarize(alone) };
  const ratio = subject.summary.median / base.summary.median;
  return figure('P4a', 'two drivers in parallel: aggregate throughput', subject, base, ratio, atLeast(ratio, 1.8), [perRound(together, alone)]);
}
