import type { CommandInfo } from './command-info.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

/** Words of a flag as typed: `--timeout`, and `-n` when it has a short form. */
function flagWords(command: CommandInfo): string[] {
  return command.flags.flatMap((f) => [`--${f.name}`, ...(f.char ? [`-${f.char}`] : []), ...(f.name === 'color' ? ['--no-color'] : [])]);
}

function bash(commands: CommandInfo[]): string {
  const top = [...new Set(commands.map((c) => c.id.split(' ')[0]))].join(' ');
  const topics = [...new Set(commands.filter((c) => c.id.includes(' ')).map((c) => c.id.split(' ')[0]))];
  const cases = commands.map((c) => `    "${c.id}") opts="${flagWords(c).join(' ')}" ;;`).join('\n');
  const topicCases = topics
    .map((t) => `    ${t}) [[ $COMP_CWORD -eq 2 ]] && { COMPREPLY=( $(compgen -W "${commands.filter((c) => c.id.startsWith(`${t} `)).map((c) => c.id.slice(t.length + 1)).join(' ')}" -- "$cur") ); return; }; cmd="${t} \${COMP_WORDS[2]}" ;;`)
    .join('\n');
  return `# bash completion for umd, generated from its commands by \`umd completion bash\`.
# Install: umd completion bash > /etc/bash_completion.d/umd (or source it from ~/.bashrc).
_umd() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmd="\${COMP_WORDS[1]}" opts=""
  if [[ $COMP_CWORD -eq 1 ]]; then COMPREPLY=( $(compgen -W "${top} --help --version" -- "$cur") ); return; fi
  case "$cmd" in
${topicCases}
  esac
  case "$cmd" in
${cases}
  esac
  COMPREPLY=( $(compgen -W "$opts --help" -- "$cur") )
}
complete -F _umd umd
`;
}

function zsh(commands: CommandInfo[]): string {
  return `#compdef umd
# zsh completion for umd, generated from its commands by \`umd completion zsh\`: the bash one, through bashcompinit.
# Install: umd completion zsh > "\${fpath[1]}/_umd" (or source it from ~/.zshrc).
autoload -U +X bashcompinit && bashcompinit
${bash(commands).split('\n').slice(2).join('\n')}`;
}

function fishQuote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function fish(commands: CommandInfo[]): string {
  const lines = ['# fish completion for umd, generated from its commands by `umd completion fish`.', '# Install: umd completion fish > ~/.config/fish/completions/umd.fish', 'complete -c umd -f'];
  const topics = new Set(commands.filter((c) => c.id.includes(' ')).map((c) => c.id.split(' ')[0] ?? ''));
  const tops = new Set<string>();
  for (const c of commands) {
    const [first = '', second] = c.id.split(' ');
    if (!tops.has(first)) {
      tops.add(first);
      const summary = topics.has(first) && second !== undefined ? `${first} commands` : c.summary;
      lines.push(`complete -c umd -n __fish_use_subcommand -a ${first} -d ${fishQuote(summary)}`);
    }
    if (second !== undefined) lines.push(`complete -c umd -n ${fishQuote(`__fish_seen_subcommand_from ${first}; and not __fish_seen_subcommand_from ${commands.filter((x) => x.id.startsWith(`${first} `)).map((x) => x.id.split(' ')[1]).join(' ')}`)} -a ${second} -d ${fishQuote(c.summary)}`);
    const when = second === undefined ? `__fish_seen_subcommand_from ${first}` : `__fish_seen_subcommand_from ${second}`;
    for (const f of c.flags) {
      const short = f.char ? ` -s ${f.char}` : '';
      const value = f.takesValue ? (f.options ? ` -x -a ${fishQuote(f.options.join(' '))}` : ' -r') : '';
      lines.push(`complete -c umd -n ${fishQuote(when)} -l ${f.name}${short}${value} -d ${fishQuote(f.summary)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The completion script of `shell` for these commands. */
export function completionScript(shell: Shell, commands: CommandInfo[]): string {
  return shell === 'bash' ? bash(commands) : shell === 'zsh' ? zsh(commands) : fish(commands);
}
