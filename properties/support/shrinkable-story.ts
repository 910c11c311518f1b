import fc from 'fast-check';

/**
 * A fixed sequence of commands that a model-based rule always runs first, as an example. fast-check cannot
 * shrink an example of `fc.commands` (its sequences shrink only with the context they were generated with),
 * so a failing story would be reported whole, the same steps for any seed. A story knows how to shrink itself:
 * {@link withStory} recognises it and offers shorter stories, so the report shows the shortest one that fails.
 */
export class Story<C> implements Iterable<C> {
  constructor(readonly steps: readonly C[]) {}
  [Symbol.iterator](): Iterator<C> {
    return this.steps[Symbol.iterator]();
  }
  /** Printed like fast-check's own command sequences (`create(…),describe(…)`), for the report's counterexample. */
  toString(): string {
    return this.steps.map(String).join(',');
  }
}

/**
 * Shorter stories, the most removed first, as delta debugging tries them: without each half, each quarter, …,
 * each single step. A step whose precondition no longer holds is skipped by fast-check's model run, so every
 * candidate is a valid sequence.
 */
export function shorterStories<C>(story: Story<C>): Array<Story<C>> {
  const steps = story.steps;
  const shorter: Array<Story<C>> = [];
  const seen = new Set<string>();
  for (let size = Math.ceil(steps.length / 2); steps.length > 0; size = Math.ceil(size / 2)) {
    for (let start = 0; start < steps.length; start += size) {
      const kept = [...steps.slice(0, start), ...steps.slice(start + size)];
      const key = kept.map((c) => steps.indexOf(c)).join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      shorter.push(new Story(kept));
    }
    if (size === 1) break;
  }
  return shorter;
}

/** Generates like `commands`, and also shrinks a {@link Story} given to it as an example. */
class WithStory<C> extends fc.Arbitrary<Iterable<C>> {
  constructor(private readonly commands: fc.Arbitrary<Iterable<C>>) {
    super();
  }
  generate(mrng: fc.Random, biasFactor: number | undefined): fc.Value<Iterable<C>> {
    return this.commands.generate(mrng, biasFactor);
  }
  canShrinkWithoutContext(value: unknown): value is Iterable<C> {
    return value instanceof Story || this.commands.canShrinkWithoutContext(value);
  }
  shrink(value: Iterable<C>, context: unknown): fc.Stream<fc.Value<Iterable<C>>> {
    if (context === undefined && value instanceof Story) {
      return fc.Stream.of(...shorterStories(value as Story<C>).map((s) => new fc.Value<Iterable<C>>(s, undefined)));
    }
    return this.commands.shrink(value, context);
  }
}

/**
 * The arbitrary of a model-based rule whose property also runs a fixed {@link Story} as an example: generated
 * sequences come from `commands` (and shrink as fast-check shrinks them), the story shrinks step by step.
 */
export function withStory<C>(commands: fc.Arbitrary<Iterable<C>>): fc.Arbitrary<Iterable<C>> {
  return new WithStory(commands);
}
