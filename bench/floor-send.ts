// The floor of P3: a bare Node program that does what `umd send sample 1024`
// does on the wire (connect to the warm daemon's socket, one send request,
// print the reply's summary) with no CLI at all: no oclif, no argument
// parsing, no bundle. Run as `node dist/bench/floor-send.js` with
// UMD_RUNTIME_DIR and UMD_DRIVER_PATH set.
import path from 'node:path';
import process from 'node:process';
import { DaemonConnection } from '../src/client/connection.js';
import type { SendResult } from '../src/protocol/messages.js';

const dir = process.env.UMD_RUNTIME_DIR ?? '';
// The search path a CLI request carries (UMD_DRIVER_PATH; the bench sets it).
const searchPath = (process.env.UMD_DRIVER_PATH ?? '').split(':').filter(Boolean);
const daemon = await DaemonConnection.connect(path.join(dir, 'umd.sock'));
const sent: SendResult = await daemon.request('send', { driver: 'sample', input: '1024', searchPath });
process.stdout.write(`umd: ${sent.driver}: ${sent.summary}\n`);
daemon.close();
