import { describe, expect, it } from 'vitest';
import { invalidCases } from '../../src/conformance/invalid-cases.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

describe('invalidCases', () => {
  const alibaba = loadSpec(SPEC_FILES['alibaba-ecs']).action('CreateSnapshot');
  const cases = invalidCases(alibaba.resolvedRequestSchema, { DiskId: 'd-bp1s5fnvk4gn2tws0' }, alibaba.validateRequest);
  const find = (path: string, keyword: string) => cases.find((c) => c.path === path && c.keyword === keyword);

  it("breaks each of Alibaba's SnapshotName rules alone, with the boundary lengths", () => {
    expect((find('SnapshotName', 'minLength')?.request['SnapshotName'] as string).length).toBe(1);
    expect((find('SnapshotName', 'maxLength')?.request['SnapshotName'] as string).length).toBe(129);
    expect(find('SnapshotName', 'pattern')).toBeDefined();
    expect(find('SnapshotName', 'x-forbidden-prefixes')).toBeDefined();
    expect(find('Description', 'maxLength')?.boundary).toBe(true);
    expect(find('DiskId', 'required')?.request).not.toHaveProperty('DiskId');
    expect(find('SnapconformUnknownParameter', 'additionalProperties')).toBeDefined();
  });

  it('reaches nested parameters (Tag.N.Key) and array sizes', () => {
    expect(find('Tag.0.Key', 'maxLength')).toBeDefined();
    expect((find('Tag', 'maxItems')?.request['Tag'] as unknown[]).length).toBe(21);
  });

  it('keeps only requests that break exactly the one keyword they name', () => {
    expect(cases.length).toBeGreaterThan(20);
    for (const c of cases) {
      expect(alibaba.validateRequest(c.request), c.description).toBe(false);
      const keywords = new Set(alibaba.validateRequest.errors!.filter((e) => !['anyOf', 'oneOf', 'allOf', 'if', 'not'].includes(e.keyword)).map((e) => e.keyword));
      expect([...keywords], c.description).toEqual([c.keyword]);
    }
  });

  it("knows which cases another page's x-variants makes valid, and prefers values every page refuses", () => {
    // A 65-character tag key: the seed page's maximum is 64, the 2025 page's 128 — both outcomes documented.
    const key = find('Tag.0.Key', 'maxLength')!;
    expect(key.validUnder.map((v) => v.value)).toEqual([128]);
    expect(key.stated).toMatchObject({ value: 64, primary: true });
    // Tag values: the 2025 page forbids only http:// and https://, so the case uses one of those.
    expect(find('Tag.0.Value', 'x-forbidden-prefixes')?.request['Tag']).toEqual([expect.objectContaining({ Value: expect.stringMatching(/^https?:\/\//) })]);
    expect(find('Tag.0.Value', 'x-forbidden-prefixes')?.validUnder).toEqual([]);
    expect(find('SnapshotName', 'pattern')?.validUnder).toEqual([]);
  });

  it('marks what a case cannot show as documented: a flattened wire\'s unknown names, inferred constraints', () => {
    const flattened = invalidCases(alibaba.resolvedRequestSchema, { DiskId: 'd-bp1s5fnvk4gn2tws0', Tag: [{ Key: 'a', Value: 'b' }] }, alibaba.validateRequest, { stringsOnly: true });
    // `Tag=not-an-array` travels as a parameter named Tag, which Alibaba's wire (Tag.1.Key) does not define.
    expect(flattened.find((c) => c.path === 'Tag' && c.keyword === 'type')?.unknownOnWire).toBe(true);
    expect(flattened.find((c) => c.path === 'OwnerId' && c.keyword === 'type')?.inferredConstraint).toContain('integer');
    expect(flattened.find((c) => c.path === 'SnapshotName' && c.keyword === 'maxLength')).toMatchObject({ unknownOnWire: false });
    expect(flattened.find((c) => c.path === 'SnapshotName' && c.keyword === 'maxLength')?.inferredConstraint).toBeUndefined();
  });

  it('puts boundary cases first, so they always run', () => {
    const firstNonBoundary = cases.findIndex((c) => !c.boundary);
    expect(cases.slice(firstNonBoundary).every((c) => !c.boundary)).toBe(true);
  });

  it("breaks Zenlayer's retentionTime format", () => {
    const zenlayer = loadSpec(SPEC_FILES['zenlayer-zec']).action('CreateSnapshot');
    const zc = invalidCases(zenlayer.resolvedRequestSchema, { diskId: 'd-1', snapshotName: 's' }, zenlayer.validateRequest);
    expect(zc.some((c) => c.path === 'retentionTime' && c.keyword === 'pattern')).toBe(true);
  });
});
