/**
 * Deliberate departures from the documents that an emulator can be switched into, so that the test suite
 * can prove each conformance rule notices the deviation it exists for. Off by default; never on in a
 * normal run.
 */
export const DEVIATIONS = {
  'accepts-invalid-enum': 'request validation ignores `enum`: a value outside the documented set is accepted',
  'retention-minimum-not-enforced': 'a retention deadline less than the documented minimum ahead is accepted',
  'quota-off-by-one': 'the per-disk snapshot quota is enforced one snapshot late: quota + 1 snapshots of a disk are accepted',
  'two-in-flight': 'a second snapshot of a disk is accepted while the first is still being created',
  'forbidden-disk-state-accepted': 'a disk in a state the documents forbid, or without snapshot ability, is snapshotted anyway',
  'idempotency-ignored': 'a create that repeats an idempotency token makes a new snapshot instead of answering with the first',
  'group-across-instances': 'a snapshot group of disks that are not all attached to one instance is accepted',
  'member-names-from-one': 'the members of a snapshot group are numbered from one past the documented index base',
  'deadline-never-enforced': 'a snapshot whose retention deadline has passed is kept instead of deleted',
  'retention-23h59-accepted': 'the minimum retention is enforced one minute short: a deadline 23 h 59 min ahead is accepted',
  'retention-24h01-refused': 'the minimum retention is enforced one minute long: a deadline 24 h 1 min ahead is refused',
  'tags-dropped': 'a snapshot is created without the tags its create request carried',
  'default-name-wrong': 'a snapshot created without a name gets `snapshot` instead of the documented default name',
  // Envelope, auth and protocol (suites/envelope.case.ts, suites/auth.case.ts); each applied in one place of
  // src/emulator/front-end.ts or of a vendor front end's signature check.
  'signature-not-checked': 'any signature is accepted: a request signed with a wrong secret is served',
  'clock-skew-not-enforced': 'a request timestamp outside the documented clock-skew window is accepted',
  'nonce-replay-accepted': 'a signature nonce used before is accepted again (vendors whose nonces are replay protected)',
  'undocumented-error-code': 'a request naming a disk that does not exist is refused with `InternalServerFault`, a code the documents do not list',
  'error-with-wrong-status': 'refusals of the request itself (signature, action, version, parameters) travel with a wrong HTTP status: 400 where the documents say 200, else 400 or 422 instead of the documented one',
  'request-id-missing': 'answers carry no request id',
  'unknown-parameter-accepted': 'a parameter the request schema does not define is ignored instead of refused',
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
