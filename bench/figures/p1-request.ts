import type { DaemonConnection } from '../../src/client/connection.js';
import path from 'node:path';
import { BenchDaemon, baseline, mustRun, ROOT, SAMPLE_HANDLER, scratchDir } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atMost, figure, perRound, REPORT_ONLY, showMeasured, type Figure } from '../lib/report.js';
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

/** A bare-Node floor from dist/bench/floor (no daemon, no umd code): mean µs per round trip. */
async function nodeFloor(program: string, extra: string[] = []): Promise<number> {
  const run = await mustRun(process.execPath, [path.join(ROOT, 'dist/bench/floor', program), SAMPLE_HANDLER, String(PER_ROUND), ...extra]);
  return Number(run.stdout) / 1000;
}

/**
 * P1: one request through the daemon, against one round trip over a raw
 * pipe pair to a persistent child; and P1n, the bare-Node floor: the same
 * round trips from a plain Node process over the handler's stdio.
 */
export async function p1(options: BenchOptions): Promise<Figure[]> {
  const daemon = await BenchDaemon.start(scratchDir('p1'));
  const umdUs: number[] = [];
  const cUs: number[] = [];
  const relayUs: number[] = [];
  const nodeUs: number[] = [];
  const onreadUs: number[] = [];
  const nodeRelayUs: number[] = [];
  try {
    const client = await daemon.connect();
    try {
      await timeSends(client, 'sample', daemon.searchPath, 200); // load on demand, warm the JIT
      for (let round = 0; round < options.rounds * 3; round++) {
        const c = await baseline('rtt', [SAMPLE_HANDLER, String(PER_ROUND)]);
        cUs.push(Number(c.stdout) / 1000);
        relayUs.push(Number((await baseline('relay', [SAMPLE_HANDLER, String(PER_ROUND)])).stdout) / 1000);
        nodeUs.push(await nodeFloor('node-rtt.js'));
        onreadUs.push(await nodeFloor('node-rtt-onread.js', [path.join(ROOT, 'libexec/umd-exec')]));
        nodeRelayUs.push(await nodeFloor('node-relay.js', [path.join(ROOT, 'libexec/umd-exec')]));
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
  const node = { label: `bench/floor/node-rtt: ${PER_ROUND} round trips from plain Node, stdio 'pipe' and 'data' events, mean`, unit: 'µs', summary: summarize(nodeUs) };
  const onread = { label: 'bench/floor/node-rtt-onread', unit: 'µs', summary: summarize(onreadUs) };
  const nodeRelay = { label: 'bench/floor/node-relay', unit: 'µs', summary: summarize(nodeRelayUs) };
  const nodeRatio = node.summary.median / base.summary.median;
  return [
    figure('P1', 'one request, persistent client, 4 B in / 128 KiB out', subject, base, ratio, atMost(ratio, 1.5), [
      perRound(umdUs, cUs),
      `a daemon written in C (bench/bin/relay: client -> Unix socket -> relay -> pipes -> sample_umh): ${showMeasured(relay)}, ${(relay.summary.median / base.summary.median).toFixed(2)}× the baseline`,
      `the same relay in plain Node (bench/floor/node-relay: 4-byte frames, no JSON, lock, deadline or umd code; the handler read as umd reads it): ${showMeasured(nodeRelay)}, ${(nodeRelay.summary.median / base.summary.median).toFixed(2)}× the baseline`,
    ]),
    figure('P1n', 'bare-Node floor: the same round trips, no daemon', node, base, nodeRatio, REPORT_ONLY, [
      perRound(nodeUs, cUs),
      `as umd reads a handler now (FIFOs, the reply pipe sized by umd-exec, onread into one buffer; bench/floor/node-rtt-onread): ${showMeasured(onread)}, ${(onread.summary.median / base.summary.median).toFixed(2)}× the baseline`,
    ]),
  ];
}
