#!/usr/bin/env node
// The `timock-contract` command. A committed wrapper, so that installing the package links the command
// before `dist/` is built; the CLI itself is the bundled `dist/cli.js`.
import '../dist/cli.js';
