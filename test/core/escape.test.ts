import test from 'ava';
import { escapeControl, safeMessage } from '../../src/core/escape.js';

test('control characters are shown as dmesg shows them; tab and printable text, any script, stay', (t) => {
  t.is(escapeControl('\x1b[31mred\x1b[0m\r\nnext\x07\x7f'), '\\x1b[31mred\\x1b[0m\\x0d\\x0anext\\x07\\x7f');
  t.is(escapeControl('\u009b2J C1 CSI'), '\\u009b2J C1 CSI');
  t.is(escapeControl('tab\there: ünïcödé 日本'), 'tab\there: ünïcödé 日本');
  t.is(escapeControl('abc\u202edcba\u2066x\u2069'), 'abc\\u202edcba\\u2066x\\u2069', 'bidi overrides and isolates (Trojan Source)');
});

test('a stored message is cut after escaping, saying how much was cut', (t) => {
  t.is(safeMessage('\x1b'.repeat(10), 8), '\\x1b\\x1b… [32 more characters]');
  t.is(safeMessage('short', 8), 'short');
});
