import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { summaryText } from '../../reporters/write-report.ts';
import { latestReport, snapconform } from './support/cli.ts';

// What a CI log gets from `snapconform run`: snapconform's own lines, not vitest's (issue 15: 2,385 lines for a
// 135-finding run, code frames of the rule files, vitest's test counts beside the report's, colour codes in a file).

/** The environment of a CI job: CI set, stdout a pipe, no colour preference of its own. */
function ciEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...env } = process.env;
  return { ...env, CI: 'true', ...extra };
}

const ANSI_ESCAPE = '\x1b[';

describe('snapconform run in CI', () => {
  it('prints one line per finding and the report\'s own totals, without vitest\'s output or colour codes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-ci-output-'));
    const baseline = join(dir, 'baseline.yaml');
    writeFileSync(baseline, 'deviations:\n  - rule: snapshot.create.quota\n    target: tencent-cbs-emulator\n    reason: accepted while the vendor looks into it\n    link: https://example.com/issue/1\n');
    const reportDir = join(dir, 'reports');
    const { code, stdout, stderr } = await snapconform(['run', '--rules', 'snapshot.create.quota', '--emulator-deviation', 'quota-off-by-one', '--baseline', baseline, '--report-dir', reportDir], { env: ciEnv() });
    expect(code, stdout + stderr).toBe(1);
    const report = latestReport(reportDir);
    const findings = report.results.filter((r) => r.outcome !== 'pass' && r.outcome !== 'skip');
    expect(findings.map((f) => f.outcome).sort()).toEqual(['fail', 'known', 'undocumented']);

    expect(stdout + stderr).not.toContain(ANSI_ESCAPE);
    // None of vitest's reporting: no file list, no test counts, no code frames.
    expect(stdout).not.toMatch(/Test Files|Tests\s+\d|❯|⎯/);
    // Each finding once, in the report's words, and nothing else but progress and the totals.
    const lines = stdout.split('\n').filter((line) => line !== '');
    const findingLines = lines.filter((line) => /^snapconform: (fail|error|undocumented|known) /.test(line));
    expect(findingLines.map((line) => line.split(' ').slice(1, 5).join(' ')).sort()).toEqual(findings.map((f) => `${f.outcome} ${f.ruleId} on ${f.target}`).sort());
    expect(lines.every((line) => line.startsWith('snapconform: '))).toBe(true);
    expect(lines.length).toBeLessThanOrEqual(findings.length + 15);
    // The totals are the report's, known apart from fail.
    expect(stdout).toContain(`snapconform: ${summaryText(report)} — report in `);
    expect(summaryText(report)).toMatch(/^\d+ pass, 1 fail, \d+ skip, 0 error, 1 undocumented .*, 1 known$/);
  });

  it('adds vitest\'s own output with --verbose, still without colour codes in a log', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-ci-verbose-'));
    const { code, stdout, stderr } = await snapconform(['run', '--verbose', '--rules', 'auth.wrong-signature', '--report-dir', reportDir], { env: ciEnv() });
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toMatch(/Test Files\s+1 passed/);
    expect(stdout + stderr).not.toContain(ANSI_ESCAPE);
  });

  it('colours a log when FORCE_COLOR asks for it', async () => {
    const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-ci-colour-'));
    const { code, stdout, stderr } = await snapconform(['run', '--verbose', '--rules', 'auth.wrong-signature', '--report-dir', reportDir], { env: ciEnv({ FORCE_COLOR: '1' }) });
    expect(code, stdout + stderr).toBe(0);
    expect(stdout).toContain(ANSI_ESCAPE);
  });
});
