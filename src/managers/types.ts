/**
 * The hooks a driver's manager brings: how to read the user's input, how to
 * encode a request, how to check a reply, and the health check that runs
 * right after a handler starts. The library itself is message-format
 * independent: everything format-specific lives behind this interface.
 */
export interface ManagerHooks<Req = unknown, Result = unknown> {
  /** The manager's name, e.g. `sample_mgr`. */
  readonly name: string;
  /** The handler's name in logs, e.g. `sample_umh`. */
  readonly handlerName: string;
  /** The loader's name, e.g. `sample_loader_kmod` (informational, as `kmod`). */
  readonly loaderName?: string;
  /** Bytes of one request and one reply on the wire. */
  readonly requestSize: number;
  readonly replySize: number;
  /**
   * For managers whose input is a JSON object: its field names, which `umd send`
   * then takes as flags (`--cmd 64`). Absent: the driver takes no field flags.
   */
  readonly fields?: readonly string[];
  /** Parses the user's input; throws UmdError EINVAL when it is not acceptable. Nothing is sent then. */
  parseInput(input: string): Req;
  /** Encodes a parsed request into exactly `requestSize` bytes. */
  encode(request: Req): Buffer;
  /**
   * Checks a reply of exactly `replySize` bytes; throws UmdError (EINVAL)
   * when it is wrong. The buffer is umd's and is reused once this returns:
   * a result that keeps bytes of it must copy them (`Buffer.from(reply.subarray(a, b))`).
   */
  checkReply(reply: Buffer, request: Req, input: string): Result;
  /**
   * Runs right after a handler starts, with the lock held; throwing shuts the
   * handler down. The replies `send` resolves with are umd's buffers, valid
   * until this hook's promise settles.
   */
  postStart?(send: (request: Buffer) => Promise<Buffer>): Promise<void>;
  /** Says what a checked result means in the manager's own words, e.g. `status -92 (ENOPROTOOPT)`. */
  formatResult?(result: Result): string;
}

export type AnyManagerHooks = ManagerHooks<any, unknown>; // eslint-disable-line @typescript-eslint/no-explicit-any
