// Writes man/umd.1 and the command reference in README.md (between the
// `<!-- commands:start -->` and `<!-- commands:end -->` markers) from the
// commands' metadata in oclif.manifest.json. `npm run docs` runs it after a
// build; test/cli/docs.test.ts fails when either is not current.
// With --check it writes nothing and exits 1 when something would change.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import process from 'node:process';
import { URL } from 'node:url';
import { commandInfos } from '../dist/src/cli/command-info.js';
import { manPage, markdownReference } from '../dist/src/cli/docs.js';

const root = new URL('../', import.meta.url);
const manifest = JSON.parse(readFileSync(new URL('oclif.manifest.json', root), 'utf8'));
const commands = commandInfos(Object.values(manifest.commands));

function expectedDocs() {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  const start = '<!-- commands:start -->\n';
  const end = '<!-- commands:end -->';
  const a = readme.indexOf(start);
  const b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error('README.md has no <!-- commands:start --> ... <!-- commands:end --> section');
  return {
    man: manPage(commands, manifest.version),
    readme: `${readme.slice(0, a + start.length)}\n${markdownReference(commands)}${readme.slice(b)}`,
  };
}

const docs = expectedDocs();
if (process.argv.includes('--check')) {
  let man = '';
  try {
    man = readFileSync(new URL('man/umd.1', root), 'utf8');
  } catch {
    // missing
  }
  const stale = [man !== docs.man && 'man/umd.1', readFileSync(new URL('README.md', root), 'utf8') !== docs.readme && 'README.md'].filter(Boolean);
  if (stale.length > 0) {
    process.stderr.write(`umd: ${stale.join(' and ')} not current: run \`npm run docs\`\n`);
    process.exit(1);
  }
} else {
  mkdirSync(new URL('man/', root), { recursive: true });
  writeFileSync(new URL('man/umd.1', root), docs.man);
  writeFileSync(new URL('README.md', root), docs.readme);
  process.stdout.write('umd: wrote man/umd.1 and the command reference in README.md\n');
}
