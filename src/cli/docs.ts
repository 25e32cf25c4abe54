import type { CommandInfo } from './command-info.js';

/** Escapes text for roff: backslashes, and a leading dot or quote. */
function roff(text: string): string {
  return text.replaceAll('\\', '\\e').replaceAll('-', '\\-').replace(/^([.'])/gm, '\\&$1');
}

function usage(c: CommandInfo): string {
  const args = c.args.map((a) => (a.required ? a.name.toUpperCase() : `[${a.name.toUpperCase()}]`));
  const flags = c.flags.filter((f) => !f.global).map((f) => `[--${f.name}${f.takesValue ? ` ${f.options ? f.options.join('|') : 'VALUE'}` : ''}]`);
  return ['umd', c.id, ...args, ...flags].join(' ');
}

function flagLine(f: CommandInfo['flags'][number]): string {
  return `${f.char ? `-${f.char}, ` : ''}--${f.name}${f.takesValue ? ` ${f.options ? f.options.join('|') : 'VALUE'}` : ''}`;
}

/** umd(1), from the commands' own metadata. */
export function manPage(commands: CommandInfo[], version: string): string {
  const out = [
    `.TH UMD 1 "" "umd ${version}" "User Commands"`,
    '.SH NAME',
    'umd \\- user\\-mode driver manager',
    '.SH SYNOPSIS',
    '.B umd',
    '.I command',
    '[\\fIargs\\fR] [\\fB\\-\\-json\\fR] [\\fB\\-q\\fR] [\\fB\\-\\-runtime\\-dir\\fR \\fIDIR\\fR] [\\fB\\-\\-no\\-color\\fR]',
    '.SH DESCRIPTION',
    roff('umd starts small helper processes (handlers) from verified blobs, talks to them over a pipe pair, health-checks and restarts them, and serializes requests with a per-driver lock. Errors are one line starting "umd:" followed by "umd: hint:" lines; with --json they are {"error": {"code", "message", "suggestions"}} on stdout.'),
    '.SH EXIT STATUS',
    roff('0 success; 1 the operation failed; 2 usage error; selftest: 0 pass, 1 fail, 4 skip, 130 interrupted.'),
    '.SH COMMANDS',
  ];
  for (const c of commands) {
    out.push(`.SS ${roff(usage(c))}`, roff(c.summary));
    for (const paragraph of c.description.split('\n\n').filter((p) => p.trim() !== '')) out.push('.PP', roff(paragraph));
    for (const a of c.args) out.push('.TP', `.I ${a.name.toUpperCase()}`, roff(a.description));
    for (const f of c.flags.filter((x) => !x.global)) out.push('.TP', `.B ${roff(flagLine(f))}`, roff(f.summary));
    if (c.examples.length > 0) out.push('.PP', 'Examples:', '.RS', '.nf', ...c.examples.map((e) => roff(`$ ${e}`)), '.fi', '.RE');
  }
  out.push(
    '.SH GLOBAL OPTIONS',
    '.TP', '.B \\-\\-json', roff('Machine-readable output (the shapes are in each command\'s description).'),
    '.TP', '.B \\-q, \\-\\-quiet', roff('Print nothing on stdout; errors still go to stderr.'),
    '.TP', '.B \\-\\-runtime\\-dir DIR', roff('The runtime directory (socket, log, blob copies); also UMD_RUNTIME_DIR.'),
    '.TP', '.B \\-\\-color, \\-\\-no\\-color', roff('Colour on or off; NO_COLOR and FORCE_COLOR are honoured.'),
    '.SH ENVIRONMENT',
    roff('UMD_RUNTIME_DIR, UMD_DRIVER_PATH, UMD_DAEMON_START_TIMEOUT_MS, UMD_CLIENT_TIMEOUT_MS, UMD_STOP_GRACE_MS, NO_COLOR, FORCE_COLOR.'),
    '.SH SEE ALSO',
    roff('README.md and drivers/README.md of the umd package.'),
  );
  return `${out.join('\n')}\n`;
}

/** The README's command reference, as markdown. */
export function markdownReference(commands: CommandInfo[]): string {
  const out: string[] = [];
  for (const c of commands) {
    out.push(`### \`umd ${c.id}\``, '', c.summary, '', '```', usage(c), '```', '');
    for (const paragraph of c.description.split('\n\n').filter((p) => p.trim() !== '')) out.push(paragraph, '');
    const own = c.flags.filter((f) => !f.global);
    if (c.args.length + own.length > 0) {
      for (const a of c.args) out.push(`- \`${a.name.toUpperCase()}\`${a.required ? '' : ' (optional)'}: ${a.description}`);
      for (const f of own) out.push(`- \`${flagLine(f)}\`: ${f.summary}`);
      out.push('');
    }
    if (c.examples.length > 0) out.push('```sh', ...c.examples.map((e) => `$ ${e}`), '```', '');
  }
  return out.join('\n');
}
