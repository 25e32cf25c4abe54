/** The longest message umd stores or shows for one log line, after escaping. */
export const MAX_MESSAGE_CHARS = 4096;

// C0 controls but tab, DEL, C1 controls (U+0080..U+009F: a terminal may take U+009B as CSI), and the
// bidirectional marks, embeddings, overrides and isolates, which reorder what a reader sees (Trojan Source).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Escapes control characters the way dmesg and journalctl show them
 * (`\x1b`), so that text from a handler cannot move the cursor, retitle a
 * terminal, or forge a line of its own with a CR or a newline.
 */
export function escapeControl(text: string): string {
  return text.replace(CONTROL, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x80 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** escapeControl(), then cut to `max` characters with a marker. */
export function safeMessage(text: string, max = MAX_MESSAGE_CHARS): string {
  const escaped = escapeControl(text);
  return escaped.length > max ? `${escaped.slice(0, max)}… [${escaped.length - max} more characters]` : escaped;
}
