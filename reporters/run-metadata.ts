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
import type { ReportEntry, ReportSpec, ReportTarget, RunOptionsRecord } from './report-types.ts';

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
  /** The options that shaped the run, as given (`RUN_ENV.options`); absent when the suite ran without the CLI. */
  options?: RunOptionsRecord;
}

/** The run's options as the CLI recorded them in the environment; none when it did not (a bare vitest run). */
function recordedOptions(env: NodeJS.ProcessEnv): RunOptionsRecord | undefined {
  const text = env[RUN_ENV.options];
  if (!text) return undefined;
  try {
    const record: unknown = JSON.parse(text);
    return record !== null && typeof record === 'object' && !Array.isArray(record) ? record as RunOptionsRecord : undefined;
  } catch {
    return undefined; // written by the CLI a moment ago: unreadable only if someone set it by hand; the report goes without
  }
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
 * The targets, specs, seed and options of the run, from the same environment the CLI configured the run with
 * (`RUN_ENV`). The report names target files as the user named them (the recorded options), not as this
 * machine resolved them; with several (`--target` repeated), each target its own, not the temporary file that
 * joined them. A target file that cannot be read here (it was
 * read fine when the run started) leaves the targets to what the entries name, with the endpoint unknown:
 * the report is still written.
 */
export function readRunMetadata(results: ReadonlyArray<Pick<ReportEntry, 'target' | 'vendor'>>, env: NodeJS.ProcessEnv = process.env): RunMetadata {
  const options = recordedOptions(env);
  const sources = (env[RUN_ENV.targetSources] ?? '').split('\n').filter(Boolean);
  const files = sources.length > 0 ? sources : [env[RUN_ENV.targetFile] || DEFAULT_TARGET_FILE];
  // The i-th file as the user named it: recorded options without targets mean the default file.
  const nameOf = (i: number) => (options ? options.targets?.[i] ?? DEFAULT_TARGET_FILE : files[i]!);
  const targetFile = nameOf(0);
  let targets: ReportTarget[];
  try {
    const fromFile = (file: string, name: string | undefined) => loadTargetFile(file, env)
      .map((t) => ({ name: t.name, vendor: t.vendor, endpoint: publicEndpoint(t.endpoint), region: t.region, ...(name !== undefined ? { file: name } : {}), ...(t.deviations?.length ? { deviations: t.deviations } : {}) }));
    targets = files.length > 1 ? files.flatMap((file, i) => fromFile(file, nameOf(i))) : fromFile(files[0]!, undefined);
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
  return { targetFile, targets, specs, ...(env[RUN_ENV.seed] && Number.isSafeInteger(seed) ? { seed } : {}), ...(driver ? { driver } : {}), ...(options ? { options } : {}) };
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
