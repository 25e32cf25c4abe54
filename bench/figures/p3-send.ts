import { BenchDaemon, mustRun, scratchDir, umd } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atMost, figure, perRound, type Figure } from '../lib/report.js';
import { summarize } from '../lib/stats.js';

/** P3: `umd send sample 1024` as a whole process, daemon warm, against `node -e 0`. */
export async function p3(options: BenchOptions): Promise<Figure> {
  const send: number[] = [];
  const bare: number[] = [];
  const daemon = await BenchDaemon.start(scratchDir('p3'));
  const sendOnce = async () => {
    const run = await umd(['send', 'sample', '1024'], daemon.env);
    if (run.code !== 0 || !/^umd: sample: 4 bytes accepted( \(.+\))?\n$/.test(run.stdout)) {
      throw new Error(`bench: umd send exited ${run.code}: ${run.stderr.trim() || run.stdout.trim()}`);
    }
    return run.ms;
  };
  try {
    await sendOnce(); // loads the driver on demand
    await sendOnce();
    const rounds = options.rounds * 2;
    for (let round = 0; round < rounds; round++) {
      bare.push((await mustRun(process.execPath, ['-e', '0'])).ms);
      send.push(await sendOnce());
    }
  } finally {
    await daemon.stop();
  }
  const subject = { label: 'node bin/run.js send sample 1024, daemon warm, whole process', unit: 'ms', summary: summarize(send) };
  const base = { label: 'node -e 0, whole process', unit: 'ms', summary: summarize(bare) };
  const ratio = subject.summary.median / base.summary.median;
  return figure('P3', '`umd send sample 1024` as a process, daemon warm', subject, base, ratio, atMost(ratio, 2), [perRound(send, bare)]);
}
