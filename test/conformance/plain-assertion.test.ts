import { describe, expect, it } from 'vitest';
import { plainAssertionText } from '../../src/conformance/plain-assertion.ts';

/** What vitest (chai) appends to a failed `expect(…, what)`, and fast-check after a failed property. */
const RUNNER_PHRASING = /expected (true|false|\[|undefined)|Object\.is|to (be|include|deeply equal|match)|Property failed after|Counterexample:|Hint:/;

describe('plainAssertionText', () => {
  it('says expected against observed without the assertion library\'s words', () => {
    const cases: Array<[string, string]> = [
      ['create 65 on a disk holding 64 snapshots was accepted: expected true to be false // Object.is equality', 'create 65 on a disk holding 64 snapshots was accepted'],
      ['a stale timestamp: the HTTP status of InvalidTimeStamp.Expired: expected [ 400 ] to include 422', 'a stale timestamp: the HTTP status of InvalidTimeStamp.Expired: expected 400, observed 422'],
      ["the error code: expected [ 'A', 'B' ] to include 'C'", "the error code: expected 'A' or 'B', observed 'C'"],
      ['HTTP status of a success: expected 400 to be 200 // Object.is equality', 'HTTP status of a success: expected 200, observed 400'],
      ['the created snapshot id: expected undefined to be defined', 'the created snapshot id: absent'],
      ['snapshot s-1 is still described 60 s after its deadline: expected { id: \'s-1\' } to be undefined', 'snapshot s-1 is still described 60 s after its deadline'],
      ["the snapshot id shape: expected 'abc' to match /^snap-/", "the snapshot id shape: 'abc' does not match /^snap-/"],
      ['the member snapshots: expected [ 1, 2 ] to have a length of 3 but got 2', 'the member snapshots: expected 3 items, observed 2'],
    ];
    for (const [message, plain] of cases) {
      expect(plainAssertionText(message)).toBe(plain);
      expect(plainAssertionText(message)).not.toMatch(RUNNER_PHRASING);
    }
  });

  it('leaves fast-check\'s report out (seed, path and counterexample are fields of the entry) and other errors as they are', () => {
    const message = 'a group of two instances\' disks was accepted (HTTP 200); expected a refusal\nProperty failed after 1 tests\n{ seed: 7, path: "0:1" }\nCounterexample: [1]\nShrunk 3 time(s)\n\nHint: Enable verbose mode';
    expect(plainAssertionText(message)).toBe('a group of two instances\' disks was accepted (HTTP 200); expected a refusal');
    expect(plainAssertionText('TransportError: timeout after 60 s')).toBe('TransportError: timeout after 60 s');
  });
});
