#!/usr/bin/env node
// The `torch-lstm` command: a launcher for the compiled CLI (lib/cli/main.ts -> dist/cli/main.js).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
