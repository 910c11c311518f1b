#!/usr/bin/env node
// The CLI is TypeScript; tsx runs it without a build step (a dependency, so `npx snapconform` works).
import { register } from 'tsx/esm/api';

register();
// Colour is decided before anything loads vitest, whose colours are fixed when it loads (and on in CI, even
// into a file): only a terminal gets escape codes, NO_COLOR and FORCE_COLOR as usual.
const { settleColour } = await import('../src/cli/output-style.ts');
settleColour(process.env, process.stdout.isTTY === true);
await import('../src/cli/main.ts');
