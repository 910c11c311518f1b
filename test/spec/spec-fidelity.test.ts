import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { invalidCases } from '../../src/conformance/invalid-cases.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import type { JsonSchema } from '../../src/spec/vendor-spec.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

/** The specs say what the documents say (issue 16, point 2). */

const require = createRequire(import.meta.url);

describe("Tencent's two CreateSnapshot pages on DiskId", () => {
  const spec = loadSpec(SPEC_FILES['tencent-cbs']);
  const action = spec.action('CreateSnapshot');
  const valid = { DiskId: 'disk-lzrg2pwi', SnapshotName: 'snap_201711301015' };

  it('the intl page (the schema) leaves DiskId optional; the 2017 page (x-variants) requires it', () => {
    expect(action.validateRequest({ SnapshotName: 'x' })).toBe(true);
    const variants = spec.propertySchema('CreateSnapshot', 'DiskId')!['x-variants'] as Array<{ required?: boolean; source: { doc: string } }>;
    expect(variants).toContainEqual(expect.objectContaining({ required: true, source: expect.objectContaining({ doc: 'cbs-create-2017' }) }));
  });

  it('the suite makes a case without DiskId whose refusal (2017 page, MissingParameter) and acceptance (intl page) are both documented', () => {
    const cases = invalidCases(action.resolvedRequestSchema, valid, action.validateRequest);
    const without = cases.find((c) => c.keyword === 'required' && c.path === 'DiskId');
    expect(without?.request).toEqual({ SnapshotName: 'snap_201711301015' });
    // Accepting it follows the schema's page ...
    expect(without?.validUnder).toEqual([expect.objectContaining({ value: 'optional', primary: true })]);
    expect(JSON.stringify(without?.validUnder[0]?.source)).toContain('cbs-create-intl');
    // ... refusing it the 2017 page, with the documented code for a missing parameter.
    expect(without?.stated).toMatchObject({ value: 'required', source: { doc: 'cbs-create-2017' } });
    expect(spec.errorForKeyword('CreateSnapshot', ['DiskId'], 'required')).toMatchObject({ code: 'MissingParameter' });
  });

  it('a top-level parameter no page requires gets no such case', () => {
    const cases = invalidCases(action.resolvedRequestSchema, valid, action.validateRequest);
    expect(cases.filter((c) => c.keyword === 'required' && !c.path.includes('.')).map((c) => c.path)).toEqual(['DiskId']);
  });
});

describe("Tencent's Deadline must be in UTC", () => {
  const { validateRequest } = loadSpec(SPEC_FILES['tencent-cbs']).action('CreateSnapshot');

  it('accepts the page\'s own form and Z, refuses another offset for the same instant', () => {
    // "It must be in UTC ISO-8601 format, eg. 2022-01-08T09:47:55+00:00." (cbs-create-intl, Deadline)
    expect(validateRequest({ DiskId: 'disk-1', Deadline: '2022-01-08T09:47:55+00:00' })).toBe(true);
    expect(validateRequest({ DiskId: 'disk-1', Deadline: '2022-01-08T09:47:55Z' })).toBe(true);
    expect(validateRequest({ DiskId: 'disk-1', Deadline: '2022-01-08T17:47:55+08:00' })).toBe(false);
    expect(validateRequest.errors?.map((e) => e.keyword)).toEqual(['pattern']);
    // A value that is no date-time at all breaks `format` alone (the suite's format case stays one keyword).
    expect(validateRequest({ DiskId: 'disk-1', Deadline: '2030-01-08 09:47:55' })).toBe(false);
    expect(validateRequest.errors?.map((e) => e.keyword)).toEqual(['format']);
  });
});

describe("Alibaba's DescribeDisks takes every parameter of the SDK's request", () => {
  const spec = loadSpec(SPEC_FILES['alibaba-ecs']);
  const { validateRequest } = spec.action('DescribeDisks');

  it('lists every wire name of @alicloud/ecs20140526 DescribeDisksRequest', () => {
    const { DescribeDisksRequest } = require('@alicloud/ecs20140526') as { DescribeDisksRequest: { names(): Record<string, string> } };
    const wireNames = Object.values(DescribeDisksRequest.names());
    expect(wireNames.length).toBe(34);
    const properties = Object.keys(spec.action('DescribeDisks').resolvedRequestSchema['properties'] as JsonSchema);
    expect(wireNames.filter((name) => !properties.includes(name))).toEqual([]);
  });

  it('accepts the legitimate parameters it used to refuse, and still refuses an unknown one', () => {
    expect(validateRequest({
      RegionId: 'cn-hangzhou', PageSize: 10, PageNumber: 1, DiskName: 'data', DryRun: true, SnapshotId: 's-1',
      Filter: [{ Key: 'CreationStartTime', Value: '2017-12-05T22:40Z' }], AdditionalAttributes: ['Placement'], LockReason: 'security',
    })).toBe(true);
    expect(validateRequest({ RegionId: 'cn-hangzhou', Bogus: 1 })).toBe(false);
    expect(spec.action('CreateSnapshot').validateRequest({ DiskId: 'd-1', Bogus: '1' })).toBe(false);
  });
});

describe("Zenlayer's malformed retentionTime", () => {
  it('maps to INVALID_SNAPSHOT_RETENTION_TIME, flagged inferred as the specs flag every inference', () => {
    const spec = loadSpec(SPEC_FILES['zenlayer-zec']);
    for (const keyword of ['pattern', 'format']) {
      expect(spec.errorForKeyword('CreateSnapshot', ['retentionTime'], keyword), keyword).toMatchObject({ code: 'INVALID_SNAPSHOT_RETENTION_TIME', status: 400, inferred: true });
    }
  });
});
