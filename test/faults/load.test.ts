import test from 'ava';
import { makePackage } from '../helpers/packages.js';
import { startDaemon } from '../helpers/daemon.js';
import { SAMPLE_HANDLER, tempDir } from '../helpers/runtime.js';

test('16 clients x 2000 requests on one driver, with traffic on a second: every reply correct, in order, none lost', async (t) => {
  t.timeout(180_000);
  const dir = tempDir(t);
  makePackage(dir, 'other', { handler: SAMPLE_HANDLER });
  const { connect } = await startDaemon(t, [dir]);
  const clients = await Promise.all(Array.from({ length: 16 }, connect));
  const perClient = 2000;
  const drive = async (c: number) => {
    const client = clients[c];
    let inOrder = 0;
    for (let i = 0; i < perClient; i++) {
      const offset = (c * 7919 + i * 104729) % 131072;
      const sent = await client.request('send', { driver: 'sample', input: String(offset) });
      if ((sent.result as { offset: number }).offset === offset) inOrder++;
    }
    return inOrder;
  };
  const side = await connect();
  let sideOk = 0;
  let stop = false;
  const sideTraffic = (async () => {
    for (let i = 0; !stop; i++) {
      const sent = await side.request('send', { driver: 'other', input: String(i % 131072) });
      if ((sent.result as { offset: number }).offset === i % 131072) sideOk++;
    }
  })();
  const counts = await Promise.all(clients.map(async (_, c) => drive(c)));
  stop = true;
  await sideTraffic;
  t.deepEqual(counts, Array.from({ length: 16 }, () => perClient));
  t.true(sideOk > 0);
  const list = await side.request('list', { searchPath: [dir] });
  t.is(list.find((e) => e.name === 'sample')?.requests, 16 * perClient);
  t.is(list.find((e) => e.name === 'other')?.requests, sideOk);
  t.is(list.find((e) => e.name === 'sample')?.failures, 0);
});
