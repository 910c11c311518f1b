import type { DeviationId } from '../emulator/deviations/catalogue.ts';
import { RULES, type RuleId } from '../conformance/rule-catalogue.ts';
import type { VendorId } from '../spec/spec-types.ts';

const ALL: VendorId[] = ['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec'];
const T: VendorId[] = ['tencent-cbs'];
const A: VendorId[] = ['alibaba-ecs'];
const TA: VendorId[] = ['tencent-cbs', 'alibaba-ecs'];
const TZ: VendorId[] = ['tencent-cbs', 'zenlayer-zec'];
const AZ: VendorId[] = ['alibaba-ecs', 'zenlayer-zec'];
const Z: VendorId[] = ['zenlayer-zec'];

/** What the suite must find when an emulator runs with one deviation. */
export interface ExpectedFindings {
  /** Rule → the vendors on which it must fail (where the documents state what the deviation breaks). */
  fails: Partial<Record<RuleId, VendorId[]>>;
  /**
   * Rule → vendors on which it may fail too: a rule that also looks at what the deviation breaks, but only
   * on some generated inputs (the lifecycle model, for instance). Any other failure is unrelated: a finding
   * the deviation does not explain.
   */
  mayFail?: Partial<Record<RuleId, VendorId[]>>;
  /**
   * Rule → the vendors, among those of `fails`, on which what the deviation breaks is an expectation the
   * documents do not state (an inferred code, status, pattern or number; a refusal they are silent on): there
   * the rule reports it as `undocumented`, which counts as caught. Elsewhere only a `fail` does.
   */
  inferred?: Partial<Record<RuleId, VendorId[]>>;
  /** Why the deviation is not caught on a vendor it could apply to, where that is so. */
  notApplicable?: string;
  /**
   * Errors the deviation explains, by message: a snapshot that never finishes blocks its disk, so the rules
   * that would create on it next end with an error naming it (by design: the finding is the lifecycle rule's).
   */
  explainsErrors?: RegExp;
  /**
   * The `--rules` of the run, where the areas of `fails` and `mayFail` would make it needlessly long (every
   * rule that creates waits out a readiness timeout on a stuck snapshot).
   */
  focus?: string;
  /**
   * Rule → why it cannot notice the deviation through a URL target although it runs there (the part of the
   * rule that would see it needs the emulator's clock): the URL-target matrix does not require it.
   */
  notOnUrl?: Partial<Record<RuleId, string>>;
  /**
   * How long the standalone emulators of the URL-target matrix take to create a snapshot for this deviation,
   * where the default second is too short to tell: a rule that must create again while the first is still in
   * flight sees it finished on a loaded machine, and is inconclusive instead of catching the deviation.
   */
  urlCreationMs?: number;
}

/** Long enough for a second create to arrive while the first is in flight, however loaded the machine. */
const IN_FLIGHT_CREATION_MS = 5000;

/** The lifecycle model on a real endpoint has no clock steps: retention deadlines are `obligations check`'s. */
const NO_CLOCK_ON_URL = { 'snapshot.lifecycle.model': 'on a real endpoint the lifecycle model has no clock steps: retention deadlines are checked by `obligations check`' } as const;

const lifecycle = (vendors: VendorId[]) => ({ 'snapshot.lifecycle.model': vendors });

/**
 * The detection matrix's expectations: for every deviation of the catalogue, the rules that must catch it,
 * on which vendors. test/detection/kill-matrix.test.ts runs each and compares; a vendor missing from a rule's
 * list is one whose documents say nothing the deviation breaks (the reason is given where it is not obvious).
 */
export const EXPECTED_FINDINGS: Record<DeviationId, ExpectedFindings> = {
  'accepts-invalid-enum': { fails: { 'request.invalid-enum': ALL } },
  'name-one-too-long-accepted': { fails: { 'request.invalid-maxLength': A }, notApplicable: 'only Alibaba documents a maximum length for a string parameter' },
  'max-length-name-refused': { fails: { 'snapshot.create.roundtrip': A }, notApplicable: 'only Alibaba documents a maximum length for the snapshot name' },
  'min-length-not-enforced': { fails: { 'request.invalid-minLength': A }, notApplicable: 'only Alibaba documents a minimum length' },
  'pattern-not-enforced': { fails: { 'request.invalid-pattern': ALL } },
  'type-not-checked': { fails: { 'request.invalid-type': ALL } },
  'minimum-not-enforced': { fails: { 'request.invalid-minimum': A }, notApplicable: 'only Alibaba documents a minimum for a number' },
  'maximum-not-enforced': { fails: { 'request.invalid-maximum': ALL } },
  'max-items-not-enforced': { fails: { 'request.invalid-maxItems': AZ }, notApplicable: 'Tencent documents no maximum list length' },
  'space-separated-datetime-accepted': { fails: { 'request.invalid-format': T }, notApplicable: 'Alibaba has no date-time parameter (RetentionDays counts days); Zenlayer\'s pattern for retentionTime refuses the space-separated form by itself' },
  'forbidden-prefix-accepted': { fails: { 'request.invalid-x-forbidden-prefixes': A }, notApplicable: 'only Alibaba documents forbidden prefixes' },
  'unknown-resource-group-accepted': { fails: { 'snapshot.create.resource-group': A }, notApplicable: 'only Alibaba documents resource groups' },
  'duplicate-tag-keys-accepted': { fails: { 'request.invalid-x-unique-by': A }, notApplicable: 'only Alibaba documents a refusal of two tags with one key' },
  'exclusive-parameters-accepted': { fails: { 'request.invalid-x-excludes': A }, notApplicable: 'only Alibaba documents parameters that cannot be used together' },
  'nested-unknown-field-accepted': {
    fails: { 'request.invalid-additionalProperties': A },
    // Alibaba's pages do not say an unknown parameter is refused (x-validation-errors.additionalProperties).
    inferred: { 'request.invalid-additionalProperties': A },
    notApplicable: 'only Alibaba\'s nested objects (Tag) are closed to unknown fields in the documents',
  },
  // Zenlayer's MISSING_PARAMETER is invented (its common error page was not found).
  'required-wrong-code': { fails: { 'request.invalid-required': ALL }, inferred: { 'request.invalid-required': Z } },
  'retention-minimum-not-enforced': { fails: { 'snapshot.create.retention-minimum': TZ }, notApplicable: 'Alibaba documents no minimum retention' },
  'retention-23h59-accepted': { fails: { 'snapshot.create.retention-minimum': TZ }, notApplicable: 'Alibaba documents no minimum retention' },
  // The auto-delete rule creates with a deadline exactly a minute past the documented minimum, which a minimum
  // bent a minute late refuses as soon as the create takes longer than the rounding of its deadline to the
  // second (seen at load 12): a fair catch, not a requirement.
  'retention-24h01-refused': {
    fails: { 'snapshot.create.retention-minimum': TZ }, mayFail: { 'snapshot.retention.auto-delete': TZ }, notApplicable: 'Alibaba documents no minimum retention',
  },
  // Zenlayer's quota of 64 is a placeholder: the number is inferred, the code documented.
  'quota-off-by-one': { fails: { 'snapshot.create.quota': ALL }, inferred: { 'snapshot.create.quota': Z } },
  'quota-one-early': { fails: { 'snapshot.create.quota': ALL }, inferred: { 'snapshot.create.quota': Z } },
  'quota-wrong-code': { fails: { 'snapshot.create.quota': ALL } },
  'two-in-flight': { fails: { 'snapshot.create.one-in-flight': TA }, urlCreationMs: IN_FLIGHT_CREATION_MS, notApplicable: 'Zenlayer documents no limit on snapshots in flight' },
  'one-in-flight-wrong-code': { fails: { 'snapshot.create.one-in-flight': TA }, urlCreationMs: IN_FLIGHT_CREATION_MS, notApplicable: 'Zenlayer documents no limit on snapshots in flight' },
  'snapshot-stuck-creating': {
    // The snapshot never finishing is snapshot.lifecycle.completes' finding. Every other rule that creates on
    // such a disk again stops waiting at the readiness timeout with an error naming the snapshot (the model
    // and the round trip show it: bounded, explained, never a hang or a false deviation).
    fails: { 'snapshot.lifecycle.completes': ALL },
    mayFail: { ...lifecycle(ALL), 'snapshot.create.roundtrip': ALL },
    explainsErrors: /SnapshotNotReadyError|was still \S+ \d+ s after it was created/,
    focus: 'snapshot.lifecycle.*,snapshot.create.roundtrip',
  },
  // Alibaba's current page allows an Available disk once attached; whether it was, only the inferred reading
  // of DescribeDisks' AttachedTime/DetachedTime tells.
  'forbidden-disk-state-accepted': { fails: { 'snapshot.create.disk-state': ALL } },
  'stopped-instance-refused': { fails: { 'snapshot.create.disk-state': A }, notApplicable: 'only Alibaba documents which instance states allow a snapshot' },
  'instance-locks-ignored': { fails: { 'snapshot.create.disk-state': A }, notApplicable: 'only Alibaba documents that a never-started or security-locked instance\'s disks cannot be snapshotted' },
  'delete-ignored': { fails: { 'snapshot.delete.takes-effect': ALL, 'snapshot.create.quota': ALL }, mayFail: lifecycle(ALL) },
  'snapshot-ability-ignored': { fails: { 'snapshot.create.disk-state': TZ }, notApplicable: 'Alibaba documents no snapshot ability' },
  'idempotency-ignored': { fails: { 'snapshot.create.idempotency': A }, notApplicable: 'only Alibaba documents an idempotency token' },
  'idempotency-mismatch-ignored': { fails: { 'snapshot.create.idempotency': A }, notApplicable: 'only Alibaba documents an idempotency token' },
  'group-across-instances': { fails: { 'snapshot.group.same-instance': T }, notApplicable: 'only Tencent documents snapshot groups' },
  'member-names-from-one': { fails: { 'snapshot.group.same-instance': T }, notApplicable: 'only Tencent documents snapshot groups' },
  'member-names-dash': { fails: { 'snapshot.group.same-instance': T }, notApplicable: 'only Tencent documents snapshot groups' },
  'deadline-never-enforced': { fails: { 'snapshot.retention.auto-delete': ALL, ...lifecycle(ALL) }, notOnUrl: NO_CLOCK_ON_URL },
  'deadline-china-time': { fails: { 'snapshot.retention.auto-delete': TZ, ...lifecycle(TZ) }, notOnUrl: NO_CLOCK_ON_URL, notApplicable: 'Alibaba\'s RetentionDays counts whole days: eight hours early lies within the day the documents leave open' },
  'tags-dropped': { fails: { 'snapshot.create.roundtrip': TA, ...lifecycle(TA) }, notApplicable: 'Zenlayer snapshots take no tags' },
  'default-name-wrong': { fails: { 'snapshot.create.roundtrip': T, ...lifecycle(T) }, notApplicable: 'only Tencent documents a default name' },
  // Both id patterns are inferred from the documents' examples.
  'snapshot-id-malformed': { fails: { 'snapshot.create.roundtrip': TA }, inferred: { 'snapshot.create.roundtrip': TA }, notApplicable: 'Zenlayer documents no snapshot id pattern' },
  'signature-not-checked': { fails: { 'auth.wrong-signature': ALL } },
  'clock-skew-not-enforced': { fails: { 'auth.expired-timestamp': TA }, notApplicable: 'Zenlayer documents no clock-skew window' },
  'nonce-replay-accepted': { fails: { 'auth.replayed-nonce': A }, notApplicable: 'only Alibaba documents replay protection' },
  'unknown-key-accepted': { fails: { 'auth.unknown-key': ALL } },
  'unknown-action-wrong-code': { fails: { 'protocol.unknown-action': TA }, notApplicable: 'Zenlayer documents its invalid-parameter code for an unknown action' },
  'unknown-version-accepted': { fails: { 'protocol.unknown-version': ALL } },
  'unknown-parameter-accepted': {
    fails: { 'protocol.unknown-parameter': TA, 'request.invalid-additionalProperties': TA },
    // Alibaba's pages do not say an unknown parameter is refused; Tencent's name UnknownParameter.
    inferred: { 'protocol.unknown-parameter': A, 'request.invalid-additionalProperties': A },
    notApplicable: 'Zenlayer\'s request schemas are open',
  },
  'undocumented-error-code': { fails: { 'envelope.documented-error-code': ALL } },
  'error-with-wrong-status': {
    // Every rule that checks the status of a refused request notices it too.
    fails: { 'envelope.error-status': ALL },
    // Zenlayer's statuses for its invented codes are inferred (§B2 says only "4xx" for illegal parameters).
    inferred: { 'envelope.error-status': Z },
    mayFail: Object.fromEntries((Object.keys(RULES) as RuleId[]).filter((id) => /^(request\.invalid|auth|protocol)/.test(id)).map((id) => [id, ALL])),
  },
  'request-id-missing': { fails: { 'envelope.request-id': ALL, 'request.valid-accepted': ALL } },
  // Tencent's and Alibaba's request-id patterns are inferred from examples; Zenlayer's is stated.
  'request-id-malformed': { fails: { 'envelope.request-id': ALL, 'request.valid-accepted': ALL }, inferred: { 'envelope.request-id': TA, 'request.valid-accepted': TA } },
  'wrong-content-type': { fails: { 'envelope.content-type': ALL, 'request.valid-accepted': ALL } },
  // Caught on the cases that ask for XML (the rpc-v2+xml wire of the envelope and valid-request rules).
  'xml-answered-as-json': { fails: { 'envelope.content-type': A, 'request.valid-accepted': A }, notApplicable: 'only Alibaba documents an answer format other than JSON' },
  'describe-omits-field': { fails: { 'request.valid-accepted': ALL } },
};
