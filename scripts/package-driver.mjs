#!/usr/bin/env node
// Usage: npm run package-driver -- <package dir>
// Writes the sha256 of the package's handler blob into its driver.json, the
// digest `umd load` checks before the handler runs. Run it after every change
// to the blob. Every other field of driver.json is kept as it is.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('umd: usage: npm run package-driver -- <package dir>\n');
  process.exit(2);
}
const manifestPath = path.join(dir, 'driver.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
if (typeof manifest.handler !== 'string') {
  process.stderr.write(`umd: ${manifestPath}: expected "handler" to be a path, got ${JSON.stringify(manifest.handler)}\n`);
  process.exit(1);
}
const blob = path.join(dir, manifest.handler);
manifest.sha256 = createHash('sha256').update(readFileSync(blob)).digest('hex');
writeFileSync(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`umd: ${manifestPath}: sha256 ${manifest.sha256} (${blob})\n`);
if ((statSync(blob).mode & 0o111) === 0) process.stderr.write(`umd: warning: ${blob} is not executable; run chmod +x ${blob}\n`);
