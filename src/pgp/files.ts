import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { UmdError } from '../core/errors.js';
import type { DriverManager } from '../core/manager.js';
import type { PgpExchange } from './exchange.js';
import { loadKeyring, verifySignatures } from './verify.js';
import type { Cert } from './keyring.js';
import type { VerifyResult } from './verify-types.js';
import { PGP_REQUEST_DATA } from './wire.js';

/** What `umd verify` asks: absolute paths, read by the daemon (it runs as the same user: the socket is 0600). */
export interface VerifyFiles {
  keyrings: string[];
  signature: string;
  data?: string;
  signatures?: number;
  notBefore?: number;
  notAfter?: number;
}

/** Reads a whole file that must fit one pgp request; a larger one is EFBIG before it is read. */
function readSmall(file: string, what: string): Buffer {
  try {
    const size = statSync(file).size;
    if (size > PGP_REQUEST_DATA) {
      throw new UmdError('EFBIG', `verify: ${what} ${file} is ${size} bytes, more than the ${PGP_REQUEST_DATA} the pgp driver's request holds`, {
        suggestions: [what === 'keyring' ? 'Split the keyring (gpg --export KEYID > part.gpg) and pass each with --keyring' : 'Use a detached signature: its data is hashed as a stream and never sent'],
      });
    }
    return readFileSync(file);
  } catch (error) {
    if (error instanceof UmdError) throw error;
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ENOENT' : (error as NodeJS.ErrnoException).code === 'EACCES' ? 'EACCES' : 'EIO';
    throw new UmdError(code, `verify: cannot read ${what} ${file}: ${(error as Error).message}`, { suggestions: [`Check the path of the ${what}`] });
  }
}

/** Checked certificates by the keyring's sha256: a keyring is parsed and its bindings verified once per daemon. */
const caches = new WeakMap<DriverManager, Map<string, Cert[]>>();
const CACHE_ENTRIES = 16;

async function certsOf(manager: DriverManager, exchange: PgpExchange, file: string): Promise<Cert[]> {
  const bytes = readSmall(file, 'keyring');
  const digest = createHash('sha256').update(bytes).digest('hex');
  let cache = caches.get(manager);
  if (!cache) caches.set(manager, (cache = new Map<string, Cert[]>()));
  const hit = cache.get(digest);
  if (hit) return hit;
  const certs = await loadKeyring(exchange, bytes, file);
  if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value as string);
  cache.set(digest, certs);
  return certs;
}

/** `umd verify` in the daemon: the pgp handler parses, this side checks and verifies. */
export async function verifyFiles(manager: DriverManager, request: VerifyFiles): Promise<VerifyResult> {
  if (manager.hooks.name !== 'pgp_mgr') {
    throw new UmdError('EINVAL', `verify: driver ${manager.name} has manager ${manager.hooks.name}, not pgp_mgr`, { suggestions: ['Unset UMD_DRIVER_PATH entries that shadow the built-in pgp driver'] });
  }
  const exchange: PgpExchange = (req, check) => manager.sendChecked(req, check);
  const certs: Cert[] = [];
  for (const file of request.keyrings) certs.push(...(await certsOf(manager, exchange, file)));
  const signature = { name: request.signature, bytes: readSmall(request.signature, 'signature') };
  const data = request.data;
  if (data !== undefined) readable(data);
  return verifySignatures(exchange, certs, {
    signature,
    ...(data === undefined ? {} : { data: { name: data, open: () => createReadStream(data) } }),
    ...(request.signatures === undefined ? {} : { signatures: request.signatures }),
    ...(request.notBefore === undefined ? {} : { notBefore: request.notBefore }),
    ...(request.notAfter === undefined ? {} : { notAfter: request.notAfter }),
  });
}

function readable(file: string): void {
  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EINVAL' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'ENOENT' : 'EINVAL';
    throw new UmdError(code, `verify: cannot read data file ${file}: ${(error as Error).message}`, { suggestions: ['Check the path of the signed file'] });
  }
}
