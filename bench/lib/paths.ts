import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Where `npm run bench` writes bench.json (reports/ is gitignored). */
export const DEFAULT_OUT_DIR = join(ROOT, 'reports/bench');
