/**
 * Deliberate departures from the documents that an emulator can be switched into, so that the test suite
 * can prove each conformance rule notices the deviation it exists for. Off by default; never on in a
 * normal run.
 */
export const DEVIATIONS = {
  'accepts-invalid-enum': 'request validation ignores `enum`: a value outside the documented set is accepted',
  'retention-minimum-not-enforced': 'a retention deadline less than the documented minimum ahead is accepted',
} as const;

/** The id of a known deviation. */
export type DeviationId = keyof typeof DEVIATIONS;

/** The deviations an emulator is running with. */
export class Deviations {
  private readonly active: Set<DeviationId>;

  constructor(ids: Iterable<string> = []) {
    const list = [...ids];
    const unknown = list.filter((id) => !(id in DEVIATIONS));
    if (unknown.length > 0) {
      throw new Error(`unknown deviation '${unknown[0]}'; known: ${Object.keys(DEVIATIONS).join(', ')}`);
    }
    this.active = new Set(list as DeviationId[]);
  }

  has(id: DeviationId): boolean {
    return this.active.has(id);
  }

  list(): DeviationId[] {
    return [...this.active];
  }
}
