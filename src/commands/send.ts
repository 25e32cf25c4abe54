import { Args, Flags } from '@oclif/core';
import { text } from 'node:stream/consumers';
import { UmdCommand } from '../cli/base.js';
import { splitFieldFlags } from '../cli/field-flags.js';
import { UmdError } from '../core/errors.js';
import { describeSend, sendRequest } from '../cli/send-request.js';
import type { SendResult } from '../protocol/messages.js';

export default class Send extends UmdCommand {
  static override summary = "Send one request to a driver's handler and check the reply.";
  static override description =
    "The driver's manager parses the input (nothing is sent if it is not acceptable), loads the driver on demand, restarts its handler if it exited, sends the request and checks the reply. For the sample driver the input is a decimal offset below 131072, and success reports the bytes accepted, like write(2). Long flags that send does not define are the driver's fields: `--cmd 64 --set` is sent as the input {\"cmd\":64,\"set\":true} (integers and true/false become JSON numbers and booleans, a bare flag is true).";
  static override examples = [
    '<%= config.bin %> send sample 1024',
    'echo 1024 | <%= config.bin %> send sample --stdin',
    '<%= config.bin %> send sample 4096 --json',
    '<%= config.bin %> send bpfilter --cmd 64 --len 0',
    '<%= config.bin %> send bpfilter \'{"cmd":64,"set":true}\'',
  ];
  static override args = {
    driver: Args.string({ description: 'Driver name, e.g. sample', required: true }),
    // Standard input is read only with --stdin, never implicitly as oclif would.
    input: Args.string({ description: "The request, in the driver's own input syntax", ignoreStdin: true }),
  };
  static override flags = {
    stdin: Flags.boolean({ summary: 'Read the input from standard input (like `echo 1024 > file`).' }),
    timeout: Flags.integer({ summary: 'Deadline for the reply, in ms (default: the driver\'s timeoutMs).', min: 1 }),
  };

  async run(): Promise<SendResult> {
    const known = new Set(['json', 'help', ...Object.keys(Send.baseFlags), ...Object.keys(Send.flags)]);
    const { rest, fields } = splitFieldFlags(this.argv, known);
    const { args, flags } = await this.parse(Send, rest);
    const hasFields = Object.keys(fields).length > 0;
    const given = [args.input !== undefined, flags.stdin, hasFields].filter(Boolean).length;
    if (given !== 1) {
      throw new UmdError('EINVAL', `send to ${args.driver}: expected the input once (an argument, --stdin, or field flags), got ${given === 0 ? 'none' : given}`, {
        suggestions: [`umd send ${args.driver} 1024`, `echo 1024 | umd send ${args.driver} --stdin`, `umd send ${args.driver} --<field> <value> (drivers that take a JSON object)`],
      });
    }
    const input = hasFields ? JSON.stringify(fields) : flags.stdin ? await text(process.stdin) : (args.input as string);
    const daemon = await this.daemon(flags);
    const result = await sendRequest(daemon, { driver: args.driver, input, searchPath: this.searchPath(), ...(flags.timeout ? { timeoutMs: flags.timeout } : {}) });
    this.log(describeSend(result));
    return result;
  }
}
