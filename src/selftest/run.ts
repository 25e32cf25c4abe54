import { toUmdError, type UmdError } from '../core/errors.js';
import { BashRandom } from './bash-random.js';

/** What the selftest drives: the daemon's client, or a manager in-process. */
export interface SelftestTarget {
  /** modprobe: finds and loads the driver; throws when it cannot. */
  load(driver: string): Promise<unknown>;
  /** echo N > .../sample_umd */
  send(driver: string, input: string): Promise<{ loadedOnDemand: boolean }>;
  /** rmmod */
  unload(driver: string): Promise<unknown>;
}

export interface SelftestOptions {
  driver: string;
  iterations: number;
  unloadEvery: number;
  seed: number;
}

export type SelftestVerdict = 'pass' | 'fail' | 'skip';

export interface SelftestResult {
  result: SelftestVerdict;
  driver: string;
  seed: number;
  iterations: number;
  /** Iterations whose send succeeded. */
  completed: number;
  unloads: number;
  /** Sends that found the driver unloaded and loaded it on demand. */
  reloads: number;
  failures: number;
  seconds: number;
  /** Why it failed or was skipped. */
  error?: { code: string; message: string; iteration?: number; offset?: number };
}

export interface SelftestProgress {
  iteration: number;
  offset: number;
  unloaded: boolean;
}

/** kselftest's exit codes. */
export const KSFT_EXIT: Record<SelftestVerdict, number> = { pass: 0, fail: 1, skip: 4 };

export const SELFTEST_DEFAULTS = { driver: 'sample', iterations: 500, unloadEvery: 50 } as const;

/** A result with nothing done yet. */
export function emptySelftestResult(options: SelftestOptions, verdict: SelftestVerdict): SelftestResult {
  return {
    result: verdict,
    driver: options.driver,
    seed: options.seed,
    iterations: options.iterations,
    completed: 0,
    unloads: 0,
    reloads: 0,
    failures: 0,
    seconds: 0,
  };
}

/**
 * How many sends are in flight at once between two unloads: the next one
 * is on its way while the previous reply is checked, so the daemon takes
 * it from its socket while the handler works. The driver's lock still
 * serializes them, in the order sent; an unload waits for every send
 * before it.
 */
export const SELFTEST_WINDOW = 2;

type Settled = { ok: true; loadedOnDemand: boolean } | { ok: false; error: unknown };

/** The last iteration of the run of sends that starts at `from`: the next unload, or the end. */
function runEnd(from: number, options: SelftestOptions): number {
  let end = from;
  while (end < options.iterations - 1 && end % options.unloadEvery !== 0) end++;
  return end;
}

/**
 * The kernel's `umd_mgmt.sh`: load the driver (skip if that is impossible),
 * then `iterations` times send `(RANDOM % 128) * 1024`, unloading the driver
 * after every iteration i with i % unloadEvery == 0, so that the next send
 * must load it again on demand and start a fresh handler. Sends between two
 * unloads overlap by SELFTEST_WINDOW; the first that fails ends the test
 * (once the ones already sent are answered).
 */
export async function runSelftest(
  target: SelftestTarget,
  options: SelftestOptions,
  onProgress: (progress: SelftestProgress) => void = () => undefined,
): Promise<SelftestResult> {
  const started = process.hrtime.bigint();
  const random = new BashRandom(options.seed);
  const result = emptySelftestResult(options, 'pass');
  const finish = (verdict: SelftestVerdict, error?: UmdError, where?: { iteration: number; offset: number }) => {
    result.result = verdict;
    if (error) result.error = { code: error.code, message: error.message, ...where };
    result.seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return result;
  };

  try {
    await target.load(options.driver);
  } catch (error) {
    // Skip is for a driver that is not there; one that is there and cannot load (a digest mismatch) failed.
    const failure = toUmdError(error, 'EIO', `load ${options.driver}`);
    return finish(failure.code === 'ENOENT' ? 'skip' : 'fail', failure);
  }

  const inFlight: Array<{ offset: number; sent: Promise<Settled> }> = [];
  const sendNext = () => {
    const offset = (random.next() % 128) * 1024;
    // A send that throws (a target that is not async) fails its iteration, as one that rejects does.
    const sent = new Promise<{ loadedOnDemand: boolean }>((resolve) => resolve(target.send(options.driver, String(offset)))).then(
      (answer): Settled => ({ ok: true, loadedOnDemand: answer.loadedOnDemand }),
      (error: unknown): Settled => ({ ok: false, error }),
    );
    inFlight.push({ offset, sent });
  };

  for (let from = 0; from < options.iterations; ) {
    const end = runEnd(from, options);
    let next = from;
    for (let i = from; i <= end; i++) {
      for (; next <= end && inFlight.length < SELFTEST_WINDOW; next++) sendNext();
      const { offset, sent } = inFlight.shift() as (typeof inFlight)[number];
      const settled = await sent;
      if (!settled.ok) {
        result.failures++;
        await Promise.all(inFlight.map(async (later) => later.sent)); // already sent: let them be answered
        return finish('fail', toUmdError(settled.error, 'EIO', `send ${offset}`), { iteration: i, offset });
      }
      if (settled.loadedOnDemand) result.reloads++;
      result.completed++;
      const unload = i % options.unloadEvery === 0;
      if (unload) {
        // The script ignores rmmod's status; so do we, but we count what worked.
        await target.unload(options.driver).then(
          () => result.unloads++,
          () => undefined,
        );
      }
      onProgress({ iteration: i, offset, unloaded: unload });
    }
    from = end + 1;
  }
  return finish('pass');
}
