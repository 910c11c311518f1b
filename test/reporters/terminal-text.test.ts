import { describe, expect, it } from 'vitest';
import { terminalLine, terminalSafe } from '../../reporters/terminal-text.ts';
import { sweepLine } from '../../src/cli/sweep.ts';

/** What a terminal would act on: C0 but tab and line feed, DEL, C1, the bidi overrides and isolates. */
// eslint-disable-next-line no-control-regex
const ACTS_ON = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('endpoint text on a terminal', () => {
  it('writes every control character and escape sequence visibly, and leaves the rest as it is', () => {
    const hostile = 'RequestId \u001b]0;owned\u0007\u001b[2J\u009b31m\u202egnp.exe\u0000 中文 😀\ttab';
    expect(terminalSafe(hostile)).toBe('RequestId \\x1b]0;owned\\x07\\x1b[2J\\x9b31m\\u202egnp.exe\\x00 中文 😀\ttab');
    expect(terminalSafe('two\nlines')).toBe('two\nlines');
    expect(terminalLine('two\r\nlines')).toBe('two\\r\\nlines');
    expect(terminalLine(hostile)).not.toMatch(ACTS_ON);
  });

  it('is what sweep prints of the ids and reasons a service answered with', () => {
    const line = sweepLine({ target: 'real', deleted: ['snap-1'], gone: [], leftBehind: [{ id: 'snap-\u001b[2J', reason: 'delete refused: \u001b]8;;https://x\u0007click\u001b]8;;\u0007' }], unconfirmed: [] });
    expect(line).toBe('real: deleted 1, left behind 1: snap-\\x1b[2J (delete refused: \\x1b]8;;https://x\\x07click\\x1b]8;;\\x07)');
    expect(line).not.toMatch(ACTS_ON);
  });
});
