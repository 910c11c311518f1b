import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { CHILD_LIMIT_MS } from '../support/time-limits.ts';

// snapconform added to another project the way the README says (issue 15): `npm pack`, installed outside the
// checkout, then `npx snapconform`. The install is done as npm lays it out — the tarball unpacked into the
// project's node_modules/snapconform and its bin linked into node_modules/.bin — with the dependencies taken from
// the checkout's node_modules rather than the registry, so the test needs no network and no npm cache (a CI
// machine after `npm ci` has neither the registry's answers nor a cache to spare). Only the packages the lock file
// marks as runtime ones are linked: runtime code that imported a devDependency would fail here as it would for
// a user.

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What a command printed and its exit code; never throws on a non-zero exit. */
async function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(command, args, { cwd, env: { ...process.env, CI: 'true' }, timeout: CHILD_LIMIT_MS, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout, stderr: e.stderr };
  }
}

/** The top-level packages of the checkout's node_modules that the lock file does not mark as development-only. */
function runtimePackages(): string[] {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  return Object.entries(lock.packages)
    .filter(([path, entry]) => /^node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(path) && !entry.dev)
    .map(([path]) => path.slice('node_modules/'.length))
    // An optional package for another platform (esbuild's binaries) is not installed here: nothing to link.
    .filter((name) => existsSync(join(ROOT, 'node_modules', name)));
}

describe('snapconform as a package in another project', () => {
  let project = '';
  let packed: string[] = [];

  beforeAll(async () => {
    const work = mkdtempSync(join(tmpdir(), 'snapconform-package-'));
    const pack = await run('npm', ['pack', '--json', '--pack-destination', work], ROOT);
    expect(pack.code, pack.stderr).toBe(0);
    const [{ filename, files }] = JSON.parse(pack.stdout) as [{ filename: string; files: Array<{ path: string }> }];
    packed = files.map((f) => f.path);
    project = join(work, 'project');
    const installed = join(project, 'node_modules', 'snapconform');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'a-user-project', private: true, devDependencies: { snapconform: `file:${join(work, filename)}` } }));
    const unpack = await run('tar', ['-xzf', join(work, filename), '-C', installed, '--strip-components=1'], project);
    expect(unpack.code, unpack.stderr).toBe(0);
    for (const name of runtimePackages()) {
      mkdirSync(dirname(join(project, 'node_modules', name)), { recursive: true });
      symlinkSync(join(ROOT, 'node_modules', name), join(project, 'node_modules', name), 'dir');
    }
    mkdirSync(join(project, 'node_modules', '.bin'));
    const { bin } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    symlinkSync(join('..', 'snapconform', bin['snapconform']!), join(project, 'node_modules', '.bin', 'snapconform'));
  });

  it('ships what a run reads — CLI, rules, specs, targets, examples — and none of the project\'s own tests', () => {
    for (const file of ['bin/snapconform.js', 'src/cli/main.ts', 'suites/auth.case.ts', 'reporters/conformance-reporter.ts', 'specs/tencent-cbs.yaml', 'targets/emulators.yaml', 'targets/tencent-cbs.real.example.yaml', 'examples/baseline.yaml', 'examples/world.yaml', 'README.md']) {
      expect(packed, file).toContain(file);
    }
    expect(packed.filter((f) => f.startsWith('test/'))).toEqual([]);
  });

  it('answers npx snapconform --help there', async () => {
    const { code, stdout, stderr } = await run('npx', ['snapconform', '--help'], project);
    expect(code, stderr).toBe(0);
    expect(stdout).toContain('Usage:');
    expect(stdout).toContain('Exit codes');
  });

  it('runs a rule against the embedded emulators there, and writes the report into the project', async () => {
    const { code, stdout, stderr } = await run('npx', ['snapconform', 'run', '--rules', 'auth.wrong-signature', '--vendor', 'tencent-cbs'], project);
    expect(code, stdout + stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(project, 'reports', 'latest', 'conformance.json'), 'utf8')) as ConformanceReport;
    expect(report.summary).toMatchObject({ pass: 1, fail: 0, error: 0, total: 1 });
    expect(report.results[0]).toMatchObject({ ruleId: 'auth.wrong-signature', target: 'tencent-cbs-emulator', outcome: 'pass' });
  });
});
