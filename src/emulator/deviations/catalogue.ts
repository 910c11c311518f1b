/**
 * Deliberate departures from the documents that an emulator can be switched into, so that the test suite
 * can prove each conformance rule notices the deviation it exists for. Off by default; never on in a
 * normal run.
 */
export const DEVIATIONS = {
  // Request validation (src/emulator/deviations/request-bends.ts).
  'accepts-invalid-enum': 'request validation ignores `enum`: a value outside the documented set is accepted',
  'name-one-too-long-accepted': 'a string one character longer than its documented `maxLength` is accepted',
  'max-length-name-refused': 'a string exactly at its documented `maxLength` (valid) is refused as too long',
  'min-length-not-enforced': 'a string shorter than its documented `minLength` is accepted',
  'pattern-not-enforced': 'a string that does not match its documented `pattern` is accepted',
  'type-not-checked': 'a parameter of the wrong type is not refused for its type (it fails later, or not at all)',
  'minimum-not-enforced': 'a number below its documented `minimum` is accepted',
  'maximum-not-enforced': 'a number above its documented `maximum` is accepted',
  'max-items-not-enforced': 'a list longer than its documented `maxItems` is accepted',
  'space-separated-datetime-accepted': 'a `yyyy-MM-dd HH:mm:ss` time is accepted where the documents require ISO 8601 (`format: date-time`)',
  'forbidden-prefix-accepted': 'a string starting with a documented forbidden prefix (`http://`, `auto`, …) is accepted',
  'unknown-resource-group-accepted': 'a create naming a resource group the account does not have is accepted (Alibaba documents InvalidResourceGroup.NotFound)',
  'duplicate-tag-keys-accepted': 'two tags with one key are accepted (Alibaba documents Duplicate.TagKey)',
  'exclusive-parameters-accepted': 'parameters documented as not to be used together are accepted together (Alibaba: Category and InstantAccess)',
  'nested-unknown-field-accepted': 'a field a nested object of the request schema does not define (`Tags.0.Colour`) is ignored instead of refused',
  'required-wrong-code': 'a request missing a required parameter is refused with the code for a wrong value, not the one the documents give for a missing parameter',
  // Contract (src/emulator/rules.ts, src/emulator/backend.ts).
  'quota-one-early': 'the per-disk snapshot quota is enforced one snapshot early: the create that reaches the quota is refused',
  'quota-wrong-code': 'a create past the per-disk quota is refused with another documented code than the quota one',
  'one-in-flight-wrong-code': 'a second create while one is in flight is refused with another documented code than the in-flight one',
  'snapshot-stuck-creating': 'a snapshot never leaves the creating state',
  'delete-ignored': 'a delete of a snapshot is answered as done, and the snapshot stays as it was',
  'stopped-instance-refused': 'a disk of a Stopped instance is refused, as if the instance\'s state forbade snapshots',
  'instance-locks-ignored': 'the disks of an instance that was never started, or is locked for security, are snapshotted',
  'snapshot-ability-ignored': 'a disk without snapshot ability is snapshotted (disk states are still enforced)',
  'idempotency-mismatch-ignored': 'a create that repeats an idempotency token with other parameters answers with the first snapshot instead of refusing',
  'member-names-dash': 'the members of a snapshot group are named `<group>-<i>` instead of the documented `<group>_<i>`',
  'deadline-china-time': 'a retention deadline is read as China time (UTC+8) whatever its offset: snapshots are deleted eight hours early',
  'snapshot-id-malformed': 'created snapshots get ids that do not match the documented id pattern',
  // Answers (src/emulator/deviations/answer-bends.ts).
  'wrong-content-type': 'answers carry `text/plain` instead of the documented JSON content type',
  'xml-answered-as-json': 'a request that asks for XML answers (a documented answer format) is answered in JSON',
  'request-id-malformed': 'request ids are not in the documented shape (a counter instead of a UUID)',
  'describe-omits-field': 'snapshot descriptions omit their creation time, a field the documented answer requires',
  // Auth and protocol (src/emulator/front-end.ts and the vendor front ends).
  'unknown-key-accepted': 'a request signed by an access key the service does not know is served as the default account',
  'unknown-action-wrong-code': 'an unknown action is refused with the invalid-parameter code instead of the documented unknown-action code',
  'unknown-version-accepted': 'a request naming an API version the service does not have is served',
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

/** Whether `id` names a deviation of the catalogue. */
export function isDeviationId(id: string): id is DeviationId {
  return Object.hasOwn(DEVIATIONS, id);
}

/** The deviations an emulator is running with. */
export class Deviations {
  private readonly active: Set<DeviationId>;

  constructor(ids: Iterable<string> = []) {
    const list = [...ids];
    const unknown = list.find((id) => !isDeviationId(id));
    if (unknown !== undefined) throw new Error(`unknown deviation '${unknown}'; known: ${Object.keys(DEVIATIONS).join(', ')}`);
    this.active = new Set(list as DeviationId[]);
  }

  has(id: DeviationId): boolean {
    return this.active.has(id);
  }

  list(): DeviationId[] {
    return [...this.active];
  }
}
