// Shared by the oclif `verify` command and the fast path: no oclif here.
import { chalkStderr } from 'chalk';
import chalk from 'chalk';
import path from 'node:path';
import { UmdError } from '../core/errors.js';
import type { DaemonConnection } from '../client/connection.js';
import type { SignatureResult, VerifyResult } from '../pgp/verify-types.js';
import type { VerifyParams } from '../protocol/messages.js';

export interface VerifyArgs {
  keyrings: string[];
  signature: string;
  data?: string | undefined;
  signatures?: number | undefined;
  notBefore?: string | undefined;
  notAfter?: string | undefined;
}

/** `--not-before`/`--not-after` as sqv takes them: an ISO 8601 date or time (UTC unless it says), or @UNIX-SECONDS. */
export function parseTime(flag: string, value: string): number {
  const unix = /^@(\d{1,10})$/.exec(value);
  // A date alone is its first second for --not-before and its last for --not-after, as sqv reads it.
  const day = flag === 'not-after' ? 'T23:59:59Z' : 'T00:00:00Z';
  const ms = unix ? Number(unix[1]) * 1000 : /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}${day}` : value) : NaN;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new UmdError('EUSAGE', `verify: --${flag} expected a date such as 2024-01-31, 2024-01-31T12:00:00Z or @1706702400, got ${JSON.stringify(value)}`, {
      suggestions: [`umd verify --${flag} 2024-01-31 ...`],
    });
  }
  return Math.floor(ms / 1000);
}

/** The op's parameters: paths made absolute here, since the daemon's working directory is not the user's. */
export function verifyParams(args: VerifyArgs, searchPath: string[]): VerifyParams {
  const params: VerifyParams = {
    keyrings: args.keyrings.map((k) => path.resolve(k)),
    signature: path.resolve(args.signature),
    searchPath,
  };
  if (args.data !== undefined) params.data = path.resolve(args.data);
  if (args.signatures !== undefined) params.signatures = args.signatures;
  if (args.notBefore !== undefined) params.notBefore = parseTime('not-before', args.notBefore);
  if (args.notAfter !== undefined) params.notAfter = parseTime('not-after', args.notAfter);
  return params;
}

export async function requestVerify(daemon: DaemonConnection, args: VerifyArgs, searchPath: string[]): Promise<VerifyResult> {
  return daemon.request('verify', verifyParams(args, searchPath));
}

const STATUS_WORDS: Record<SignatureResult['status'], string> = {
  good: 'good',
  bad: 'BAD',
  'no-key': 'no key',
  'expired-key': 'expired key',
  'revoked-key': 'revoked key',
  'not-signing-key': 'not a signing key',
  'expired-signature': 'expired signature',
  'out-of-range': 'out of range',
  unsupported: 'unsupported',
};

/** One line per signature: verdict, key fingerprint, algorithm, creation time, primary user ID (and why, when not good). */
export function formatSignature(s: SignatureResult): string {
  const word = STATUS_WORDS[s.status].padEnd(5);
  const verdict = s.status === 'good' ? chalk.green(word) : chalk.red(word);
  const parts = [verdict, s.fingerprint ?? s.keyId ?? 'unknown-key', s.algorithm ?? '-', s.created ?? '-', s.userId ?? ''];
  const line = parts.join('  ').trimEnd();
  return s.reason ? `${line}${s.userId ? '' : ' '} ${chalk.dim(`(${s.reason})`)}` : line;
}

/** Prints the lines (and a summary on stderr when it fails); returns the exit status, 0 or 1. */
export function printVerify(result: VerifyResult, log: (line: string) => void): number {
  for (const s of result.signatures) log(formatSignature(s));
  if (result.ok) return 0;
  process.stderr.write(`${chalkStderr.red('umd:')} verify: ${result.good} good signature${result.good === 1 ? '' : 's'}, ${result.needed} needed\n`);
  return 1;
}
