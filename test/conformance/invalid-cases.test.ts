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
