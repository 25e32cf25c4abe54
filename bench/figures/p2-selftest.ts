import path from 'node:path';
import { BenchDaemon, baseline, mayAutostart, mustRun, ROOT, SAMPLE_HANDLER, scratchDir, stopAutostarted, umd, type Run } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atMost, figure, perRound, REPORT_ONLY, type Figure } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

const ITERATIONS = 500;
const UNLOAD_EVERY = 50;

function checkSelftest(run: Run): number {
  if (run.code !== 0 || !run.stdout.includes('[PASS]')) {
    throw new Error(`bench: umd selftest exited ${run.code}: ${run.stderr.trim() || run.stdout.trim()}`);
  }
  return run.ms;
}

/** The bare-Node floor (bench/floor/node-selftest.ts): the same work from one plain Node process, whole process. */
async function nodeSelftest(): Promise<number> {
  return (await mustRun(process.execPath, [path.join(ROOT, 'dist/bench/floor/node-selftest.js'), SAMPLE_HANDLER, String(ITERATIONS), String(UNLOAD_EVERY)])).ms;
}

async function cSelftest(): Promise<number> {
  return (await baseline('selftest', [SAMPLE_HANDLER, String(ITERATIONS), String(UNLOAD_EVERY)])).ms;
}

/**
 * P2: `umd selftest` as a whole process, against the same work done in C
 * (500 round trips, 11 fork+exec starts with post_start). Warm: the daemon
 * runs and has served a selftest before. Cold: no daemon; the selftest
 * starts one (and the bench stops it afterwards, untimed).
 */
export async function p2(options: BenchOptions): Promise<Figure[]> {
  const warm: number[] = [];
  const cold: number[] = [];
  const cWarm: number[] = [];
  const cCold: number[] = [];
  const floor: number[] = [];
  const daemon = await BenchDaemon.start(scratchDir('p2'));
  try {
    checkSelftest(await umd(['selftest'], daemon.env));
    for (let round = 0; round < options.rounds; round++) {
      cWarm.push(await cSelftest());
      warm.push(checkSelftest(await umd(['selftest'], daemon.env)));
      floor.push(await nodeSelftest());
    }
  } finally {
    await daemon.stop();
  }
  const coldRounds = Math.max(3, Math.ceil(options.rounds / 2));
  for (let round = 0; round < coldRounds; round++) {
    const dir = scratchDir('p2cold');
    const env = BenchDaemon.envFor(dir);
    mayAutostart(dir, env);
    try {
      cCold.push(await cSelftest());
      cold.push(checkSelftest(await umd(['selftest'], env)));
    } finally {
      await stopAutostarted(dir);
    }
  }
  const cLabel = `bench/bin/selftest: ${ITERATIONS} round trips + 11 fork+exec starts with post_start, whole process`;
  const warmSubject = { label: 'node bin/run.js selftest, daemon running and warm, whole process', unit: 'ms', summary: summarize(warm) };
  const warmBase = { label: cLabel, unit: 'ms', summary: summarize(cWarm) };
  const coldSubject = { label: 'node bin/run.js selftest, no daemon (it autostarts one), whole process', unit: 'ms', summary: summarize(cold) };
  const coldBase = { label: cLabel, unit: 'ms', summary: summarize(cCold) };
  const warmRatio = warmSubject.summary.median / warmBase.summary.median;
  const floorSubject = { label: 'node dist/bench/floor/node-selftest.js: the same work from plain Node (FIFOs, onread; no daemon, CLI or sandbox), whole process', unit: 'ms', summary: summarize(floor) };
  const floorRatio = floorSubject.summary.median / warmBase.summary.median;
  const coldRatio = coldSubject.summary.median / coldBase.summary.median;
  return [
    figure('P2w', '`umd selftest` (500 sends, 10 unloads), daemon warm', warmSubject, warmBase, warmRatio, atMost(warmRatio, 4), [perRound(warm, cWarm)]),
    figure('P2n', 'bare-Node floor: the same selftest work, one process', floorSubject, warmBase, floorRatio, REPORT_ONLY, [perRound(floor, cWarm)]),
    figure('P2c', '`umd selftest`, from cold (daemon autostart)', coldSubject, coldBase, coldRatio, REPORT_ONLY, [perRound(cold, cCold)]),
  ];
}
