import { UmdError } from '../core/errors.js';
import type { VerifyFiles } from './files.js';

function invalid(name: string, what: string, got: unknown): UmdError {
  return new UmdError('EINVAL', `verify: expected parameter "${name}" to be ${what}, got ${(JSON.stringify(got) ?? 'nothing').slice(0, 80)}`);
}

const isPath = (v: unknown): v is string => typeof v === 'string' && v.startsWith('/') && !v.includes('\0');

function optionalInt(params: Record<string, unknown>, name: string, min: number): number | undefined {
  const v = params[name];
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < min || (v as number) > 0xffff_ffff) throw invalid(name, `an integer from ${min} to 4294967295`, v);
  return v as number;
}

/** Checks the verify op's parameters: absolute paths, counts and Unix times. */
export function verifyParams(params: object): VerifyFiles {
  const p = params as Record<string, unknown>;
  if (!Array.isArray(p.keyrings) || p.keyrings.length === 0 || p.keyrings.length > 64 || !p.keyrings.every(isPath)) {
    throw invalid('keyrings', 'a list of 1 to 64 absolute paths', p.keyrings);
  }
  if (!isPath(p.signature)) throw invalid('signature', 'an absolute path', p.signature);
  if (p.data !== undefined && !isPath(p.data)) throw invalid('data', 'an absolute path', p.data);
  const out: VerifyFiles = { keyrings: p.keyrings, signature: p.signature };
  if (p.data !== undefined) out.data = p.data;
  const signatures = optionalInt(p, 'signatures', 1);
  const notBefore = optionalInt(p, 'notBefore', 0);
  const notAfter = optionalInt(p, 'notAfter', 0);
  if (signatures !== undefined) out.signatures = signatures;
  if (notBefore !== undefined) out.notBefore = notBefore;
  if (notAfter !== undefined) out.notAfter = notAfter;
  return out;
}
