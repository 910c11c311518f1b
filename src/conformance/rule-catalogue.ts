import { RUN_ENV } from './run-env.ts';

/**
 * Every rule of the suite, by id: where it lives and what it checks in a line. The ids are what test files
 * record (`src/conformance/rule-meta.ts`), what `--rules` selects, what the report's matrix rows are and what
 * the detection matrix proves (`src/emulator/deviations.ts`); test/conformance/rule-catalogue.test.ts checks
 * that a run records exactly these.
 */
export const RULES = {
  'request.valid-accepted': { file: 'suites/valid-requests.case.ts', summary: 'a valid request is accepted and answered with the documented schema' },
  'request.invalid-required': { file: 'suites/request-validation.case.ts', summary: 'a request missing a required parameter is refused with the documented error' },
  'request.invalid-type': { file: 'suites/request-validation.case.ts', summary: 'a parameter of the wrong type is refused with the documented error' },
  'request.invalid-minLength': { file: 'suites/request-validation.case.ts', summary: 'a string shorter than documented is refused' },
  'request.invalid-maxLength': { file: 'suites/request-validation.case.ts', summary: 'a string longer than documented is refused' },
  'request.invalid-pattern': { file: 'suites/request-validation.case.ts', summary: 'a string outside the documented pattern is refused' },
  'request.invalid-format': { file: 'suites/request-validation.case.ts', summary: 'a value outside the documented format (date-time, …) is refused' },
  'request.invalid-enum': { file: 'suites/request-validation.case.ts', summary: 'a value outside the documented set is refused' },
  'request.invalid-minimum': { file: 'suites/request-validation.case.ts', summary: 'a number below the documented minimum is refused' },
  'request.invalid-maximum': { file: 'suites/request-validation.case.ts', summary: 'a number above the documented maximum is refused' },
  'request.invalid-maxItems': { file: 'suites/request-validation.case.ts', summary: 'a list longer than documented is refused' },
  'request.invalid-additionalProperties': { file: 'suites/request-validation.case.ts', summary: 'a nested field the schema does not define is refused' },
  'request.invalid-x-forbidden-prefixes': { file: 'suites/request-validation.case.ts', summary: 'a string with a documented forbidden prefix is refused' },
  'request.invalid-x-unique-by': { file: 'suites/request-validation.case.ts', summary: 'a list whose items share a field the documents say must differ (two tags with one key) is refused' },
  'request.invalid-x-excludes': { file: 'suites/request-validation.case.ts', summary: 'parameters the documents say cannot be used together are refused together' },
  'envelope.request-id': { file: 'suites/envelope.case.ts', summary: 'every answer carries a well-formed request id' },
  'envelope.documented-error-code': { file: 'suites/envelope.case.ts', summary: 'every error code is one the documents list' },
  'envelope.error-status': { file: 'suites/envelope.case.ts', summary: 'every error travels with its documented HTTP status' },
  'envelope.content-type': { file: 'suites/envelope.case.ts', summary: 'answers carry the documented content type' },
  'auth.wrong-signature': { file: 'suites/auth.case.ts', summary: 'a wrong signature is refused' },
  'auth.unknown-key': { file: 'suites/auth.case.ts', summary: 'an unknown access key is refused' },
  'auth.expired-timestamp': { file: 'suites/auth.case.ts', summary: 'a timestamp outside the clock-skew window is refused' },
  'auth.replayed-nonce': { file: 'suites/auth.case.ts', summary: 'a replayed signature nonce is refused' },
  'protocol.unknown-action': { file: 'suites/auth.case.ts', summary: 'an unknown action is refused' },
  'protocol.unknown-version': { file: 'suites/auth.case.ts', summary: 'an unknown API version is refused' },
  'protocol.unknown-parameter': { file: 'suites/auth.case.ts', summary: 'an unknown parameter is refused' },
  'snapshot.create.roundtrip': { file: 'properties/create-snapshot-roundtrip.prop.ts', summary: 'a created snapshot is described with its id shape, name or default, and tags' },
  'snapshot.create.quota': { file: 'properties/create-quota.prop.ts', summary: 'creates stop at the per-disk quota with the documented error' },
  'snapshot.create.one-in-flight': { file: 'properties/create-one-in-flight.prop.ts', summary: 'a second create while one is in flight is refused' },
  'snapshot.create.disk-state': { file: 'properties/create-disk-state.prop.ts', summary: 'creates on disks in forbidden states are refused' },
  'snapshot.create.resource-group': { file: 'properties/create-resource-group.prop.ts', summary: 'a create naming a resource group the account does not have is refused with the documented error' },
  'snapshot.create.idempotency': { file: 'properties/create-idempotency.prop.ts', summary: 'a repeated idempotency token answers with the first snapshot' },
  'snapshot.create.retention-minimum': { file: 'properties/retention-window.prop.ts', summary: 'a retention deadline sooner than the documented minimum is refused' },
  'snapshot.retention.auto-delete': { file: 'properties/retention-auto-delete.prop.ts', summary: 'a snapshot is deleted once its retention deadline passes' },
  'snapshot.delete.takes-effect': { file: 'properties/delete-takes-effect.prop.ts', summary: 'a snapshot whose delete was accepted is described as gone or being deleted' },
  'snapshot.group.same-instance': { file: 'properties/group-same-instance.prop.ts', summary: 'a snapshot group is created iff its disks share an instance, members named as documented' },
  'snapshot.lifecycle.completes': { file: 'properties/snapshot-completes.prop.ts', summary: 'a created snapshot reaches the documented completed state within the target\'s readiness timeout' },
  'snapshot.lifecycle.model': { file: 'properties/snapshot-lifecycle.prop.ts', summary: 'random create/describe/delete/advance-clock sequences agree with a model of the documents (no clock steps on a real endpoint)' },
  // Under --driver only: they judge the SDK (src/drivers/); test/drivers/ proves them with broken SDK builds.
  'sdk.request-conformance': { file: 'suites/sdk-driver.case.ts', summary: 'the SDK sends what the documents require, with every parameter it was given', driverOnly: true },
  'sdk.error-surfacing': { file: 'suites/sdk-driver.case.ts', summary: 'the SDK surfaces a documented error with its code and request id', driverOnly: true },
} as const satisfies Record<string, { file: string; summary: string; driverOnly?: true }>;

/** The id of a rule of the suite. */
export type RuleId = keyof typeof RULES;

/** The area of a rule (the first segment of its id): request, envelope, auth, protocol, snapshot. */
export function areaOf(ruleId: string): string {
  return ruleId.split('.')[0]!;
}

/** A pattern where `*` matches anything (and nothing else is special), as a whole-string regular expression. */
export function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}

/**
 * The rules a `--rules` value selects: comma-separated patterns, each an id or an id with `*` wildcards
 * (`snapshot.create.*`, `request.invalid-*`). Throws with the patterns that select nothing.
 */
export function selectRules(patterns: string): RuleId[] {
  const list = patterns.split(',').map((p) => p.trim()).filter(Boolean);
  const all = Object.keys(RULES) as RuleId[];
  const unmatched: string[] = [];
  const selected = new Set<RuleId>();
  for (const pattern of list) {
    const regex = wildcard(pattern);
    const matches = all.filter((id) => regex.test(id));
    if (matches.length === 0) unmatched.push(pattern);
    for (const id of matches) selected.add(id);
  }
  if (list.length === 0 || unmatched.length > 0) {
    throw new Error(`--rules ${unmatched.length > 0 ? `'${unmatched.join("', '")}' selects no rule` : 'is empty'}; rules are ${all.join(', ')} (a * matches anything)`);
  }
  return all.filter((id) => selected.has(id));
}

/** Whether a rule runs in this run: all do, unless the CLI passed a selection (`SNAPCONFORM_RULES`). */
export function ruleSelected(ruleId: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const selection = env[RUN_ENV.rules];
  return !selection || selection.split(',').includes(ruleId);
}

/** The rules every run has: all but those that exist only under `--driver`. */
export function everyRunRules(): RuleId[] {
  return (Object.keys(RULES) as RuleId[]).filter((id) => !('driverOnly' in RULES[id]));
}

/** The rule a test file holds, when it holds one (the creating rules each have a file), else the file's name. */
export function ruleOfFile(path: string): string {
  const file = path.replace(/\\/g, '/');
  const held = (Object.entries(RULES) as Array<[RuleId, { file: string }]>).filter(([, r]) => file.endsWith(`/${r.file}`) || file === r.file);
  return held.length === 1 ? held[0]![0] : (held[0]?.[1].file ?? file.split('/').slice(-2).join('/'));
}
