import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BenchDaemon, mustRun, scratchDir, timeProcess, umd } from '../lib/env.js';
import type { BenchOptions } from '../lib/options.js';
import { atLeast, atMost, figure, perRound, type Figure } from '../lib/report.js';
import { msSince, summarize } from '../lib/stats.js';

const KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg';
const LISTS = '/var/lib/apt/lists';

function inRelease(): string | null {
  if (!existsSync(KEYRING) || !existsSync(LISTS)) return null;
  const files = readdirSync(LISTS).filter((f) => f.endsWith('_InRelease')).map((f) => path.join(LISTS, f));
  // The largest: the main archive's (about 150 KB, three signatures).
  return files.sort((a, b) => Number(spawnSync('stat', ['-c%s', b]).stdout) - Number(spawnSync('stat', ['-c%s', a]).stdout))[0] ?? null;
}

/** A throwaway RSA 4096 key's detached signature over the same bytes, for sqv (Debian 12's sqv reads no cleartext signatures). */
function detachedFor(file: string, dir: string): { keyring: string; sig: string } | null {
  const home = mkdtempSync(path.join(tmpdir(), 'umd-bench-gpg-'));
  const g = (args: string[]) => spawnSync('gpg', ['--homedir', home, '--batch', '--yes', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...args]);
  try {
    if (g(['--quick-gen-key', 'bench <bench@example.org>', 'rsa4096', 'sign', 'never']).status !== 0) return null;
    const keyring = path.join(dir, 'bench.gpg');
    writeFileSync(keyring, g(['--export', 'bench@example.org']).stdout);
    const sig = path.join(dir, 'bench.sig');
    if (g(['--output', sig, '--detach-sign', file]).status !== 0) return null;
    return { keyring, sig };
  } finally {
    spawnSync('gpgconf', ['--homedir', home, '--kill', 'all']);
    rmSync(home, { recursive: true, force: true });
  }
}

const ok = (stdout: string): boolean => /^good /m.test(stdout);

/**
 * P6: `umd verify` on the Debian InRelease and keyring. (a) one process,
 * daemon warm, against `node -e 0`, with gpgv and sqv for reference;
 * (b) verifications per second through one daemon connection against gpgv
 * run once per file.
 */
export async function p6(options: BenchOptions): Promise<Figure[]> {
  const file = inRelease();
  if (!file) throw new Error(`bench: P6 needs ${KEYRING} and an InRelease under ${LISTS} (apt-get update)`);
  const dir = scratchDir('p6');
  const daemon = await BenchDaemon.start(dir);
  const verifyArgs = ['verify', '--keyring', KEYRING, file];
  const detached = detachedFor(file, dir);
  const hasSqv = spawnSync('sqv', ['--version']).status === 0;
  const samples = { umd: [] as number[], node: [] as number[], gpgv: [] as number[], sqv: [] as number[], umdDetached: [] as number[] };
  try {
    for (let i = 0; i < 2; i++) {
      const warm = await umd(verifyArgs, daemon.env); // loads the driver, caches the keyring
      if (warm.code !== 0 || !ok(warm.stdout)) throw new Error(`bench: umd verify exited ${warm.code}: ${warm.stderr.trim()}`);
    }
    for (let round = 0; round < options.rounds * 2; round++) {
      samples.node.push((await mustRun(process.execPath, ['-e', '0'])).ms);
      samples.umd.push((await umd(verifyArgs, daemon.env)).ms);
      samples.gpgv.push((await timeProcess('gpgv', ['--keyring', KEYRING, file])).ms);
      if (detached) {
        samples.umdDetached.push((await umd(['verify', '--keyring', detached.keyring, detached.sig, file], daemon.env)).ms);
        if (hasSqv) samples.sqv.push((await timeProcess('sqv', ['--keyring', detached.keyring, detached.sig, file])).ms);
      }
    }
    // (b) many verifications through one connection, against gpgv once per file.
    const client = await daemon.connect();
    const n = 40 * options.rounds;
    const params = { keyrings: [KEYRING], signature: file, searchPath: daemon.searchPath };
    const rates: number[] = [];
    const gpgvRates: number[] = [];
    try {
      for (let round = 0; round < options.rounds; round++) {
        let t = process.hrtime.bigint();
        for (let i = 0; i < n / options.rounds; i++) {
          const result = await client.request('verify', params);
          if (result.good !== 3) throw new Error(`bench: verify through the connection found ${result.good} good signatures`);
        }
        rates.push((n / options.rounds / msSince(t)) * 1000);
        t = process.hrtime.bigint();
        for (let i = 0; i < 5; i++) await timeProcess('gpgv', ['--keyring', KEYRING, file]);
        gpgvRates.push((5 / msSince(t)) * 1000);
      }
    } finally {
      client.close();
    }
    const a = { label: `node bin/run.js verify --keyring debian-archive-keyring.gpg InRelease (${path.basename(file)}), daemon warm`, unit: 'ms', summary: summarize(samples.umd) };
    const base = { label: 'node -e 0, whole process', unit: 'ms', summary: summarize(samples.node) };
    const ratioA = a.summary.median / base.summary.median;
    const notes = [perRound(samples.umd, samples.node), `for reference, gpgv on the same files: median ${summarize(samples.gpgv).median.toFixed(1)} ms`];
    if (detached) {
      notes.push(`a detached RSA 4096 signature over the same bytes (throwaway key): umd verify ${summarize(samples.umdDetached).median.toFixed(1)} ms` +
        (hasSqv ? `, sqv ${summarize(samples.sqv).median.toFixed(1)} ms (Debian 12's sqv reads no cleartext signatures)` : ', sqv not installed'));
    }
    const b = { label: 'umd verify of the InRelease through one daemon connection', unit: '/s', summary: summarize(rates) };
    const gBase = { label: 'gpgv once per file, same InRelease and keyring', unit: '/s', summary: summarize(gpgvRates) };
    const ratioB = b.summary.median / gBase.summary.median;
    return [
      figure('P6a', '`umd verify` of an InRelease as a process, daemon warm', a, base, ratioA, atMost(ratioA, 2), notes),
      figure('P6b', 'verifications per second through one connection vs gpgv per file', b, gBase, ratioB, atLeast(ratioB, 5), [perRound(rates, gpgvRates)]),
    ];
  } finally {
    await daemon.stop();
  }
}

