import { UmdError } from '../core/errors.js';

/**
 * The pgp driver's wire (drivers/pgp/pgp_wire.h): a request of a fixed
 * 512 KiB, `u32 op; u32 len; data`, and a reply of a fixed 128 KiB,
 * `u32 status; u32 err_offset; u32 nrec; u32 0;` then records of 8 u32 words.
 */
export const PGP_REQUEST_SIZE = 512 * 1024;
export const PGP_REQUEST_HEADER = 8;
export const PGP_REQUEST_DATA = PGP_REQUEST_SIZE - PGP_REQUEST_HEADER;
export const PGP_REPLY_SIZE = 128 * 1024;
const REPLY_HEADER = 16;
const RECORD_BYTES = 32;
export const PGP_MAX_RECORDS = Math.floor((PGP_REPLY_SIZE - REPLY_HEADER) / RECORD_BYTES);

export const OP_ARMOR = 1;
export const OP_PACKETS = 2;

export const R_PACKET = 1;
export const R_KEY = 2;
export const R_SIG = 4;
export const R_SIGVAL = 5;
export const R_SUB = 6;
export const R_ARMOR = 10;
export const R_CLEAR = 11;
export const NO_CRC = 0xffff_ffff;

const STATUS = ['ok', 'malformed', 'too many records', 'unsupported', 'bad armor', 'bad request'];

/** One record: its 8 words; `w[0]` is its kind. */
export type Record8 = readonly number[];

export function encodePgpRequest(op: number, data: Buffer, what: string): Buffer {
  if (data.length > PGP_REQUEST_DATA) {
    throw new UmdError('EFBIG', `pgp: ${what} is ${data.length} bytes, more than the ${PGP_REQUEST_DATA} the pgp driver's request holds`, {
      suggestions: ['Split the keyring, or use a detached signature: its data is hashed as a stream and never sent'],
    });
  }
  const request = Buffer.alloc(PGP_REQUEST_SIZE);
  request.writeUInt32LE(op, 0);
  request.writeUInt32LE(data.length, 4);
  data.copy(request, PGP_REQUEST_HEADER);
  return request;
}

/**
 * Reads a reply's header and records. A status other than ok is the
 * handler's verdict on the input (EBADMSG, ENOTSUP, EFBIG); a reply that is
 * not even well-formed is EINVAL (the handler is wrong, not the input).
 */
export function readPgpReply(reply: Buffer, what: string): Record8[] {
  if (reply.length !== PGP_REPLY_SIZE) throw badReply(`reply of ${reply.length} bytes`);
  const status = reply.readUInt32LE(0);
  const offset = reply.readUInt32LE(4);
  const count = reply.readUInt32LE(8);
  if (status !== 0) {
    const name = STATUS[status];
    if (name === undefined) throw badReply(`unknown status ${status}`);
    const code = status === 2 ? 'EFBIG' : status === 3 ? 'ENOTSUP' : 'EBADMSG';
    throw new UmdError(code, `pgp: ${what}: ${name} OpenPGP data at byte ${offset}`, {
      suggestions: [status === 3 ? 'umd verify supports v4 keys and signatures (RSA, Ed25519, ECDSA P-256/384/521), armored or binary' : `Check that ${what} is what you meant (gpg --list-packets shows what is in it)`],
    });
  }
  if (count > PGP_MAX_RECORDS) throw badReply(`${count} records, at most ${PGP_MAX_RECORDS} fit`);
  const records: Record8[] = [];
  for (let i = 0; i < count; i++) {
    const at = REPLY_HEADER + i * RECORD_BYTES;
    const words: number[] = [];
    for (let w = 0; w < 8; w++) words.push(reply.readUInt32LE(at + 4 * w));
    records.push(words);
  }
  return records;
}

/** A reply the manager cannot accept: the handler answered wrongly (EINVAL, and it is replaced). */
export function badReply(detail: string): UmdError {
  return new UmdError('EINVAL', `pgp: the handler's reply fails the check: ${detail}`, {
    suggestions: ['The pgp handler answered wrongly; it is replaced. See `umd log --driver pgp`'],
  });
}

/** Reads records in order; every check failure is a bad reply. */
export class RecordCursor {
  #i = 0;
  constructor(readonly records: Record8[]) {}

  get done(): boolean {
    return this.#i >= this.records.length;
  }

  peek(): Record8 | undefined {
    return this.records[this.#i];
  }

  take(kind: number): Record8 {
    const r = this.records[this.#i];
    if (r?.[0] !== kind) throw badReply(`record ${this.#i} is ${r ? `kind ${r[0]}` : 'missing'}, expected kind ${kind}`);
    this.#i++;
    return r;
  }

  end(): void {
    if (!this.done) throw badReply(`${this.records.length - this.#i} records more than the data holds`);
  }
}

/** Fails unless the handler's claim equals what the bytes say. */
export function expectEqual(what: string, claimed: number | undefined, actual: number): void {
  if (claimed !== actual) throw badReply(`${what}: the handler said ${claimed}, the bytes say ${actual}`);
}
