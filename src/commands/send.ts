import { Args, Flags } from '@oclif/core';
import { text } from 'node:stream/consumers';
import { driverArg, durationFlag } from '../cli/args.js';
import { UmdCommand } from '../cli/base.js';
import { splitFieldFlags } from '../cli/field-flags.js';
import { checkFieldFlags } from '../cli/send-fields.js';
import { sendCommand } from '../cli/send-request.js';
import { usageError } from '../cli/usage.js';
import { MAX_INPUT_BYTES } from '../protocol/framing.js';
import type { SendResult } from '../protocol/messages.js';

export default class Send extends UmdCommand {
  static override summary = "Send one request to a driver's handler and check the reply.";
  static override description = [
    "The driver's manager parses the input (nothing is sent if it is not acceptable), loads the driver on demand, restarts its handler if it exited, sends the request and checks the reply. For the sample driver the input is a decimal offset below 131072, and success reports the bytes accepted, like write(2).",
    `The input is given once: as an argument, on standard input with --stdin, or, for a driver whose input is a JSON object (bpfilter), as field flags: \`--cmd 64 --set\` is sent as {"cmd":64,"set":true} (integers and true/false become JSON numbers and booleans, a bare flag is true). Only the fields the driver's manager declares are flags; any other unknown flag is a usage error. At most ${MAX_INPUT_BYTES} bytes of input.`,
    'Exit status: 0 sent and the reply checked; 1 the request failed (the error names the code: EINVAL bad input or reply, ETIMEDOUT, EFAULT, ENOPROTOOPT, ...); 2 usage error.',
    '--json: {"driver", "result" (the manager\'s, e.g. {"bytes": 4, "offset": 1024}), "summary", "loadedOnDemand", "started", "pid"}; an error is {"error": {"code", "message", "suggestions"}}.',
  ].join('\n\n');
  static override examples = [
    '<%= config.bin %> send sample 1024',
    'echo 1024 | <%= config.bin %> send sample --stdin',
    '<%= config.bin %> send sample 4096 --json',
    '<%= config.bin %> send sample 5 --timeout 200',
    '<%= config.bin %> send bpfilter --cmd 64 --len 0',
    '<%= config.bin %> send bpfilter \'{"cmd":64,"set":true}\'',
  ];
  static override args = {
    driver: driverArg,
    // Standard input is read only with --stdin, never implicitly as oclif would.
    input: Args.string({ description: "The request, in the driver's own input syntax", ignoreStdin: true }),
  };
  static override flags = {
    stdin: Flags.boolean({ summary: 'Read the input from standard input (like `echo 1024 > file`).' }),
    timeout: durationFlag("Deadline for the reply, in ms (default: the driver's timeoutMs)."),
  };

  async run(): Promise<SendResult> {
    const own = ['json', 'help', ...Object.keys(Send.baseFlags), 'no-color', ...Object.keys(Send.flags)];
    const { rest, fields } = splitFieldFlags(this.argv, new Set(own));
    const { args, flags } = await this.parse(Send, rest);
    const hasFields = Object.keys(fields).length > 0;
    const daemon = hasFields ? await this.daemon(flags) : null;
    if (daemon) await checkFieldFlags(daemon, args.driver, fields, Object.keys(Send.flags), this.searchPath());
    const given = [args.input !== undefined, flags.stdin, hasFields].filter(Boolean).length;
    if (given !== 1) {
      throw usageError(`send to ${args.driver}: expected the input once (an argument, --stdin, or field flags), got ${given === 0 ? 'none' : given}`, [
        `umd send ${args.driver} 1024`,
        `echo 1024 | umd send ${args.driver} --stdin`,
        `umd send ${args.driver} --<field> <value> (drivers whose input is a JSON object)`,
      ]);
    }
    const input = hasFields ? JSON.stringify(fields) : flags.stdin ? await text(process.stdin) : (args.input as string);
    const request = { driver: args.driver, input, searchPath: this.searchPath(), ...(flags.timeout ? { timeoutMs: flags.timeout } : {}) };
    return sendCommand(async () => daemon ?? this.daemon(flags), request, (line) => this.log(line));
  }
}
