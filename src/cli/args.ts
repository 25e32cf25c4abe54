import { Args, Flags } from '@oclif/core';
import { checkedDriverName } from './driver-name.js';

/** The DRIVER argument of the driver commands. */
export const driverArg = Args.string({ description: 'Driver name, e.g. sample', required: true, parse: async (input) => checkedDriverName(input) });

/** The longest deadline any flag takes: one hour, well inside what a Node timer can hold (2^31-1 ms). */
export const MAX_DURATION_MS = 3_600_000;

/** A duration flag in ms, from 1 to MAX_DURATION_MS; past that it is a usage error, which --help states. */
export function durationFlag(summary: string) {
  return Flags.integer({ summary: `${summary} From 1 to ${MAX_DURATION_MS} (one hour).`, min: 1, max: MAX_DURATION_MS });
}
