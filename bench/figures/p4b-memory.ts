import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DaemonConnection } from '../../src/client/connection.js';
import { BenchDaemon, samplePackages, scratchDir } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { figure, type Figure } from '../lib/report.js';
import { msSince, summarize } from '../lib/stats.js';

const DRIVERS = 64;
const CONNECTIONS = 8;
const LIMIT_MB = 80;
/** RSS while serving requests may exceed RSS after the first tenth of them by this factor at most (median against median). */
const GROWTH = 1.1;

/** A few RSS readings `gapMs` apart. */
async function rssSamples(daemon: BenchDaemon, count = 5, gapMs = 50): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(gapMs);
    samples.push(daemon.rssMB());
  }
  return samples;
}

/**
 * Sends `total` requests spread over the drivers from CONNECTIONS
 * connections at once, calling `checkpoint` after each tenth; stops early
 * when `budgetMs` is spent. Returns how many were sent.
 */
async function drive(
  clients: DaemonConnection[],
  names: string[],
  searchPath: string[],
  total: number,
  budgetMs: number,
  checkpoint: (sent: number) => Promise<void>,
): Promise<number> {
  const start = process.hrtime.bigint();
  const tenth = Math.ceil(total / 10);
  let sent = 0;
  while (sent < total && msSince(start) < budgetMs) {
    const batch = Math.min(tenth, total - sent);
    await Promise.all(
      clients.map(async (client, k) => {
        for (let i = k; i < batch; i += clients.length) {
          const driver = names[(sent + i) % names.length];
          await client.request('send', { driver, input: String(((sent + i) % 128) * 1024), searchPath });
        }
      }),
    );
    sent += batch;
    await checkpoint(sent);
  }
  return sent;
}

/** P4b: daemon RSS with 64 drivers loaded against the idle daemon, and after many requests. */
export async function p4b(options: BenchOptions): Promise<Figure[]> {
  const dir = scratchDir('p4b');
  const drivers = path.join(dir, 'drivers');
  const names = Array.from({ length: DRIVERS }, (_, i) => `drv${String(i).padStart(2, '0')}`);
  samplePackages(drivers, names);
  const daemon = await BenchDaemon.start(dir, drivers);
  let idle: number[];
  let loaded: number[];
  let warm: number[] = [];
  /** RSS at every checkpoint after the first, then a few readings after the last request. */
  const later: number[] = [];
  let sent: number;
  let seconds: number;
  const series: string[] = [];
  try {
    await sleep(300);
    idle = await rssSamples(daemon);
    const clients = await Promise.all(Array.from({ length: CONNECTIONS }, async () => daemon.connect()));
    try {
      for (const driver of names) await clients[0]?.request('load', { driver, searchPath: daemon.searchPath });
      loaded = await rssSamples(daemon);
      series.push(`loaded ${loaded[0]?.toFixed(1)}`);
      const start = process.hrtime.bigint();
      sent = await drive(clients, names, daemon.searchPath, options.requests, options.requestBudgetMs, async (count) => {
        const rss = daemon.rssMB();
        series.push(`${count} ${rss.toFixed(1)}`);
        if (warm.length === 0) warm = [rss, ...(await rssSamples(daemon, 2))];
        else later.push(rss);
        options.progress(`  P4b: ${count} requests, daemon RSS ${rss.toFixed(1)} MB`);
      });
      seconds = msSince(start) / 1000;
      later.push(...(await rssSamples(daemon)));
    } finally {
      for (const client of clients) client.close();
    }
  } finally {
    await daemon.stop();
  }
  const loadedFig = {
    label: `daemon with ${DRIVERS} drivers loaded (${DRIVERS} sample_umh handlers), VmRSS`,
    unit: 'MB',
    summary: summarize(loaded),
  };
  const idleFig = { label: 'the same daemon idle, just started, VmRSS', unit: 'MB', summary: summarize(idle) };
  const afterFig = {
    label: `the same daemon while it served ${sent} requests over its ${DRIVERS} drivers: VmRSS after each tenth but the first, and after the last`,
    unit: 'MB',
    summary: summarize(later),
  };
  const warmFig = { label: `after the first ${Math.ceil(options.requests / 10)} requests, VmRSS`, unit: 'MB', summary: summarize(warm) };
  const short = sent < options.requests ? `; stopped short of ${options.requests} at the ${options.requestBudgetMs / 1000} s budget` : '';
  const growth = afterFig.summary.median / warmFig.summary.median;
  return [
    figure('P4b', `daemon RSS, ${DRIVERS} drivers loaded`, loadedFig, idleFig, loadedFig.summary.median / idleFig.summary.median, {
      text: `≤ ${LIMIT_MB} MB`,
      pass: loadedFig.summary.max <= LIMIT_MB,
    }),
    figure('P4b+', `daemon RSS over ${sent} requests`, afterFig, warmFig, growth, {
      text: `max ≤ ${LIMIT_MB} MB, ≤ ${GROWTH}×`,
      pass: afterFig.summary.max <= LIMIT_MB && growth <= GROWTH,
    }, [
      `${sent} requests in ${seconds.toFixed(1)} s (${(sent / seconds).toFixed(0)} req/s, ${CONNECTIONS} connections)${short}`,
      `RSS (MB) by requests sent: ${series.join(', ')}`,
    ]),
  ];
}
