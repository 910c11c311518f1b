import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargetFile, TargetFileError } from '../../src/conformance/target-file.ts';
import { defaultWire, documentedWires, selectWires, spreadWire, wireCaseId, wireChoiceProblem } from '../../src/conformance/wires.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { adapterFor, SPEC_FILES } from '../../src/vendors/registry.ts';
import { readReport } from '../../src/report/read-report.ts';
import { latestReport, snapconform } from '../cli/support/cli.ts';

const alibaba = loadSpec(SPEC_FILES['alibaba-ecs']);
const tencent = loadSpec(SPEC_FILES['tencent-cbs']);
const ALIBABA_WIRES = documentedWires(alibaba, adapterFor('alibaba-ecs')?.signatures);

describe('the wires of a target (documented signatures × answer formats)', () => {
  it('are, for Alibaba, ACS3 asking for JSON (the default) and RPC V2 asking for JSON or XML: the documents give V3 no way to ask for XML', () => {
    expect(ALIBABA_WIRES).toEqual([
      { signature: 'acs3', format: 'json' },
      { signature: 'rpc-v2', format: 'json' },
      { signature: 'rpc-v2', format: 'xml' },
    ]);
    expect(defaultWire(alibaba)).toEqual({ signature: 'acs3', format: 'json' });
  });

  it('are one, the default signature with JSON, for a vendor whose client sends one signature (Tencent documents three)', () => {
    expect(tencent.protocol.signatures.length).toBeGreaterThan(1);
    expect(documentedWires(tencent, adapterFor('tencent-cbs')?.signatures)).toEqual([{ signature: 'TC3-HMAC-SHA256', format: 'json' }]);
  });

  it('are narrowed by a selection, in the documented order', () => {
    expect(selectWires(ALIBABA_WIRES, {})).toEqual(ALIBABA_WIRES);
    expect(selectWires(ALIBABA_WIRES, { formats: ['xml'] })).toEqual([{ signature: 'rpc-v2', format: 'xml' }]);
    expect(selectWires(ALIBABA_WIRES, { signatures: ['rpc-v2'], formats: ['json'] })).toEqual([{ signature: 'rpc-v2', format: 'json' }]);
    expect(selectWires(ALIBABA_WIRES, { signatures: ['rpc-v2', 'acs3'] })).toEqual(ALIBABA_WIRES);
  });

  it('name a case off the default wire by its wire, and keep the default wire\'s case ids as they were', () => {
    expect(wireCaseId('DescribeSnapshots.valid', { signature: 'acs3', format: 'json' }, alibaba)).toBe('DescribeSnapshots.valid');
    expect(wireCaseId('DescribeSnapshots.valid', undefined, alibaba)).toBe('DescribeSnapshots.valid');
    expect(wireCaseId('DescribeSnapshots.valid', { signature: 'rpc-v2', format: 'xml' }, alibaba)).toBe('DescribeSnapshots.valid@rpc-v2+xml');
  });

  it('spread many cases over the wires by index, each once, evenly and the same every time', () => {
    const picked = Array.from({ length: 9 }, (_, i) => spreadWire(ALIBABA_WIRES, i));
    expect(picked).toEqual([...ALIBABA_WIRES, ...ALIBABA_WIRES, ...ALIBABA_WIRES]);
    expect(spreadWire(ALIBABA_WIRES, 4)).toEqual({ signature: 'rpc-v2', format: 'json' });
  });

  it('refuse a selection that names an unknown value, names none, or leaves no documented pair', () => {
    expect(wireChoiceProblem(ALIBABA_WIRES, { signatures: ['hmac-sha256'] }, 'alibaba-ecs')).toEqual({ key: 'signatures', reason: "unknown signature 'hmac-sha256'; allowed: acs3, rpc-v2" });
    expect(wireChoiceProblem(ALIBABA_WIRES, { formats: ['yaml'] }, 'alibaba-ecs')).toEqual({ key: 'formats', reason: "unknown answer format 'yaml'; allowed: json, xml" });
    expect(wireChoiceProblem(ALIBABA_WIRES, { formats: [] }, 'alibaba-ecs')?.reason).toBe('must be a non-empty list of json, xml');
    expect(wireChoiceProblem(ALIBABA_WIRES, { signatures: ['acs3'], formats: ['xml'] }, 'alibaba-ecs')?.reason)
      .toBe('no documented pair of the selected signatures and formats (the documents allow acs3+json, rpc-v2+json, rpc-v2+xml)');
    expect(wireChoiceProblem(ALIBABA_WIRES, { signatures: ['rpc-v2'], formats: ['xml', 'json'] }, 'alibaba-ecs')).toBeUndefined();
  });
});

describe('signatures and formats in a target file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-wires-'));
  const file = (name: string, target: string) => {
    const path = join(dir, `${name}.yaml`);
    writeFileSync(path, `targets:\n  - name: t\n    endpoint: emulator\n${target}`);
    return path;
  };
  const ecs = (extra: string) => file(extra.replace(/\W+/g, '-') || 'plain', `    vendor: alibaba-ecs\n    region: cn-hangzhou\n${extra}`);

  it('default to every documented pair: the entry names no selection', () => {
    expect(loadTargetFile(ecs(''))[0]!.wires).toBeUndefined();
  });

  it('are read as lists of the spec\'s ids', () => {
    expect(loadTargetFile(ecs('    signatures: [rpc-v2]\n'))[0]!.wires).toEqual({ signatures: ['rpc-v2'] });
    expect(loadTargetFile(ecs('    signatures: [acs3, rpc-v2]\n    formats: [xml]\n'))[0]!.wires).toEqual({ signatures: ['acs3', 'rpc-v2'], formats: ['xml'] });
  });

  it('refuse an unknown value in one line naming the key and the allowed values', () => {
    const bad = ecs('    signatures: [acs3, v4]\n');
    expect(() => loadTargetFile(bad)).toThrow(new TargetFileError(`${bad}: targets[0].signatures: unknown signature 'v4'; allowed: acs3, rpc-v2`));
    const format = ecs('    formats: json\n');
    expect(() => loadTargetFile(format)).toThrow(new TargetFileError(`${format}: targets[0].formats: must be a non-empty list of json, xml`));
  });

  it('refuse a selection the documents do not combine (XML under ACS3)', () => {
    const bad = ecs('    signatures: [acs3]\n    formats: [xml]\n');
    expect(() => loadTargetFile(bad)).toThrow(/targets\[0\]\.formats: no documented pair of the selected signatures and formats \(the documents allow acs3\+json, rpc-v2\+json, rpc-v2\+xml\)$/);
  });

  it('are for a vendor with several: a target whose client sends one signature and reads one format is refused, saying so', () => {
    const cbs = file('cbs', '    vendor: tencent-cbs\n    region: ap-guangzhou\n    signatures: [TC3-HMAC-SHA256]\n');
    expect(() => loadTargetFile(cbs)).toThrow(new TargetFileError(`${cbs}: targets[0].signatures: tencent-cbs has one signature snapconform can use (TC3-HMAC-SHA256): the key is for a vendor whose documents give several`));
    const zec = file('zec', '    vendor: zenlayer-zec\n    region: asia-east-1\n    formats: [json]\n');
    expect(() => loadTargetFile(zec)).toThrow(/targets\[0\]\.formats: zenlayer-zec has one answer format snapconform can use \(json\)/);
  });
});

describe('a run against the embedded Alibaba emulator', () => {
  it('records the protocol and request rules under ACS3 and RPC V2, with JSON and XML answers, as each target selects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-wires-run-'));
    const targets = join(dir, 'targets.yaml');
    writeFileSync(targets, [
      'targets:',
      '  - { name: ecs-all, vendor: alibaba-ecs, endpoint: emulator, region: cn-hangzhou }',
      '  - { name: ecs-xml, vendor: alibaba-ecs, endpoint: emulator, region: cn-hangzhou, signatures: [rpc-v2], formats: [xml] }',
      '',
    ].join('\n'));
    const run = await snapconform(['run', '--target', targets, '--report-dir', dir, '--seed', '7', '--rules', 'auth.*,protocol.*,envelope.*,request.*']);
    expect(run.code, run.stderr).toBe(0);
    // The report, `wire` included, is valid against the published schema.
    expect(readReport(dir).report.summary.total).toBeGreaterThan(0);
    const { results } = latestReport(dir);
    const wireOf = (r: (typeof results)[number]) => (r.wire ? `${r.wire.signature}+${r.wire.format}` : 'none');
    const of = (target: string) => results.filter((r) => r.target === target && r.outcome !== 'skip');

    // Every rule of every area ran on every wire of the default target; the invalid requests were spread, not multiplied.
    const all = of('ecs-all');
    for (const area of ['auth', 'protocol', 'envelope', 'request.valid-accepted', 'request.invalid']) {
      const wires = new Set(all.filter((r) => r.ruleId.startsWith(area)).map(wireOf));
      expect([...wires].sort(), area).toEqual(['acs3+json', 'rpc-v2+json', 'rpc-v2+xml']);
    }
    for (const rule of ['auth.wrong-signature', 'protocol.unknown-parameter', 'envelope.content-type', 'request.valid-accepted']) {
      const perWire = all.filter((r) => r.ruleId === rule).map(wireOf);
      expect(perWire.filter((w) => w === 'rpc-v2+xml').length, rule).toBe(perWire.filter((w) => w === 'acs3+json').length);
    }
    const invalid = all.filter((r) => r.ruleId.startsWith('request.invalid-'));
    expect(new Set(invalid.map((r) => `${r.ruleId} ${r.caseId}`)).size).toBe(invalid.length);
    expect(all.find((r) => r.ruleId === 'request.valid-accepted' && r.caseId === 'DescribeSnapshots@rpc-v2+xml')?.outcome).toBe('pass');

    // What went on the wire is what the case records: V2 carries Format, V3 an ACS3 Authorization, XML comes back as XML.
    const sentOn = all.filter((r) => r.transcript);
    expect(sentOn.length).toBeGreaterThan(100);
    for (const r of sentOn) {
      const { request, response } = r.transcript!;
      const sent = `${request.url}&${request.body}`;
      if (r.wire!.signature === 'acs3') {
        expect(request.headers['authorization'], r.caseId).toMatch(/^ACS3-HMAC-SHA256 /);
        expect(sent, r.caseId).not.toMatch(/[?&]Format=/);
      } else {
        expect(sent, r.caseId).toMatch(/[?&]SignatureMethod=HMAC-SHA1&/);
        expect(sent, r.caseId).toContain(`&Format=${r.wire!.format.toUpperCase()}&`);
      }
      expect(response.headers['content-type'], r.caseId).toMatch(r.wire!.format === 'xml' ? /^text\/xml/ : /^application\/json/);
    }

    // The narrowed target ran everything on RPC V2 with XML answers only, and ran every invalid request the default target did.
    const xml = of('ecs-xml');
    expect(new Set(xml.map(wireOf))).toEqual(new Set(['rpc-v2+xml']));
    expect(xml.filter((r) => r.ruleId.startsWith('request.invalid-')).length).toBe(invalid.length);
    expect(xml.find((r) => r.ruleId === 'envelope.content-type' && r.caseId === 'DescribeSnapshots.valid@rpc-v2+xml')?.outcome).toBe('pass');
  });
});
