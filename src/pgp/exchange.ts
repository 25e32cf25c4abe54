import { UmdError } from '../core/errors.js';
import { ArmorError, checkText } from './check-text.js';
import type { ArmoredData } from './check-text.js';
import { checkPackets } from './check-packets.js';
import type { Packet } from './packet-types.js';
import { OP_ARMOR, OP_PACKETS, encodePgpRequest, readPgpReply } from './wire.js';

/**
 * One exchange with a pgp handler: `request` in, and `check` run on the
 * reply before anything else may talk to that handler. A check that throws
 * means the handler lied; the caller (DriverManager.sendChecked) replaces it.
 */
export type PgpExchange = <R>(request: Buffer, check: (reply: Buffer) => R) => Promise<R>;

/** The input's fault, not the handler's: carried out of the check as a value so the handler is not replaced for it. */
class InputVerdict {
  constructor(readonly error: UmdError) {}
}

function checked<R>(what: string, fn: (reply: Buffer) => R): (reply: Buffer) => R | InputVerdict {
  return (reply) => {
    try {
      return fn(reply);
    } catch (error) {
      if (error instanceof UmdError && error.code !== 'EINVAL') return new InputVerdict(error);
      if (error instanceof ArmorError) {
        return new InputVerdict(new UmdError('EBADMSG', `pgp: ${what}: ${error.message}`, { suggestions: [`Check that ${what} was not altered`] }));
      }
      throw error;
    }
  };
}

function unwrap<R>(result: R | InputVerdict): R {
  if (result instanceof InputVerdict) throw result.error;
  return result;
}

/** Has the handler parse binary packets; the manager checks its account of them. */
export async function parsePackets(exchange: PgpExchange, data: Buffer, what: string): Promise<Packet[]> {
  const request = encodePgpRequest(OP_PACKETS, data, what);
  return unwrap(await exchange(request, checked(what, (reply) => checkPackets(data, readPgpReply(reply, what)))));
}

/** Has the handler parse armor or a cleartext signed message; the manager checks it and decodes the base64 itself. */
export async function parseText(exchange: PgpExchange, data: Buffer, what: string): Promise<ArmoredData> {
  const request = encodePgpRequest(OP_ARMOR, data, what);
  return unwrap(await exchange(request, checked(what, (reply) => checkText(data, readPgpReply(reply, what)))));
}

/** Armored text starts with a printable character; a binary packet's first octet has its top bit set. */
export function isArmored(data: Buffer): boolean {
  return data.length > 0 && ((data[0]) & 0x80) === 0;
}
