import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEVIATIONS, Deviations } from '../emulator/deviations/catalogue.ts';
import { RUN_ENV } from '../conformance/run-env.ts';
import { cleanUp } from '../conformance/cleanup.ts';
import { readAllLedgers } from '../conformance/ledger.ts';
import { RULES, selectRules, type RuleId } from '../conformance/rule-catalogue.ts';
import { loadTargetFile, TargetFileError } from '../conformance/target-file.ts';
import { loadSpec } from '../spec/load-spec.ts';
import { SpecError } from '../spec/spec-error.ts';
import { SPEC_FILES } from '../vendors/registry.ts';
import { emulate } from './emulate.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** Exit codes, documented in the README. */
export const EXIT = { conforms: 0, deviations: 1, badInput: 2, internal: 3 } as const;

const HELP = `snapconform ${VERSION} — conformance suite for cloud snapshot-creation APIs

Usage:
  snapconform run [options]        run the suite against the targets and write the report
  snapconform sweep [--target f] [--report-dir d]  delete what earlier runs created on real targets (from
                                   their ledgers in <report dir>/ledger/), and nothing else
  snapconform check-specs          validate specs/*.yaml (OpenAPI 3.1 + snapconform extensions)
  snapconform emulate [options]    serve the emulators standalone until SIGINT/SIGTERM (for other
                                   projects' CI); see snapconform emulate --help
  snapconform --version | --help

run options:
  --target <file>                  target file (default: targets/emulators.yaml, the embedded emulators)
  --report-dir <dir>               where <run-id>/ and latest/ go (default: reports)
  --seed <n>                       fast-check seed, to replay a property failure
  --runs <factor>                  scale the number of property runs (default 1)
  --allow-mutations                let rules create and delete on every target (real endpoints default
                                   to read-only: only rules that change nothing run)
  --rules <patterns>               only these rules: comma-separated ids, * matches anything
                                   (e.g. 'snapshot.create.*,auth.wrong-signature')
  --vendor <vendor>                only the targets of this vendor (repeatable or comma-separated):
                                   ${Object.keys(SPEC_FILES).join(', ')}
  --emulator-deviation <id>        make the embedded emulators misbehave on purpose (repeatable):
                                   ${Object.keys(DEVIATIONS).join(', ')}

Exit codes: 0 everything conforms · 1 a rule failed or errored · 2 bad input (usage, target file, spec)
`;

function fail(message: string): never {
  process.stderr.write(`snapconform: ${message}\n`);
  process.exit(EXIT.badInput);
}

async function run(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        target: { type: 'string', default: join(ROOT, 'targets/emulators.yaml') },
        'report-dir': { type: 'string', default: 'reports' },
        seed: { type: 'string' },
        runs: { type: 'string' },
        'emulator-deviation': { type: 'string', multiple: true, default: [] },
        'allow-mutations': { type: 'boolean', default: false },
        rules: { type: 'string' },
        vendor: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    fail(`${(error as Error).message} (see snapconform --help)`);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.conforms;
  }
  if (values.seed !== undefined && !/^-?\d+$/.test(values.seed)) fail(`--seed must be an integer, got '${values.seed}'`);
  if (values.runs !== undefined && !(Number(values.runs) > 0)) fail(`--runs must be a positive number, got '${values.runs}'`);
  try {
    new Deviations(values['emulator-deviation']);
  } catch (error) {
    fail((error as Error).message);
  }
  let rules: RuleId[] | undefined;
  try {
    rules = values.rules === undefined ? undefined : selectRules(values.rules);
  } catch (error) {
    fail((error as Error).message);
  }
  const vendors = values.vendor.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
  const unknownVendor = vendors.find((v) => !(v in SPEC_FILES));
  if (unknownVendor) fail(`--vendor '${unknownVendor}' is not a vendor snapconform knows; vendors are ${Object.keys(SPEC_FILES).join(', ')}`);
  const target = resolve(values.target);
  // Bad input is reported before vitest starts: one line, exit 2.
  try {
    const entries = loadTargetFile(target);
    if (vendors.length > 0 && !entries.some((e) => vendors.includes(e.vendor))) {
      fail(`${target}: no target of vendor ${vendors.join(' or ')} (--vendor); the file has ${[...new Set(entries.map((e) => e.vendor))].join(', ')}`);
    }
    for (const vendor of new Set(entries.map((e) => e.vendor))) loadSpec(join(ROOT, SPEC_FILES[vendor]));
  } catch (error) {
    if (error instanceof TargetFileError || error instanceof SpecError) fail(error.message);
    throw error;
  }
  process.env[RUN_ENV.targetFile] = target;
  process.env[RUN_ENV.reportDir] = resolve(values['report-dir']);
  process.env[RUN_ENV.deviations] = values['emulator-deviation'].join(',');
  if (values.seed !== undefined) process.env[RUN_ENV.seed] = values.seed;
  if (values.runs !== undefined) process.env[RUN_ENV.runs] = values.runs;
  if (values['allow-mutations']) process.env[RUN_ENV.allowMutations] = '1';
  if (rules) process.env[RUN_ENV.rules] = rules.join(',');
  if (vendors.length > 0) process.env[RUN_ENV.vendors] = vendors.join(',');
  process.env[RUN_ENV.runId] = newRunId();

  const { startVitest } = await import('vitest/node');
  const { default: ConformanceReporter } = await import('../../reporters/conformance-reporter.ts');
  process.chdir(ROOT);
  const vitest = await startVitest('test', [], {
    config: false,
    root: ROOT,
    // With --rules, only the files that hold the selected rules (files holding several filter inside).
    include: rules ? [...new Set(rules.map((id) => RULES[id].file))] : ['suites/**/*.case.ts', 'properties/**/*.prop.ts'],
    globalSetup: [join(ROOT, 'src/conformance/global-setup.ts')],
    reporters: ['default', new ConformanceReporter({ reportDir: process.env[RUN_ENV.reportDir], version: VERSION })],
    watch: false,
    testTimeout: 120_000,
    // Rule files share no mutable module state (specs are read-only once loaded), so they can share a module
    // graph: loading and compiling the three specs once per worker instead of once per file makes a run ~3x faster.
    isolate: false,
    hookTimeout: 60_000,
  });
  await vitest.close();
  return process.exitCode === undefined || process.exitCode === 0 ? EXIT.conforms : EXIT.deviations;
}

/** A run's id: sortable by time, unique enough for a ledger file name. */
function newRunId(): string {
  return `${new Date().toISOString().replace(/[:.]/g, '-')}-${Math.random().toString(16).slice(2, 8)}`;
}

/** `snapconform sweep`: deletes, on each real target, what the ledgers say earlier runs created there. */
async function sweep(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { target: { type: 'string', default: join(ROOT, 'targets/emulators.yaml') }, 'report-dir': { type: 'string', default: 'reports' } } }));
  } catch (error) {
    fail(`${(error as Error).message} (see snapconform --help)`);
  }
  let entries;
  try {
    entries = loadTargetFile(resolve(values.target));
  } catch (error) {
    if (error instanceof TargetFileError) fail(error.message);
    throw error;
  }
  const ledger = readAllLedgers(resolve(values['report-dir']));
  let problems = 0;
  for (const entry of entries.filter((e) => e.endpoint !== 'emulator')) {
    const result = await cleanUp({ ...entry, credentials: entry.credentials!, emulator: false }, ledger);
    process.stdout.write(`${entry.name}: deleted ${result.deleted.length}${result.gone.length ? `, already gone ${result.gone.length}` : ''}${result.failed.length ? `, could not delete ${result.failed.map((f) => `${f.id} (${f.reason})`).join(', ')}` : ''}${result.unknown.length ? `, outcome unknown (check by name): ${result.unknown.join(', ')}` : ''}${result.notOurs.length ? `, left alone (in the ledger but without this tool's name prefix or tag): ${result.notOurs.join(', ')}` : ''}\n`);
    problems += result.failed.length + result.unknown.length + result.notOurs.length;
  }
  return problems === 0 ? EXIT.conforms : EXIT.deviations;
}

function checkSpecs(): number {
  let failed = false;
  for (const file of Object.values(SPEC_FILES)) {
    try {
      const spec = loadSpec(join(ROOT, file));
      const examples = spec.actions.reduce((n, a) => n + a.examples.length, 0);
      process.stdout.write(`ok ${file}: ${spec.vendor} ${spec.version}, ${spec.actions.length} actions, ${examples} examples validated\n`);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      process.stderr.write(`snapconform: ${error.message}\n`);
      failed = true;
    }
  }
  return failed ? EXIT.badInput : EXIT.conforms;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': return run(rest);
    case 'sweep': return sweep(rest);
    case 'check-specs': return checkSpecs();
    case 'emulate': return emulate(rest, { root: ROOT, version: VERSION, fail });
    case '--version': case '-v':
      process.stdout.write(`${VERSION}\n`);
      return EXIT.conforms;
    case undefined: case '--help': case '-h': case 'help':
      process.stdout.write(HELP);
      return EXIT.conforms;
    default:
      return fail(`unknown command '${command}' (see snapconform --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`snapconform: internal error: ${(error as Error).message ?? String(error)}\n`);
    process.exit(EXIT.internal);
  },
);
