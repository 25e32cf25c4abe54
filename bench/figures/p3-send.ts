import path from 'node:path';
import { BenchDaemon, BIN, BUILTIN_DRIVERS, mustRun, ROOT, scratchDir, timeProcess, type Run } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atMost, figure, perRound, REPORT_ONLY, type Figure } from '../lib/report.js';
import { buildOclifFloor } from '../lib/oclif-floor.js';
import { summarize } from '../lib/stats.js';

/** The one-shot forms scripts use (issue 14, P3), each with what its output must be. */
const FORMS: { name: string; args: string[]; out: RegExp }[] = [
  { name: 'send', args: ['send', 'sample', '1024'], out: /^umd: sample: 4 bytes accepted\n$/ },
  { name: 'send --json', args: ['send', 'sample', '1024', '--json'], out: /^\{\n {2}"driver": "sample",[^]*"summary": "4 bytes accepted"\n\}\n$/ },
  { name: 'list --json', args: ['list', '--json'], out: /^\[\n[^]*"name": "sample"[^]*\]\n$/ },
  { name: 'info --json', args: ['info', 'sample', '--json'], out: /^\{\n {2}"driver": "sample",[^]*\}\n$/ },
  // unload then load, each round: both succeed and leave the driver as they found it.
  { name: 'unload', args: ['unload', 'sample'], out: /^umd: unloaded sample/ },
  { name: 'load', args: ['load', 'sample'], out: /^umd: loaded sample/ },
];

/** The two ways a script runs umd: the npm bin and the single executable. */
const ENTRIES: { name: string; command: string; prefix: string[] }[] = [
  { name: 'bin/run.js', command: process.execPath, prefix: [BIN] },
  { name: 'dist/umd', command: path.join(ROOT, 'dist/umd'), prefix: [] },
];

const FLOOR = path.join(ROOT, 'dist/bench/floor-send.js');

async function checked(command: string, args: string[], env: Record<string, string>, out: RegExp): Promise<number> {
  const run: Run = await timeProcess(command, args, env);
  if (run.code !== 0 || !out.test(run.stdout)) throw new Error(`bench: ${[command, ...args].join(' ')} exited ${run.code}: ${run.stderr.trim() || run.stdout.trim()}`);
  return run.ms;
}

/**
 * P3: every one-shot form scripts use, as a whole process against a warm
 * daemon, through bin/run.js and through dist/umd, each against `node -e 0`
 * timed in the same rounds; and the bare-Node floor (FLOOR), reported.
 */
export async function p3(options: BenchOptions): Promise<Figure[]> {
  const bare: number[] = [];
  const floor: number[] = [];
  const oclifFloor: number[] = [];
  const [oclifFile = '', ...oclifArgs] = await buildOclifFloor();
  const times = new Map<string, number[]>();
  // Both entries search the repo's drivers first: dist/umd would otherwise find
  // sample in its embedded copy, and a driver loaded from one package dir is
  // EBUSY for a request whose search path finds it in another.
  const daemon = await BenchDaemon.start(scratchDir('p3'), BUILTIN_DRIVERS);
  const pass = async (record: boolean) => {
    for (const entry of ENTRIES) {
      for (const form of FORMS) {
        const ms = await checked(entry.command, [...entry.prefix, ...form.args], daemon.env, form.out);
        const key = `${form.name}|${entry.name}`;
        if (record) times.set(key, [...(times.get(key) ?? []), ms]);
      }
    }
  };
  try {
    await mustRun(process.execPath, [BIN, 'load', 'sample'], daemon.env);
    await pass(false); // warms the page cache and the driver
    for (let round = 0; round < options.rounds; round++) {
      bare.push((await mustRun(process.execPath, ['-e', '0'])).ms);
      floor.push(await checked(process.execPath, [FLOOR], daemon.env, /^umd: sample: 4 bytes accepted\n$/));
      oclifFloor.push(await checked(oclifFile, oclifArgs, daemon.env, /^\{\n {2}"hello": "umd",\n {2}"drivers": \d+\n\}\n$/));
      await pass(true);
    }
  } finally {
    await daemon.stop();
  }
  const base = { label: 'node -e 0, whole process', unit: 'ms', summary: summarize(bare) };
  const figures: Figure[] = [];
  const floorSummary = summarize(floor);
  figures.push(figure('P3 floor', 'bare Node: socket, one send, print (no CLI)', { label: 'node dist/bench/floor-send.js', unit: 'ms', summary: floorSummary }, base, floorSummary.median / base.summary.median, REPORT_ONLY, [perRound(floor, bare)]));
  const oclifSummary = summarize(oclifFloor);
  const oclifSubject = { label: 'the smallest oclif CLI (bench/floor/oclif-hello.ts: one command, `hello --json`, one `list` asked of the daemon), bundled and started as bin/run.js starts umd', unit: 'ms', summary: oclifSummary };
  figures.push(figure('P3 oclif', 'oclif floor: one oclif command, one daemon request', oclifSubject, base, oclifSummary.median / base.summary.median, REPORT_ONLY, [perRound(oclifFloor, bare)]));
  for (const entry of ENTRIES) {
    for (const form of FORMS) {
      const samples = times.get(`${form.name}|${entry.name}`) ?? [];
      const summary = summarize(samples);
      const ratio = summary.median / base.summary.median;
      const subject = { label: `${entry.name} ${form.args.join(' ')}, daemon warm, whole process`, unit: 'ms', summary };
      figures.push(figure('P3', `\`umd ${form.name}\` via ${entry.name}, daemon warm`, subject, base, ratio, atMost(ratio, 1.5), [perRound(samples, bare)]));
    }
  }
  return figures;
}
