import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTargetFile } from '../src/conformance/target-file.ts';
import { RUN_ENV } from '../src/conformance/run-env.ts';
import { loadSpec } from '../src/spec/load-spec.ts';
import type { VendorId } from '../src/spec/spec-types.ts';
import type { VendorSpec } from '../src/spec/vendor-spec.ts';
import { driverFor } from '../src/drivers/registry.ts';
import { SPEC_FILES } from '../src/vendors/registry.ts';
import type { ReportEntry, ReportSpec, ReportTarget } from './report-types.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The target file a run reads when the CLI names none (the global setup's default too). */
const DEFAULT_TARGET_FILE = 'targets/emulators.yaml';

/** What a report says about the run's inputs, read once the run has ended. */
export interface RunMetadata {
  targetFile: string;
  targets: ReportTarget[];
  specs: Array<{ report: ReportSpec; spec: VendorSpec }>;
  seed?: number;
  /** The SDK the run sent through (`--driver`), with the version it found. */
  driver?: { id: string; package: string; version?: string; path: string };
}

/** An endpoint as the report shows it: user information in a URL would be a credential. */
function publicEndpoint(endpoint: string): string {
  if (endpoint === 'emulator') return endpoint;
  try {
    const url = new URL(endpoint);
    if (url.username === '' && url.password === '') return endpoint;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return endpoint;
  }
}

/**
 * The targets, specs and seed of the run, from the same environment the CLI configured the run with
 * (`RUN_ENV`). With several target files (`--target` repeated) the report names the user's files, each
 * target its own, not the temporary file that joined them. A target file that cannot be read here (it was
 * read fine when the run started) leaves the targets to what the entries name, with the endpoint unknown:
 * the report is still written.
 */
export function readRunMetadata(results: ReadonlyArray<Pick<ReportEntry, 'target' | 'vendor'>>, env: NodeJS.ProcessEnv = process.env): RunMetadata {
  const sources = (env[RUN_ENV.targetSources] ?? '').split('\n').filter(Boolean);
  const targetFile = sources[0] ?? (env[RUN_ENV.targetFile] || DEFAULT_TARGET_FILE);
  let targets: ReportTarget[];
  try {
    const fromFile = (file: string, named: boolean) => loadTargetFile(file, env)
      .map((t) => ({ name: t.name, vendor: t.vendor, endpoint: publicEndpoint(t.endpoint), region: t.region, ...(named ? { file } : {}) }));
    targets = sources.length > 1 ? sources.flatMap((file) => fromFile(file, true)) : fromFile(targetFile, false);
  } catch {
    const seen = new Map(results.map((r) => [r.target, r.vendor]));
    targets = [...seen].map(([name, vendor]) => ({ name, vendor, endpoint: 'unknown', region: 'unknown' }));
  }
  const vendors = [...new Set([...targets.map((t) => t.vendor), ...results.map((r) => r.vendor)])].sort();
  const specs = vendors.filter((v): v is VendorId => v in SPEC_FILES).flatMap((vendor) => {
    const file = SPEC_FILES[vendor];
    let spec: VendorSpec;
    try {
      spec = loadSpec(join(ROOT, file));
    } catch {
      // The CLI checked every spec before the run; should one fail now, the report still beats no report.
      return [];
    }
    const sources = Object.fromEntries(Object.entries(spec.sources).map(([doc, s]) => [doc, { title: s.title, ...(s.url ? { url: s.url } : {}) }]));
    return [{ spec, report: { vendor, apiVersion: spec.version, documentVersion: String(spec.document.info.version), file, sources } }];
  });
  const seed = Number(env[RUN_ENV.seed] ?? '');
  const driver = driverOf(env);
  return { targetFile, targets, specs, ...(env[RUN_ENV.seed] && Number.isSafeInteger(seed) ? { seed } : {}), ...(driver ? { driver } : {}) };
}

/** The run's SDK driver and the version of the SDK it resolved: what two runs to compare differ in. */
function driverOf(env: NodeJS.ProcessEnv): RunMetadata['driver'] {
  const id = env[RUN_ENV.driver];
  const driver = id ? driverFor(id) : undefined;
  if (!driver) return undefined;
  const path = env[RUN_ENV.driverPath] ?? process.cwd();
  let version: string | undefined;
  try {
    version = (createRequire(join(path, 'package.json'))(`${driver.packageName}/package.json`) as { version?: string }).version;
  } catch {
    version = undefined; // a package that does not export its package.json: the report says which was driven, not its version
  }
  return { id: driver.id, package: driver.packageName, path, ...(version ? { version } : {}) };
}
