import test from 'ava';
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT, tempDir } from '../helpers/runtime.js';

// drivers/README.md, "Types for a manager": a manager module checked against
// umd's own ManagerHooks, as a driver author's editor or `tsc --checkJs` does.

function typeCheck(dir: string, file: string): { code: number | null; output: string } {
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      allowJs: true, checkJs: true, noEmit: true, strict: true, module: 'nodenext', moduleResolution: 'nodenext', target: 'es2022',
      types: ['node'], typeRoots: [path.join(ROOT, 'node_modules/@types')],
      paths: { umd: [path.join(ROOT, 'dist/src/index.d.ts')] },
    },
    files: [file],
  }));
  const run = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', dir], { encoding: 'utf8' });
  return { code: run.status, output: run.stdout + run.stderr };
}

test("the C example's JSDoc-typed manager.mjs type-checks against umd's ManagerHooks", (t) => {
  const dir = tempDir(t);
  copyFileSync(path.join(ROOT, 'examples/c-upper/manager.mjs'), path.join(dir, 'manager.mjs'));
  const checked = typeCheck(dir, 'manager.mjs');
  t.is(checked.code, 0, checked.output);
});

test('the types catch a wrong hook: a string requestSize does not type-check', (t) => {
  const dir = tempDir(t);
  const source = readFileSync(path.join(ROOT, 'examples/c-upper/manager.mjs'), 'utf8').replace('requestSize: SIZE,', "requestSize: '64',");
  writeFileSync(path.join(dir, 'manager.mjs'), source);
  const checked = typeCheck(dir, 'manager.mjs');
  t.is(checked.code, 2);
  t.regex(checked.output, /manager\.mjs\(\d+,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/);
});
