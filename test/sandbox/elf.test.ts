import test from 'ava';
import path from 'node:path';
import { needsLoader } from '../../src/sandbox/elf.js';
import { FIXTURES, ROOT, SAMPLE_HANDLER } from '../helpers/runtime.js';

// Which blobs get /usr, the /lib* links and the loader cache in their root.

test('a dynamically linked handler needs the loader', (t) => {
  t.true(needsLoader(SAMPLE_HANDLER));
});

test('a statically linked handler does not', (t) => {
  t.false(needsLoader(path.join(FIXTURES, 'escape_read_static')));
});

test('a script does, for its interpreter', (t) => {
  t.true(needsLoader(path.join(ROOT, 'examples/node-echo/echo_umh')));
});

test('a file it cannot read is taken to need it', (t) => {
  t.true(needsLoader('/nonexistent/umd-blob'));
});
