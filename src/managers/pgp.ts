import { UmdError } from '../core/errors.js';
import { checkPackets } from '../pgp/check-packets.js';
import { checkText } from '../pgp/check-text.js';
import { OP_ARMOR, OP_PACKETS, PGP_REPLY_SIZE, PGP_REQUEST_SIZE, encodePgpRequest, readPgpReply } from '../pgp/wire.js';
import type { ManagerHooks } from './types.js';

/**
 * The pgp driver's manager. `umd verify` drives it through
 * DriverManager.sendChecked (src/pgp/); these hooks serve `umd send pgp`,
 * which takes `{"op":"packets"|"armor","data":"<base64>"}` and answers with
 * what the checked reply holds, and the health check after every start.
 */
interface PgpSend {
  op: number;
  data: Buffer;
}

const HINT = 'Send {"op":"packets","data":"<base64 of OpenPGP packets>"} or {"op":"armor","data":"<base64 of armored text>"}; or use `umd verify`';

/** An Ed25519 primary key made for the health check: the handler must account for it exactly. */
const HEALTH_KEY = Buffer.from('c633048000000016092b06010401da470f01010740' + '11'.repeat(32), 'hex');

function parsePgpInput(input: string): PgpSend {
  let raw: unknown;
  try {
    raw = JSON.parse(input);
  } catch {
    throw new UmdError('EINVAL', `pgp: expected a JSON object, got ${JSON.stringify(input.slice(0, 40))}`, { suggestions: [HINT] });
  }
  const fields = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const op = fields.op === 'packets' ? OP_PACKETS : fields.op === 'armor' ? OP_ARMOR : 0;
  if (op === 0 || typeof fields.data !== 'string') throw new UmdError('EINVAL', 'pgp: expected "op" (packets or armor) and "data" (base64)', { suggestions: [HINT] });
  return { op, data: Buffer.from(fields.data, 'base64') };
}

function checkPgpReply(reply: Buffer, request: PgpSend): { records: number; packets?: number[] } {
  const records = readPgpReply(reply, 'the data');
  if (request.op === OP_PACKETS) return { records: records.length, packets: checkPackets(request.data, records).map((p) => p.tag) };
  return { records: records.length, packets: checkText(request.data, records).packets.map((p) => p.tag) };
}

export const pgpManager: ManagerHooks<PgpSend, { records: number; packets?: number[] }> = {
  name: 'pgp_mgr',
  handlerName: 'pgp_umh',
  loaderName: 'pgp',
  requestSize: PGP_REQUEST_SIZE,
  replySize: PGP_REPLY_SIZE,
  parseInput: parsePgpInput,
  encode: (request) => encodePgpRequest(request.op, request.data, 'the data'),
  checkReply: checkPgpReply,
  formatResult: (result) => `${result.records} records${result.packets ? `, packets ${result.packets.join(' ')}` : ''}`,
  async postStart(send) {
    const reply = await send(encodePgpRequest(OP_PACKETS, HEALTH_KEY, 'the health check key'));
    const packets = checkPackets(HEALTH_KEY, readPgpReply(reply, 'the health check key'));
    if (packets.length !== 1 || packets[0]?.key?.algo !== 22) throw new UmdError('EINVAL', 'pgp: the health check key was not accounted for');
  },
};
