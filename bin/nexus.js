#!/usr/bin/env node
// The CLI entry: installs the parser compatibility hooks before anything imports the parser.
import '../dist/src/compat/register.js';

const { main } = await import('../dist/src/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
