#!/usr/bin/env node
// The umd command line: oclif finds the command in oclif.manifest.json and
// loads only that command's module.
import { execute } from '@oclif/core';

await execute({ dir: import.meta.url });
