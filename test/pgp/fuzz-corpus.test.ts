import test from 'ava';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from '../helpers/runtime.js';

// The fuzz corpus (fuzz/corpus) and every crash the fuzzer ever found
// (fuzz/regressions) through the pgp parser built with gcc's AddressSanitizer
// and UndefinedBehaviorSanitizer, aborting on the first error: CI covers the
// parser under sanitizers without clang. `npm run fuzz` is the real fuzzer.

const FUZZ = path.join(ROOT, 'fuzz');
const inputs = (dir: string): string[] => readdirSync(path.join(FUZZ, dir)).filter((f) => !f.startsWith('.'));

function build(dir: string): string | null {
  const out = path.join(dir, 'run');
  const cc = spawnSync(
    'cc',
    ['-g', '-O1', '-fsanitize=address,undefined', '-fno-sanitize-recover=all', `-I${ROOT}drivers/include`, '-o', out, 'pgp_fuzz.c', 'run_corpus.c', '../drivers/pgp/pgp_parse.c', '../drivers/pgp/pgp_packets.c', '../drivers/pgp/pgp_text.c'],
    { cwd: FUZZ, encoding: 'utf8' },
  );
  return cc.status === 0 ? out : null;
}

test('the corpus and the regressions parse under ASan and UBSan', (t) => {
  const run = build(tempDir(t));
  if (!run) {
    t.log('skipped: cc cannot build with -fsanitize=address,undefined here (no libasan/libubsan)');
    t.pass();
    return;
  }
  const result = spawnSync(run, [path.join(FUZZ, 'corpus'), path.join(FUZZ, 'regressions')], { encoding: 'utf8' });
  t.is(result.stderr, '');
  t.is(result.status, 0);
  t.is(result.stdout, `${inputs('corpus').length + inputs('regressions').length} inputs parsed\n`);
});

test('seeded mutations of the corpus parse under ASan and UBSan', (t) => {
  const dir = tempDir(t);
  const run = build(dir);
  if (!run) {
    t.log('skipped: no sanitizer build here');
    t.pass();
    return;
  }
  const seeds = inputs('corpus').map((f) => readFileSync(path.join(FUZZ, 'corpus', f)));
  let x = 0x2545f491;
  const next = (n: number): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) % n;
  };
  const mutants = path.join(dir, 'mutants');
  spawnSync('mkdir', [mutants]);
  for (let i = 0; i < 3000; i++) {
    const b = Buffer.from(seeds[next(seeds.length)] as Buffer);
    for (let k = 1 + next(4); k > 0; k--) {
      const at = 1 + next(b.length - 1);
      if (next(3) === 0) b[at] = [0x00, 0xff, 0x7f, 0x80, 0xc0, 0x3d, 0x2d, 0x0a][next(8)];
      else b[at] = (b[at]) ^ (1 << next(8));
    }
    writeFileSync(path.join(mutants, String(i)), next(5) === 0 ? b.subarray(0, 1 + next(b.length)) : b);
  }
  const result = spawnSync(run, [mutants], { encoding: 'utf8' });
  t.is(result.stderr, '');
  t.is(result.status, 0);
  t.is(result.stdout, '3000 inputs parsed\n');
});
