import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shorterStories, Story, withStory } from '../../properties/support/shrinkable-story.ts';

/** A command that only records that it ran: the model is the list of names run. */
class Step implements fc.Command<string[], object> {
  constructor(readonly name: string) {}
  check = () => true;
  run(model: string[]): void {
    model.push(this.name);
    // The deviation: `b` then later `e` in one sequence.
    if (this.name === 'e' && model.includes('b')) throw new Error('b then e');
  }
  toString = () => this.name;
}

const steps = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((n) => new Step(n));

describe('a story run as an example shrinks', () => {
  it('offers shorter stories, the most removed first, each once', () => {
    const shorter = shorterStories(new Story(steps)).map(String);
    expect(shorter[0]).toBe('e,f,g');
    expect(shorter).toContain('a,b,c,d,e,f');
    expect(new Set(shorter).size).toBe(shorter.length);
    expect(shorter.every((s) => s.split(',').length < steps.length)).toBe(true);
  });

  it('reports the shortest failing part of a failing story, not the story whole', () => {
    const generated = fc.commands([fc.constantFrom(...steps)], { maxCommands: 3 });
    const details = fc.check(
      fc.property(withStory(generated), (commands) => fc.modelRun(() => ({ model: [] as string[], real: {} }), commands)),
      { numRuns: 1, seed: 1, examples: [[new Story(steps)]] },
    );
    expect(details.failed).toBe(true);
    expect(String((details.counterexample as unknown[])[0])).toBe('b,e');
    expect(details.numShrinks).toBeGreaterThan(0);
  });
});
