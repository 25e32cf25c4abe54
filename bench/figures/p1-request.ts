import type { DaemonConnection } from '../../src/client/connection.js';
import { BenchDaemon, baseline, SAMPLE_HANDLER, scratchDir } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atMost, figure, perRound, showMeasured, type Figure } from '../lib/report.js';
import { msSince, summarize } from '../lib/stats.js';

const PER_ROUND = 150;

/** `count` sends on one persistent connection; mean µs per request (each reply checked by the sample manager). */
export async function timeSends(client: DaemonConnection, driver: string, searchPath: string[], count: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) {
    await client.request('send', { driver, input: String((i % 128) * 1024), searchPath });
  }
  return (msSince(start) * 1000) / count;
}

/** P1: one request through the daemon, against one round trip over a raw pipe pair to a persistent child. */
export async function p1(options: BenchOptions): Promise<Figure> {
  const daemon = await BenchDaemon.start(scratchDir('p1'));
  const umdUs: number[] = [];
  const cUs: number[] = [];
  const relayUs: number[] = [];
  try {
    const client = await daemon.connect();
    try {
      await timeSends(client, 'sample', daemon.searchPath, 200); // load on demand, warm the JIT
      for (let round = 0; round < options.rounds * 3; round++) {
        const c = await baseline('rtt', [SAMPLE_HANDLER, String(PER_ROUND)]);
        cUs.push(Number(c.stdout) / 1000);
        relayUs.push(Number((await baseline('relay', [SAMPLE_HANDLER, String(PER_ROUND)])).stdout) / 1000);
        umdUs.push(await timeSends(client, 'sample', daemon.searchPath, PER_ROUND));
      }
    } finally {
      client.close();
    }
  } finally {
    await daemon.stop();
  }
  const subject = { label: `${PER_ROUND} sequential \`send sample <offset>\` on one connection, mean per request`, unit: 'µs', summary: summarize(umdUs) };
  const base = { label: `bench/bin/rtt: ${PER_ROUND} round trips over a raw pipe pair to a persistent sample_umh, mean`, unit: 'µs', summary: summarize(cUs) };
  const ratio = subject.summary.median / base.summary.median;
  const relay = { label: 'bench/bin/relay', unit: 'µs', summary: summarize(relayUs) };
  return figure('P1', 'one request, persistent client, 4 B in / 128 KiB out', subject, base, ratio, atMost(ratio, 1.3), [
    perRound(umdUs, cUs),
    `a daemon written in C (bench/bin/relay: client -> Unix socket -> relay -> pipes -> sample_umh): ${showMeasured(relay)}, ${(relay.summary.median / base.summary.median).toFixed(2)}× the baseline`,
  ]);
}
