#!/usr/bin/env node
// The CLI is TypeScript; tsx runs it without a build step (a dependency, so `npx snapconform` works).
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
