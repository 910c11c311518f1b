import { expect, test } from 'vitest';
import { decidedBy, describeError, inferredCheck, noDecidingAnswer, observe, record, skipBecause } from '../src/conformance/rule-meta.ts';
import { describeEachTarget } from '../src/conformance/session.ts';
import { DISK_ROLES, type Fixtures } from '../src/conformance/target.ts';
import type { Contract, DiskStateVariant, SourceRefs, VendorError } from '../src/spec/spec-types.ts';
import { citeSource, variantLabel } from '../src/spec/vendor-spec.ts';
import { cleanUp, codesOf, describeDisk, expectAccepted, expectRefusedWith, step, timeoutFor } from './support/checks.ts';
import { exclusively } from './support/emulator.ts';

/** What the target file says about the instance of a disk role; the suite cannot read it through the API. */
type InstanceClaim = 'stopped' | 'never started' | 'locked for security';
const INSTANCE_CLAIMS: Partial<Record<keyof Fixtures, InstanceClaim>> = {
  stoppedInstanceDisk: 'stopped', neverStartedInstanceDisk: 'never started', securityLockedInstanceDisk: 'locked for security',
};

/**
 * The roles whose state this rule tests by a create, accepted or refused. The other roles (disks of running
 * instances that other rules snapshot, the quota rule's disk) get a create only when their state forbids one.
 */
const STATE_ROLES: ReadonlyArray<keyof Fixtures> = [
  'unattachedDisk', 'systemDisk', 'noSnapshotAbilityDisk', 'forbiddenStateDisk', 'stoppedInstanceDisk', 'neverStartedInstanceDisk', 'securityLockedInstanceDisk',
];

/** Every fixture disk with the role it plays (`sameInstanceDisks[0]`, `unattachedDisk`, …), each disk once. */
function roles(fixtures: Fixtures | undefined): Array<{ role: string; diskId: string }> {
  if (!fixtures) return [];
  const list = fixtures.sameInstanceDisks.map((diskId, i) => ({ role: `sameInstanceDisks[${i}]`, diskId }));
  for (const role of DISK_ROLES) {
    const diskId = fixtures[role];
    if (diskId) list.push({ role, diskId });
  }
  return list.filter((r, i) => list.findIndex((o) => o.diskId === r.diskId) === i);
}

const either = (errors: VendorError[]) => errors.map((e) => `${describeError(e)}${e.alternatives ? ` (or ${e.alternatives.join(', ')})` : ''}`).join(' or ');

/** What the documents lead the rule to expect of a create on one fixture disk. */
interface Verdict {
  role: string;
  diskId: string;
  /** What DescribeDisks said (and the target file's claim about the instance). */
  facts: Record<string, unknown>;
  /** Refused with one of these; empty: accepted. */
  errors: VendorError[];
  /** A disk state another page allows (Alibaba: Available, if attached once). */
  variant?: DiskStateVariant;
  /** For an acceptance: the pages that allow it, or why it is only inferred (the pages are silent). */
  allowedBy?: SourceRefs[];
  inferredBecause?: string;
}

/** Judges one disk by the contract: its described state and ability, and the instance claim of its role. */
function judge(contract: Contract, role: string, diskId: string, entry: Record<string, unknown>): Verdict {
  const ability = contract['snapshot-ability'];
  const states = contract['allowed-disk-states'];
  const instanceStates = contract['allowed-instance-states'];
  const claim = INSTANCE_CLAIMS[role as keyof Fixtures];
  const facts: Record<string, unknown> = {};
  const errors: VendorError[] = [];
  const allowedBy: SourceRefs[] = [];
  const silentOn: string[] = [];
  if (ability) {
    facts[ability.field] = entry[ability.field];
    if (entry[ability.field] === false || entry[ability.field] === 'false') errors.push(ability.error);
  }
  // A state another page allows (Alibaba's current doc: an Available disk once attached) makes the create
  // one both pages document, each its way, unless the disk is forbidden for another reason too.
  let variant: DiskStateVariant | undefined;
  if (states) {
    const state = entry[states.field];
    facts[states.field] = state;
    if (typeof state === 'string' && !states.values.includes(state)) {
      errors.push(states.error);
      variant = states.variants?.find((v) => v.value.includes(state));
      for (const field of variant?.attachedOnceFields ?? []) facts[field] = entry[field];
    } else if (typeof state === 'string') {
      allowedBy.push(states.source);
    }
  } else {
    silentOn.push('which disk states allow a snapshot');
  }
  if (claim) {
    facts['instance (target file)'] = claim;
    const rule = claim === 'never started' ? contract['instance-never-started'] : claim === 'locked for security' ? contract['instance-security-lock'] : undefined;
    if (rule) errors.push(rule.error);
    else if (claim === 'stopped' && instanceStates) {
      if (instanceStates.values.includes('Stopped')) allowedBy.push(instanceStates.source);
      else errors.push(instanceStates.error);
    } else silentOn.push(`the disks of an instance ${claim}`);
  }
  if (variant && errors.length > 1) variant = undefined;
  const verdict: Verdict = { role, diskId, facts, errors, ...(variant ? { variant } : {}) };
  if (errors.length === 0) {
    if (silentOn.length > 0) verdict.inferredBecause = `the documents say nothing about ${silentOn.join(' or ')}; a create is expected to be accepted`;
    else verdict.allowedBy = allowedBy;
  }
  return verdict;
}

// A create on a disk whose state the documents name is accepted or refused as they say. For every fixture
// role the disk is read through the vendor's DescribeDisks (snapshot ability, disk state) and its instance is
// taken as the target file names it (stopped, never started, locked for security: no seed page's API tells);
// each role of STATE_ROLES gets a create that must be accepted (documented states; an inferred expectation where
// the pages are silent) or refused with the rule's documented error, and any other role a create only where
// its state forbids one. What was accepted is deleted again.
describeEachTarget((target, session) => {
  test('should accept or refuse a snapshot of each fixture disk as the documents say of its state, its snapshot ability and its instance', async (context) => {
    const { task } = context;
    const { spec, adapter, client } = session;
    const { contract } = spec;
    const ability = contract['snapshot-ability'];
    const states = contract['allowed-disk-states'];
    const instanceRules = [contract['allowed-instance-states'], contract['instance-never-started'], contract['instance-security-lock']].filter((r) => r !== undefined);
    const sources = [ability?.source, states?.source, ...instanceRules.map((r) => r.source)].filter((s) => s !== undefined).flat();
    const inferred = [ability, states, ...instanceRules].some((r) => r && (r.inferred || r.error?.inferred));
    record(task, {
      ruleId: 'snapshot.create.disk-state',
      caseId: 'createSnapshot',
      vendor: target.vendor,
      target: target.name,
      expectation: ability || states || instanceRules.length > 0
        ? {
            text: [
              ability ? `a disk whose ${ability.field} is false is refused with ${either([ability.error])}` : undefined,
              states ? `a disk whose ${states.field} is not ${states.values.join(' or ')} is refused with ${either([states.error])}${(states.variants ?? []).map((v) => ` (${citeSource(v.source)}: ${v.value.join(' or ')} allowed${v.attachedOnceFields ? ' for a disk attached once' : ''})`).join('')}` : undefined,
              contract['allowed-instance-states'] ? `a disk of an instance that is not ${contract['allowed-instance-states'].values.join(' or ')} is refused with ${either([contract['allowed-instance-states'].error])}` : undefined,
              contract['instance-never-started'] ? `a disk of an instance never started is refused with ${either([contract['instance-never-started'].error])}` : undefined,
              contract['instance-security-lock'] ? `a disk of an instance locked for security is refused with ${either([contract['instance-security-lock'].error])}` : undefined,
              'a disk in a state the documents allow is snapshotted',
            ].filter(Boolean).join('; '),
            source: sources.length > 0 ? sources : undefined,
            inferred,
          }
        : { text: 'no disk state, snapshot ability or instance state rule is documented' },
    });
    const create = adapter?.canonical.createSnapshot;
    const reason = session.unavailable
      ?? (!ability && !states && instanceRules.length === 0 ? `the ${target.vendor} spec documents neither disk or instance states nor a snapshot ability field` : undefined)
      ?? (!create ? 'the adapter binds no createSnapshot' : undefined)
      ?? (!spec.forCanonical('describeDisks') ? 'the spec has no DescribeDisks to read the disks\' states from' : undefined)
      ?? session.readOnly;
    if (reason || !create || !client) skipBecause(context, reason ?? 'not applicable');
    const all = roles(target.fixtures);
    if (all.length === 0) skipBecause(context, 'the target lists no fixture disks');

    // Judge every role by what DescribeDisks says about its disk.
    const verdicts: Verdict[] = [];
    const notes: string[] = [];
    for (const { role, diskId } of all) {
      const { entry } = await describeDisk(session, target, diskId);
      if (!entry) {
        notes.push(`${role} ${diskId}: not described`);
        continue;
      }
      const verdict = judge(contract, role, diskId, entry);
      const tested = verdict.errors.length > 0 || STATE_ROLES.includes(role as keyof Fixtures);
      notes.push(`${role} ${diskId}: ${Object.entries(verdict.facts).map(([k, v]) => `${k}=${String(v)}`).join(', ')}${verdict.errors.length > 0 ? (verdict.variant ? ' (forbidden by one page, allowed by another)' : ' (forbidden)') : tested ? (verdict.inferredBecause ? ' (allowed: inferred)' : ' (allowed)') : ''}`);
      if (tested) verdicts.push(verdict);
    }
    // Documented expectations first: an inferred one that fails ends the case as `undocumented`, and must not
    // hide a documented deviation on a later disk.
    verdicts.sort((a, b) => Number(Boolean(a.inferredBecause || a.variant)) - Number(Boolean(b.inferredBecause || b.variant)));
    if (verdicts.length === 0) skipBecause(context, `no fixture disk plays a role whose state the rule tests (${notes.join('; ')}); name them in the target file's fixtures (README, "Fixture roles")`);

    const action = spec.forCanonical('createSnapshot')!.action;
    const seen: string[] = [];
    const outcomes: string[] = [];
    await exclusively(target, async () => {
      for (const { role, diskId, facts, errors, variant, inferredBecause } of verdicts) {
        const described = Object.entries(facts).map(([k, v]) => `${k}=${String(v)}`).join(', ');
        await step(task, `create on the ${role}`, { role, diskId, ...facts, expected: errors.length > 0 ? errors.flatMap(codesOf) : 'accepted' }, async () => {
          const result = await client.call(action, create.params({ diskId, name: session.name('disk-state') }));
          observe(task, result);
          outcomes.push(`${role} ${result.ok ? 'accepted' : `refused with ${result.error?.code}`}`);
          decidedBy(task, undefined, { [role]: result.ok ? 'accepted' : `${result.error?.code ?? 'refused'} (HTTP ${result.httpStatus})` });
          const id = result.ok ? create.snapshotId(result) : undefined;
          try {
            if (errors.length === 0) {
              const check = () => expectAccepted(result, `a create on the ${role} (${described})`);
              if (inferredBecause) await inferredCheck(task, inferredBecause, check);
              else check();
              return;
            }
            if (variant && states && result.ok) {
              seen.push(variantLabel(`${role} accepted (${states.field} ${variant.value.join(' or ')})`, variant));
              record(task, { variantSeen: seen.join('; ') });
              // The page allows the state only for a disk attached once, which no documented field tells.
              const attached = variant.attachedOnceFields;
              if (attached) {
                await inferredCheck(task, `${variant.note ?? 'the page allows this state only for a disk attached once'} (${citeSource(variant.source)})`, () => {
                  expect(attached.some((f) => facts[f] !== undefined && facts[f] !== null && facts[f] !== ''), `the ${role} was accepted in ${states.field} ${String(facts[states.field])}, and DescribeDisks shows no sign it was ever attached (${attached.join(', ')} empty)`).toBe(true);
                });
              }
              return;
            }
            await expectRefusedWith(task, result, errors, `a create on the ${role} (${described})`);
            if (variant && states) {
              seen.push(variantLabel(`${role} refused (${states.field} ${states.values.join(' or ')})`, states));
              record(task, { variantSeen: seen.join('; ') });
            }
          } finally {
            if (id) await cleanUp(session, target, [id]);
          }
        });
      }
    });
    // Each role's answer is in valuesSeen; the last disk's answer alone would not stand for the rule.
    record(task, { observed: `as documented: ${outcomes.join(', ')}; judged ${notes.join('; ')}` });
    noDecidingAnswer(task);
  }, timeoutFor(target));
});
