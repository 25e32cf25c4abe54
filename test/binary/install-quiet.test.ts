import test from 'ava';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from '../helpers/runtime.js';

// Issue 12, point 21: `npm ci` without noise. npm 11 warns about every installed package whose install
// scripts allowScripts does not cover, and the oclif CLI (a dev tool) warns when a newer one exists.

interface Pkg {
  name?: string;
  scripts?: Record<string, string>;
  allowScripts?: Record<string, boolean>;
}

function readPkg(file: string): Pkg {
  return JSON.parse(readFileSync(file, 'utf8')) as Pkg;
}

/** Installed packages (node_modules/x, node_modules/@scope/x) with preinstall, install or postinstall scripts. */
function withInstallScripts(dir = path.join(ROOT, 'node_modules')): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (entry.name.startsWith('@')) {
      found.push(...withInstallScripts(full));
      continue;
    }
    let pkg: Pkg;
    try {
      pkg = readPkg(path.join(full, 'package.json'));
    } catch {
      continue;
    }
    if (['preinstall', 'install', 'postinstall'].some((s) => pkg.scripts?.[s] !== undefined)) found.push(pkg.name ?? entry.name);
  }
  return found;
}

test('every installed package with install scripts is covered by allowScripts, and the build silences oclif\'s update check', (t) => {
  const own = readPkg(path.join(ROOT, 'package.json'));
  const allowed = Object.keys(own.allowScripts ?? {}).map((key) => key.replace(/@[^@/]+$/, ''));
  for (const name of withInstallScripts()) t.true(allowed.includes(name), `${name} runs install scripts that allowScripts does not cover`);
  t.regex(own.scripts?.build ?? '', /OCLIF_SKIP_NEW_VERSION_CHECK=true oclif manifest/);
});
