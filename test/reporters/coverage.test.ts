import { describe, expect, it } from 'vitest';
import { specCoverage, type CoverageEntry, type CoverageSpec } from '../../reporters/coverage.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';

// A spec small enough to count by hand: one action, a nested array of objects, a cross-parameter rule.
const spec: CoverageSpec = {
  vendor: 'acme',
  commonErrors: [{ code: 'InternalError' }, { code: 'MissingParameter' }],
  actions: [{
    action: 'CreateThing',
    errors: [{ code: 'InvalidName.Malformed' }, { code: 'MissingParameter' }, { code: 'QuotaExceed.Thing' }],
    resolvedRequestSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['DiskId'],
      not: { required: ['A', 'B'] },
      properties: {
        DiskId: { type: 'string', pattern: '^d-' },
        Name: { type: 'string', maxLength: 8 },
        Tag: {
          type: 'array',
          maxItems: 2,
          items: { type: 'object', required: ['Key'], properties: { Key: { type: 'string', minLength: 1 }, Value: { type: 'string' } } },
        },
      },
    },
  }],
};

const entry = (fields: Partial<CoverageEntry> & Pick<CoverageEntry, 'ruleId' | 'caseId'>): CoverageEntry => ({
  vendor: 'acme', outcome: 'pass', expectation: { text: '' }, ...fields,
});

describe('specCoverage', () => {
  it('lists the codes no run can provoke apart from the gaps, with why, unless the run saw them after all', () => {
    const withUnprovokable: CoverageSpec = { ...spec, unprovokableErrors: [{ code: 'InternalError', why: 'the service failed' }, { code: 'QuotaExceed.Thing', why: 'the account\'s quota' }] };
    const coverage = specCoverage(withUnprovokable, [entry({ ruleId: 'x', caseId: 'CreateThing', observed: 'HTTP 500, InternalError' })]);
    expect(coverage.errorCodes).toEqual({
      documented: 4, exercised: 1,
      notExercised: ['InvalidName.Malformed', 'MissingParameter'],
      unprovokable: [{ code: 'QuotaExceed.Thing', why: 'the account\'s quota' }],
    });
  });

  it('counts what the spec documents: codes once each, nested parameters, every constraint keyword', () => {
    const coverage = specCoverage(spec, []);
    expect(coverage.errorCodes).toEqual({ documented: 4, exercised: 0, notExercised: ['InternalError', 'InvalidName.Malformed', 'MissingParameter', 'QuotaExceed.Thing'] });
    expect(coverage.parameters.notExercised).toEqual(['CreateThing.DiskId', 'CreateThing.Name', 'CreateThing.Tag', 'CreateThing.Tag[].Key', 'CreateThing.Tag[].Value']);
    expect(coverage.constraints.notExercised).toEqual([
      'CreateThing#additionalProperties', 'CreateThing#not',
      'CreateThing.DiskId#pattern', 'CreateThing.DiskId#required', 'CreateThing.DiskId#type',
      'CreateThing.Name#maxLength', 'CreateThing.Name#type',
      'CreateThing.Tag#maxItems', 'CreateThing.Tag#type',
      'CreateThing.Tag[]#type',
      'CreateThing.Tag[].Key#minLength', 'CreateThing.Tag[].Key#required', 'CreateThing.Tag[].Key#type',
      'CreateThing.Tag[].Value#type',
    ]);
  });

  it('counts a constraint as exercised when a generated case broke it, whatever the array index', () => {
    const coverage = specCoverage(spec, [
      entry({ ruleId: 'request.invalid-minLength', caseId: 'CreateThing.Tag.0.Key' }),
      entry({ ruleId: 'request.invalid-required', caseId: 'CreateThing.DiskId' }),
      // An unknown parameter breaks additionalProperties of the object holding it: here the request itself.
      entry({ ruleId: 'request.invalid-additionalProperties', caseId: 'CreateThing.SnapconformUnknownParameter' }),
    ]);
    expect(coverage.constraints.exercised).toBe(3);
    expect(coverage.constraints.notExercised).not.toContain('CreateThing.Tag[].Key#minLength');
    expect(coverage.constraints.notExercised).not.toContain('CreateThing#additionalProperties');
    // The case was about Tag[0].Key: Tag and Tag[].Key were sent, Tag[].Value was not.
    expect(coverage.parameters.notExercised).toEqual(['CreateThing.Name', 'CreateThing.Tag[].Value']);
  });

  it('counts an error code when a rule expected it or an endpoint answered with it, as a whole token', () => {
    const coverage = specCoverage(spec, [
      entry({ ruleId: 'snapshot.quota', caseId: 'createThing', expectation: { text: 'create 3 is refused with QuotaExceed.Thing (HTTP 403).' } }),
      entry({ ruleId: 'envelope.code', caseId: 'CreateThing.x', observed: 'HTTP 400, MissingParameterValue' }),
      entry({
        ruleId: 'envelope.code', caseId: 'CreateThing.y', outcome: 'fail',
        transcript: { request: { method: 'POST', url: 'http://h/', headers: {}, body: '' }, response: { status: 500, headers: {}, body: '{"Code":"InternalError"}' } },
      }),
    ]);
    // MissingParameterValue is not MissingParameter; the sentence's full stop is not part of the code.
    expect(coverage.errorCodes.notExercised).toEqual(['InvalidName.Malformed', 'MissingParameter']);
  });

  it('ignores skipped entries and other vendors: they exercised nothing here', () => {
    const coverage = specCoverage(spec, [
      entry({ ruleId: 'request.invalid-pattern', caseId: 'CreateThing.DiskId', outcome: 'skip', expectation: { text: 'refused with InternalError' } }),
      entry({ ruleId: 'request.invalid-maxLength', caseId: 'CreateThing.Name', vendor: 'other', observed: 'HTTP 200, QuotaExceed.Thing' }),
    ]);
    expect(coverage.errorCodes.exercised + coverage.parameters.exercised + coverage.constraints.exercised).toBe(0);
  });

  it('reads the parameters a request sent and the codes an answer carried from the exchanges (query, JSON and form bodies)', () => {
    const exchange = (url: string, body: string, answer: string) => ({ vendor: 'acme', action: 'CreateThing', request: { url, body }, response: { body: answer } });
    const coverage = specCoverage(spec, [], [
      exchange('http://h/?Action=CreateThing&Tag.1.Key=k', '', '{"Code":"InvalidName.Malformed"}'),
      exchange('http://h/', '{"DiskId":"d-1","Tag":[{"Key":"k","Value":"v"}]}', '{}'),
      exchange('http://h/', 'Name=n&Other=1', '{}'),
      { ...exchange('http://h/?Name=x', '', '{"Code":"MissingParameter"}'), vendor: 'other' },
    ]);
    expect(coverage.parameters.notExercised).toEqual([]);
    expect(coverage.errorCodes.notExercised).toEqual(['InternalError', 'MissingParameter', 'QuotaExceed.Thing']);
  });

  it('measures a real spec without throwing, each count within its documented total', () => {
    const real = loadSpec('specs/tencent-cbs.yaml');
    const coverage = specCoverage(real, [entry({ vendor: 'tencent-cbs', ruleId: 'request.invalid-enum', caseId: 'CreateSnapshot.DiskUsage' })]);
    expect(coverage.vendor).toBe('tencent-cbs');
    expect(coverage.constraints.notExercised).not.toContain('CreateSnapshot.DiskUsage#enum');
    expect(coverage.constraints.notExercised).toContain('CreateSnapshot.Deadline#format');
    for (const d of [coverage.errorCodes, coverage.parameters, coverage.constraints]) {
      expect(d.documented).toBeGreaterThan(0);
      expect(d.exercised + d.notExercised.length + (d.unprovokable?.length ?? 0)).toBe(d.documented);
    }
  });
});
