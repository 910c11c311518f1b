import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../reporters/markdown.ts';
import { sampleReport } from './support/sample-report.ts';

describe('conformance.md', () => {
  const report = sampleReport();
  const markdown = renderMarkdown(report);

  it('counts every outcome, and lists the targets with their spec versions', () => {
    expect(markdown).toContain('**2 fail · 1 error · 1 undocumented · 1 known · 1 fixed · 2 pass · 1 skip** (9 rule × target cases)');
    expect(markdown).toContain('| tencent-cbs-emulator | tencent-cbs | emulator | ap-guangzhou | 2017-03-12 |');
    expect(markdown).toContain('seed 42');
  });

  it('shows known and fixed in the matrix and in sections of their own', () => {
    expect(markdown).toMatch(/\| `envelope.request-id` \| 📌 1 \| — \|/);
    expect(markdown).toMatch(/\| `auth.wrong-signature` \| ✨ 1 \| — \|/);
    expect(markdown).toMatch(/\| `request.invalid-enum` \| ✅ 1 \| ❌ 1 ✅ 1 \|/);
    expect(markdown).toContain('## Known deviations (accepted by the baseline)');
    expect(markdown).toContain('- **Baseline**: the vendor omits it on success');
    expect(markdown).toContain('## Fixed since the baseline');
    expect(markdown).toContain('- ✨ `auth.wrong-signature` · DescribeSnapshots.wrong-signature · alibaba-ecs-emulator — baseline: answered 200 in 2025');
  });

  it('lists undocumented cases apart from the deviations, with the reason and the variant seen', () => {
    expect(markdown).toMatch(/\| `snapshot.create.roundtrip` \| ❔ 1 \| — \|/);
    const deviations = markdown.slice(markdown.indexOf('## Deviations and errors'), markdown.indexOf('## Undocumented behaviour'));
    expect(deviations).not.toContain('snapshot.create.roundtrip');
    const section = markdown.slice(markdown.indexOf('## Undocumented behaviour (the documents do not state these; not failing unless --fail-on inferred)'), markdown.indexOf('## Known deviations'));
    expect(section).toContain('### ❔ `snapshot.create.roundtrip` · CreateSnapshot.default-name · alibaba-ecs-emulator');
    expect(section).toContain('- **Expected** (inferred, not stated by the documents): an unnamed snapshot is described with an empty name');
    expect(section).toContain('- **Undocumented**: the documents do not say what name an unnamed snapshot gets');
    expect(section).toContain('- **Variant seen**: auto-named a <b>');
    expect(section).toContain('- **Replay**: `snapconform run --target targets/emulators.yaml --seed 11 --rules snapshot.create.roundtrip --vendor alibaba-ecs`');
  });

  it('gives a failure with a seed its replay command', () => {
    expect(markdown).toContain('- **Replay**: `snapconform run --target targets/emulators.yaml --seed 42 --rules snapshot.create.retention-minimum --vendor tencent-cbs`');
  });

  it('has a spec coverage section with a row per vendor and what was not exercised', () => {
    expect(markdown).toContain('## Spec coverage');
    for (const c of report.coverage) {
      expect(markdown).toContain(`| ${c.vendor} | ${c.errorCodes.exercised} / ${c.errorCodes.documented} (`);
      expect(markdown).toContain(`<summary>${c.vendor}: not exercised</summary>`);
    }
  });

  it('opens with a banner when the run ended early, and only then', () => {
    expect(markdown).not.toContain('Partial report');
    expect(renderMarkdown(sampleReport('interrupted'))).toContain('> **⚠️ Partial report: the run ended early (interrupted).**');
  });
});
