import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A throwaway GNUPGHOME where tests make keys and signatures with the real gpg. */
export class GpgHome {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'umd-gpg-'));

  run(args: string[], options: { input?: string | Buffer; faked?: string } = {}): Buffer {
    const faked = options.faked ? ['--faked-system-time', options.faked] : [];
    return execFileSync('gpg', ['--homedir', this.dir, '--batch', '--yes', '--no-tty', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', '', ...faked, ...args], {
      input: options.input ?? '',
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  }

  /** Makes a key; returns its fingerprint. `expire` as gpg takes it ("never", "1d"). */
  key(uid: string, algo: string, usage = 'sign', expire = 'never', faked?: string): string {
    this.run(['--quick-gen-key', uid, algo, usage, expire], faked ? { faked } : {});
    const colons = this.run(['--with-colons', '--list-keys', uid]).toString();
    const fpr = /^fpr:+([0-9A-F]{40}):/m.exec(colons);
    if (!fpr) throw new Error(`no fingerprint for ${uid}`);
    return fpr[1];
  }

  addSubkey(fpr: string, algo: string, usage: string): string {
    this.run(['--quick-add-key', fpr, algo, usage, 'never']);
    const colons = this.run(['--with-colons', '--list-keys', fpr]).toString();
    const fprs = [...colons.matchAll(/^fpr:+([0-9A-F]{40}):/gm)].map((m) => m[1]);
    return fprs[fprs.length - 1];
  }

  /** Exports keys to a binary (or armored) keyring file. */
  keyring(file: string, fprs: string[], armor = false): string {
    writeFileSync(file, this.run([...(armor ? ['--armor'] : []), '--export', ...fprs]));
    return file;
  }

  /** Revokes a key with the revocation certificate gpg made at generation. */
  revoke(fpr: string): void {
    const cert = readFileSync(path.join(this.dir, 'openpgp-revocs.d', `${fpr}.rev`), 'utf8').replace(/^:-----BEGIN/m, '-----BEGIN');
    this.run(['--import'], { input: cert });
  }

  /** Revokes the first subkey of `fpr` (reason 0, no description), as `gpg --edit-key` does it. */
  revokeSubkey(fpr: string): void {
    this.run(['--command-fd', '0', '--edit-key', fpr], { input: 'key 1\nrevkey\ny\n0\n\ny\nsave\n' });
  }

  sign(fpr: string, file: string, out: string, mode: string[], faked?: string): string {
    this.run(['--local-user', fpr.includes('!') ? fpr : `${fpr}!`, '--output', out, ...mode, file], faked ? { faked } : {});
    return out;
  }

  close(): void {
    spawnSync('gpgconf', ['--homedir', this.dir, '--kill', 'all'], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * gpgv's verdict: the number of GOODSIG status lines (EXPKEYSIG, REVKEYSIG,
 * BADSIG are not good), or 0 when it also reported malformed data (NODATA:
 * e.g. an armor cut short, whose complete packets gpgv still checks, though
 * it exits 2 and apt fails).
 */
export function gpgvGood(keyrings: string[], sig: string, data?: string): number {
  const args = ['--status-fd', '1', ...keyrings.flatMap((k) => ['--keyring', k]), sig, ...(data ? [data] : [])];
  const result = spawnSync('gpgv', args, { encoding: 'utf8' });
  if (/^\[GNUPG:\] NODATA /m.test(result.stdout)) return 0;
  return (result.stdout.match(/^\[GNUPG:\] GOODSIG /gm) ?? []).length;
}

/** Is sqv (Sequoia's gpgv) installed? */
export const HAVE_SQV = spawnSync('sqv', ['--version'], { stdio: 'ignore' }).status === 0;

/** sqv's verdict: the fingerprints of the keys whose signatures are good, one a line on stdout. */
export function sqvGood(keyrings: string[], sig: string, data?: string): number {
  const args = ['--signatures', '1', ...keyrings.flatMap((k) => ['--keyring', k]), sig, ...(data ? [data] : [])];
  const result = spawnSync('sqv', args, { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.split('\n').filter(Boolean).length : 0;
}
