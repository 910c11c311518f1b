import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderHtml } from '../../reporters/html.ts';
import { renderJunit } from '../../reporters/junit.ts';
import { renderMarkdown } from '../../reporters/markdown.ts';
import { replayArgs } from '../../reporters/replay.ts';
import type { ConformanceReport } from '../../reporters/report-types.ts';
import { parseRunOptions, recordOf } from '../../src/cli/run-options.ts';
import { sampleReport } from './support/sample-report.ts';

/** A report of a run given options, as the CLI records them (`SNAPCONFORM_RUN_OPTIONS`). */
function reportOfRun(options: ConformanceReport['run']['options'], seed = '42'): ConformanceReport {
  return sampleReport('failed', { SNAPCONFORM_TARGET_FILE: join(process.cwd(), 'targets/emulators.yaml'), SNAPCONFORM_SEED: seed, SNAPCONFORM_RUN_OPTIONS: JSON.stringify(options) });
}

const entry = { ruleId: 'snapshot.create.quota', vendor: 'tencent-cbs', target: 'tencent-cbs-emulator' };

describe('the replay command', () => {
  it('joins a negative seed with = so that run reads it, in every format', () => {
    const report = sampleReport();
    const args = replayArgs({ ...entry, seed: -1322559987 }, report);
    expect(args).toContain('--seed=-1322559987');
    expect(parseRunOptions(args)!.seed).toBe('-1322559987');
    // The sample's error entry carries seed -7: its copyable command is the same in the Markdown, HTML and JUnit.
    const command = report.results.find((r) => r.seed === -7)!.replay!;
    expect(command).toBe('snapconform run --target targets/emulators.yaml --seed=-7 --rules snapshot.create.quota --vendor tencent-cbs');
    expect(renderMarkdown(report)).toContain(command);
    expect(renderHtml(report)).toContain(command);
    expect(renderJunit(report)).toContain(command);
  });

  it('reads a negative seed written the other way too (replay commands of older reports)', () => {
    expect(parseRunOptions(['--seed', '-1322559987', '--rules', 'snapshot.create.quota'])!.seed).toBe('-1322559987');
  });

  it('passes the run\'s recorded options again: property runs, emulator deviations, mutations, driver', () => {
    const report = reportOfRun({ runs: 4, rules: 'snapshot.create.*', vendors: ['tencent-cbs'], emulatorDeviations: ['quota-off-by-one'], allowMutations: true, driver: 'tencentcloud-sdk-nodejs', driverPath: 'sdk/new' });
    expect(replayArgs({ ...entry, seed: 5 }, report)).toEqual([
      '--seed', '5', '--rules', 'snapshot.create.quota', '--vendor', 'tencent-cbs', '--runs', '4',
      '--emulator-deviation', 'quota-off-by-one', '--allow-mutations', '--driver', 'tencentcloud-sdk-nodejs', '--driver-path', 'sdk/new',
    ]);
  });

  it('names no path of the machine that ran: the default target file is left out, a given one kept as named', () => {
    const byDefault = reportOfRun({});
    expect(byDefault.run.targetFile).toBe('targets/emulators.yaml');
    const failed = byDefault.results.find((r) => r.outcome === 'fail' && r.replay !== undefined)!;
    expect(failed.replay).toBe(`snapconform run --seed ${failed.seed} --rules ${failed.ruleId} --vendor ${failed.vendor}`);
    const named = reportOfRun({ targets: ['ci/targets.yaml'] });
    expect(replayArgs({ ...entry, seed: 5 }, named).slice(0, 2)).toEqual(['--target', 'ci/targets.yaml']);
  });

  it('records target files as named, absolute ones inside the working directory relative to it', () => {
    const inside = join(process.cwd(), 'targets', 'emulators.yaml');
    expect(recordOf(parseRunOptions(['--target', inside, '--target', 'targets/emulators.yaml', '--seed', '-3'])!)).toEqual({ targets: ['targets/emulators.yaml', 'targets/emulators.yaml'] });
    expect(recordOf(parseRunOptions(['--runs', '2', '--rules', 'snapshot.create.*', '--vendor', 'tencent-cbs', '--emulator-deviation', 'quota-off-by-one'])!))
      .toEqual({ runs: 2, rules: 'snapshot.create.*', vendors: ['tencent-cbs'], emulatorDeviations: ['quota-off-by-one'] });
  });
});

describe('the run options in the report', () => {
  it('shows every option that shaped the run in the Markdown and HTML headers', () => {
    const report = reportOfRun({ runs: 4, rules: 'snapshot.create.*', emulatorDeviations: ['quota-off-by-one'], targets: ['ci/targets.yaml'] }, '-9');
    const markdown = renderMarkdown(report);
    expect(markdown).toContain('· seed `-9` · property runs `×4` · rules `snapshot.create.*` · emulator deviations `quota-off-by-one` · target file `ci/targets.yaml`');
    expect(renderHtml(report)).toContain(' · seed <code>-9</code> · property runs <code>×4</code> · rules <code>snapshot.create.*</code> · emulator deviations <code>quota-off-by-one</code> · target file <code>ci/targets.yaml</code>');
  });
});
