import { errnoName } from '../core/errno.js';
import { UmdError } from '../core/errors.js';
import { quote } from '../core/quote.js';
import type { ManagerHooks } from './types.js';

/** `struct { u64 addr; u32 len; u32 is_set; u32 cmd; u32 pid; }`, native (little-endian) layout. */
export const BPFILTER_REQUEST_SIZE = 24;
/** `struct { s32 status; }`: 0 or a negative errno. */
export const BPFILTER_REPLY_SIZE = 4;
/** The largest errno Linux hands out; a status below -4095 is not an errno. */
const MAX_ERRNO = 4095;
const U32_MAX = 0xffff_ffffn;
const U64_MAX = 0xffff_ffff_ffff_ffffn;
const FIELDS = ['cmd', 'len', 'set', 'addr'];
const HINT = 'Send a JSON object such as {"cmd":64,"len":0,"set":false,"addr":0}, or `umd send bpfilter --cmd 64 --len 0 [--set]`';

export interface BpfilterRequest {
  addr: bigint;
  len: number;
  set: boolean;
  cmd: number;
  /** The process the request is made for; umd fills in the daemon's pid. */
  pid: number;
}

export interface BpfilterResult {
  /** The handler's answer: 0, or a negative errno. */
  status: number;
  /** The errno's name when status is negative, e.g. `ENOPROTOOPT`. */
  errno: string | null;
}

function invalid(what: string, got: unknown): UmdError {
  return new UmdError('EINVAL', `bpfilter: expected ${what}, got ${quote(got)}`, { suggestions: [HINT] });
}

function expected(field: string, what: string, got: unknown): UmdError {
  return invalid(`"${field}" to be ${what}`, got);
}

/** An unsigned integer field: a JSON integer, or a string of decimal digits for values past 2^53. */
function unsignedField(fields: Record<string, unknown>, name: string, max: bigint, fallback?: bigint): bigint {
  const value = fields[name];
  if (value === undefined && fallback !== undefined) return fallback;
  let n: bigint | null = null;
  if (typeof value === 'number' && Number.isSafeInteger(value)) n = BigInt(value);
  else if (typeof value === 'string' && /^[0-9]{1,20}$/.test(value)) n = BigInt(value);
  if (n === null || n < 0n || n > max) throw expected(name, `an integer from 0 to ${max}`, value);
  return n;
}

/** Reads the user's sockopt-like request: `{"cmd": 64, "len": 0, "set": false, "addr": 0}`; only "cmd" is required. */
export function parseBpfilterInput(input: string): BpfilterRequest {
  let raw: unknown;
  try {
    raw = JSON.parse(input);
  } catch {
    throw invalid('a JSON object', input);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('a JSON object', raw);
  const fields = raw as Record<string, unknown>;
  const unknown = Object.keys(fields).find((key) => !FIELDS.includes(key));
  if (unknown !== undefined) throw invalid(`only the fields ${FIELDS.join(', ')}`, unknown);
  const set = fields.set ?? false;
  if (typeof set !== 'boolean') throw expected('set', 'true or false', set);
  return {
    cmd: Number(unsignedField(fields, 'cmd', U32_MAX)),
    len: Number(unsignedField(fields, 'len', U32_MAX, 0n)),
    set,
    addr: unsignedField(fields, 'addr', U64_MAX, 0n),
    pid: process.pid,
  };
}

export function encodeBpfilterRequest(request: BpfilterRequest): Buffer {
  const buf = Buffer.alloc(BPFILTER_REQUEST_SIZE);
  buf.writeBigUInt64LE(request.addr, 0);
  buf.writeUInt32LE(request.len, 8);
  buf.writeUInt32LE(request.set ? 1 : 0, 12);
  buf.writeUInt32LE(request.cmd, 16);
  buf.writeUInt32LE(request.pid, 20);
  return buf;
}

/** Reads the status; anything but 0 or a negative errno means the handler is not speaking bpfilter. */
export function checkBpfilterReply(reply: Buffer): BpfilterResult {
  const status = reply.readInt32LE(0);
  if (status > 0 || status < -MAX_ERRNO) {
    throw new UmdError('EINVAL', `bpfilter: the handler's reply has status ${status}, expected 0 or a negative errno`, {
      suggestions: ['The handler answered wrongly'],
      topic: 'handler',
    });
  }
  return { status, errno: status < 0 ? errnoName(-status) : null };
}

export function formatBpfilterResult(result: BpfilterResult): string {
  return result.errno === null ? `status ${result.status}` : `status ${result.status} (${result.errno})`;
}

/** bpfilter's manager: the kernel's first user mode driver, here to prove the library format-independent. */
export const bpfilterManager: ManagerHooks<BpfilterRequest, BpfilterResult> = {
  name: 'bpfilter_mgr',
  handlerName: 'bpfilter_umh',
  loaderName: 'bpfilter',
  requestSize: BPFILTER_REQUEST_SIZE,
  replySize: BPFILTER_REPLY_SIZE,
  fields: FIELDS,
  parseInput: parseBpfilterInput,
  encode: encodeBpfilterRequest,
  checkReply: (reply) => checkBpfilterReply(reply),
  formatResult: formatBpfilterResult,
  async postStart(send) {
    // bpfilter's health check: a request with only the pid set must answer 0.
    const health = { addr: 0n, len: 0, set: false, cmd: 0, pid: process.pid };
    const result = checkBpfilterReply(await send(encodeBpfilterRequest(health)));
    if (result.status !== 0) {
      throw new UmdError('EINVAL', `bpfilter: the health check answered ${formatBpfilterResult(result)}, expected status 0`);
    }
  },
};
