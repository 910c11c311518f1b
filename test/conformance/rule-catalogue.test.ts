import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES, ruleSelected, selectRules } from '../../src/conformance/rule-catalogue.ts';

describe('the rule catalogue', () => {
  it('names, for every rule, a file that records that rule id', () => {
    for (const [id, { file }] of Object.entries(RULES)) {
      expect(existsSync(file), `${id}: ${file}`).toBe(true);
      const text = readFileSync(file, 'utf8');
      // Request cases build their ids from the keyword (`request.invalid-${c.keyword}`); the others name it.
      const named = text.includes(`'${id}'`) || (id.startsWith('request.invalid-') && text.includes('request.invalid-${c.keyword}'));
      expect(named, `${file} records ${id}`).toBe(true);
    }
  });

  it('selects by id, by wildcard and by list, in catalogue order, and says what selects nothing', () => {
    expect(selectRules('snapshot.create.quota')).toEqual(['snapshot.create.quota']);
    expect(selectRules('auth.*, snapshot.group.*')).toEqual(['auth.wrong-signature', 'auth.unknown-key', 'auth.expired-timestamp', 'auth.replayed-nonce', 'snapshot.group.same-instance']);
    expect(selectRules('*')).toHaveLength(Object.keys(RULES).length);
    // A dot is a dot, not "any character".
    expect(() => selectRules('snapshot-create-quota')).toThrow(/'snapshot-create-quota' selects no rule/);
    expect(() => selectRules(' , ')).toThrow(/--rules is empty/);
  });

  it('lets every rule run unless a selection is given', () => {
    expect(ruleSelected('auth.unknown-key', {})).toBe(true);
    expect(ruleSelected('auth.unknown-key', { SNAPCONFORM_RULES: 'auth.wrong-signature,auth.unknown-key' })).toBe(true);
    expect(ruleSelected('auth.expired-timestamp', { SNAPCONFORM_RULES: 'auth.wrong-signature' })).toBe(false);
  });
});
