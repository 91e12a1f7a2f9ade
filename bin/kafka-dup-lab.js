#!/usr/bin/env node
// Entry point: runs the built CLI and exits with its code (explicitly, so no stray timer keeps the lab alive).
import { main } from '../dist/src/cli/main.js';

main(process.argv).then((code) => process.exit(code));
