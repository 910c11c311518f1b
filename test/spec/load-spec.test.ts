import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { SpecError } from '../../src/spec/spec-error.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

const ACTIONS = {
  'tencent-cbs': ['CreateSnapshot', 'CreateSnapshotGroup', 'DescribeSnapshots', 'DeleteSnapshots', 'DescribeSnapshotGroups', 'DeleteSnapshotGroup', 'DescribeDisks'],
  'alibaba-ecs': ['CreateSnapshot', 'DescribeSnapshots', 'DeleteSnapshot', 'DescribeDisks'],
  'zenlayer-zec': ['CreateSnapshot', 'DescribeSnapshots', 'DeleteSnapshots', 'DescribeDisks'],
} as const;

describe('the vendor specs', () => {
  for (const [vendor, file] of Object.entries(SPEC_FILES)) {
    it(`${file} passes OpenAPI 3.1 validation, the extension schema, and its own examples`, () => {
      // loadSpec throws a SpecError on any of: OpenAPI 3.1 schema, extension schema, source ids, examples.
      const spec = loadSpec(file, { full: true });
      expect(spec.vendor).toBe(vendor);
      expect(spec.actions.map((a) => a.action).sort()).toEqual([...ACTIONS[vendor as keyof typeof ACTIONS]].sort());
      const examples = spec.actions.flatMap((a) => a.examples);
      expect(examples.length, 'the documents\' examples are in the spec').toBeGreaterThan(0);
      for (const example of examples) expect(example.validate(example.value), example.pointer).toBe(true);
    });
  }

  it('states the behavioural contract the pages give, with sources', () => {
    const tencent = loadSpec(SPEC_FILES['tencent-cbs']).contract;
    expect(tencent['snapshot-quota-per-disk']?.value).toBe(64);
    expect(tencent['minimum-retention']).toMatchObject({ parameter: 'Deadline', minSeconds: 86400 });
    expect(tencent['group-member-naming']).toMatchObject({ template: '{group}_{index}', indexBase: 0 });
    expect(tencent['same-instance']?.error.inferred).toBe(true);
    const alibaba = loadSpec(SPEC_FILES['alibaba-ecs']).contract;
    expect(alibaba['snapshot-quota-per-disk']).toMatchObject({ value: 64, error: { code: 'QuotaExceed.Snapshot', status: 403 } });
    expect(alibaba.idempotency).toMatchObject({ parameter: 'ClientToken', mismatchError: { code: 'IdempotentParameterMismatch' } });
    const zenlayer = loadSpec(SPEC_FILES['zenlayer-zec']).contract;
    expect(zenlayer['minimum-retention']).toMatchObject({ parameter: 'retentionTime', minSeconds: 86400, error: { code: 'INVALID_SNAPSHOT_RETENTION_TIME', status: 400 } });
    expect(zenlayer['allowed-disk-states']?.values).toEqual(['IN_USE', 'AVAILABLE']);
  });

  it("encodes Alibaba's SnapshotName rules as separate keywords, so each can be broken alone", () => {
    const spec = loadSpec(SPEC_FILES['alibaba-ecs']);
    const name = spec.propertySchema('CreateSnapshot', 'SnapshotName')!;
    expect(name).toMatchObject({ minLength: 2, maxLength: 128 });
    expect(name['x-forbidden-prefixes']).toEqual(expect.arrayContaining(['http://', 'https://', 'auto']));
    const { validateRequest } = spec.action('CreateSnapshot');
    for (const bad of ['a', 'a'.repeat(129), 'autoSnap', '1abc', 'https://x']) {
      expect(validateRequest({ DiskId: 'd-1', SnapshotName: bad }), bad).toBe(false);
    }
    for (const good of ['ab', 'a'.repeat(128), '快照-1', 'Finance:Joshua_1']) {
      expect(validateRequest({ DiskId: 'd-1', SnapshotName: good }), good).toBe(true);
    }
    expect(spec.errorForKeyword('CreateSnapshot', ['SnapshotName'], 'maxLength')).toMatchObject({ code: 'InvalidSnapshotName.Malformed', status: 400 });
    expect(spec.errorForKeyword('CreateSnapshot', ['Description'], 'maxLength')).toMatchObject({ code: 'InvalidDescription.Malformed', status: 404 });
  });

  it("encodes Zenlayer's retentionTime format yyyy-MM-ddTHH:mm:ssZ", () => {
    const { validateRequest } = loadSpec(SPEC_FILES['zenlayer-zec']).action('CreateSnapshot');
    expect(validateRequest({ diskId: 'd', snapshotName: 's', retentionTime: '2030-07-16T01:26:39Z' })).toBe(true);
    for (const bad of ['2030-07-16 01:26:39', '2030-07-16T01:26:39+00:00', '2030-07-16T01:26:39.000Z']) {
      expect(validateRequest({ diskId: 'd', snapshotName: 's', retentionTime: bad }), bad).toBe(false);
    }
  });
});

describe('a broken spec', () => {
  const broken = (edit: (text: string) => string): string => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-spec-'));
    const file = join(dir, 'tencent-cbs.yaml');
    writeFileSync(file, edit(readFileSync(SPEC_FILES['tencent-cbs'], 'utf8')));
    return file;
  };
  const errorOf = (file: string): SpecError => {
    try {
      loadSpec(file);
    } catch (error) {
      if (error instanceof SpecError) return error;
      throw error;
    }
    throw new Error('the broken spec loaded');
  };

  it('names the file, line and JSON pointer in one line when an OpenAPI keyword is wrong', () => {
    const file = broken((t) => t.replace('openapi: 3.1.0', 'openapi: 3.0.3'));
    const error = errorOf(file);
    expect(error.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+ /openapi: .+`));
    expect(error.message).not.toContain('\n');
  });

  it('points into the document when an extension is malformed', () => {
    const error = errorOf(broken((t) => t.replace(/minSeconds: 86400/, 'minSeconds: "one day"')));
    expect(error.pointer).toBe('/x-contract/minimum-retention/minSeconds');
    expect(error.line).toBeGreaterThan(1);
  });

  it('reports an undeclared source id and a YAML syntax error the same way', () => {
    expect(errorOf(broken((t) => t.replace(/doc: ref-cbs/, 'doc: no-such-doc'))).reason).toContain("source 'no-such-doc' is not declared");
    const syntax = errorOf(broken((t) => t.replace('openapi: 3.1.0', 'openapi: [3.1')));
    expect(syntax.message).toMatch(/:\d+ \/: YAML syntax error/);
  });

  it('refuses an example that does not match its schema', () => {
    const error = errorOf(broken((t) => t.replace('SnapshotId: snap-gybrif0z\n                      RequestId', 'SnapshotId: 12\n                      RequestId')));
    expect(error.reason).toContain("example does not match its schema");
  });

  it('copies of a good spec load (the helper itself is sound)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'snapconform-spec-'));
    cpSync(SPEC_FILES['tencent-cbs'], join(dir, 'ok.yaml'));
    expect(loadSpec(join(dir, 'ok.yaml')).vendor).toBe('tencent-cbs');
  });
});

describe('the cache of checked specs', () => {
  const copy = (text = readFileSync(SPEC_FILES['zenlayer-zec'], 'utf8')) => {
    const file = join(mkdtempSync(join(tmpdir(), 'snapconform-spec-')), 'zenlayer-zec.yaml');
    writeFileSync(file, text);
    return file;
  };
  const entries = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

  it('keeps a spec that passed every check, and reads the same text from it, parse and schema check skipped', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'snapconform-checked-'));
    const first = loadSpec(copy(), { cacheDir });
    expect(entries(cacheDir)).toHaveLength(1);
    const entry = join(cacheDir, entries(cacheDir)[0]!);
    // The entry is the document exactly as the YAML parse gave it.
    expect(JSON.parse(readFileSync(entry, 'utf8'))).toEqual(first.document);
    // Read from the entry: an entry changed behind the loader's back shows through (the YAML says otherwise).
    writeFileSync(entry, readFileSync(entry, 'utf8').replace('"title":"Zenlayer', '"title":"Cached Zenlayer'));
    expect(loadSpec(copy(), { cacheDir }).document.info.title).toMatch(/^Cached Zenlayer/);
    // `full` (check-specs) parses and checks again; other text misses.
    expect(loadSpec(copy(), { cacheDir, full: true }).document.info.title).toMatch(/^Zenlayer/);
    loadSpec(copy(`${readFileSync(SPEC_FILES['zenlayer-zec'], 'utf8')}\n# another text\n`), { cacheDir });
    expect(entries(cacheDir)).toHaveLength(2);
  });

  it('never keeps a spec that fails, ignores an entry it cannot read, and works without a writable folder', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'snapconform-checked-'));
    expect(() => loadSpec(copy(readFileSync(SPEC_FILES['zenlayer-zec'], 'utf8').replace('openapi: 3.1.0', 'openapi: 3.0.3')), { cacheDir })).toThrow(SpecError);
    expect(entries(cacheDir)).toEqual([]);
    loadSpec(copy(), { cacheDir });
    writeFileSync(join(cacheDir, entries(cacheDir)[0]!), '{"info": tru');
    expect(loadSpec(copy(), { cacheDir }).vendor).toBe('zenlayer-zec');
    const notAFolder = join(cacheDir, entries(cacheDir)[0]!, 'specs');
    expect(loadSpec(copy(), { cacheDir: notAFolder }).vendor).toBe('zenlayer-zec');
  });
});
