import type { VendorUnderTest } from './workload.ts';

/**
 * A deviation planted in the emulators for the shrinking figure: which rule should catch it, how big its
 * counterexample is, and how big the smallest possible counterexample is (from the spec).
 */
export interface PlantedDeviation {
  /** Figure id part, e.g. `quota`. */
  key: string;
  title: string;
  /** The emulator deviation id (src/emulator/deviations/catalogue.ts). */
  deviation: string;
  /** Whether a result of the report is the rule made to catch it (rule id and case). */
  catches(result: { ruleId: string; caseId: string }, subject: VendorUnderTest): boolean;
  /** The counterexample's size in `unit`, or undefined when its shape is not understood. */
  size(counterexample: unknown, subject: VendorUnderTest): number | undefined;
  /** The smallest counterexample the deviation admits, or undefined when the spec has no such rule. */
  minimal(subject: VendorUnderTest): number | undefined;
  /** How far above `minimal` a counterexample may be and still count as minimal (a clock's granularity). */
  tolerance: number;
  unit: string;
}

const field = (value: unknown, name: string): unknown =>
  value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[name] : undefined;

/** The name parameter of a vendor's CreateSnapshot and its documented maximum length. */
function nameRule(subject: VendorUnderTest): { parameter: string; maxLength: number | undefined } {
  const parameter = subject.canonical.createSnapshot.nameParameter;
  const schema = subject.spec.propertySchema(subject.actions.create, parameter);
  return { parameter, maxLength: schema?.['maxLength'] as number | undefined };
}

/** Minutes short of the documented minimum that the `retention-23h59-accepted` deviation accepts. */
const RETENTION_SHORT_SECONDS = 60;

/** The three deviations of the issue: an over-long name accepted, the quota off by one, 23 h 59 min accepted. */
export const PLANTED: PlantedDeviation[] = [
  {
    key: 'name-too-long',
    title: 'over-long name accepted',
    deviation: 'name-one-too-long-accepted',
    catches: (r, s) => r.ruleId === 'request.invalid-maxLength' && r.caseId === `${s.actions.create}.${nameRule(s).parameter}`,
    size: (c, s) => {
      const name = field(c, nameRule(s).parameter);
      return typeof name === 'string' ? [...name].length : undefined;
    },
    minimal: (s) => {
      const { maxLength } = nameRule(s);
      return maxLength === undefined ? undefined : maxLength + 1;
    },
    tolerance: 0,
    unit: 'chars',
  },
  {
    key: 'quota',
    title: 'quota off by one',
    deviation: 'quota-off-by-one',
    catches: (r) => r.ruleId === 'snapshot.create.quota',
    // The quota rule records the step that deviated with the snapshots already on the disk: that create is onDisk + 1.
    size: (c) => {
      const onDisk = field(c, 'onDisk');
      return typeof onDisk === 'number' ? onDisk + 1 : undefined;
    },
    minimal: (s) => {
      const quota = s.spec.contract['snapshot-quota-per-disk'];
      return quota === undefined ? undefined : quota.value + 1;
    },
    tolerance: 0,
    unit: 'creates',
  },
  {
    key: 'retention-23h59',
    title: '23 h 59 min retention accepted',
    deviation: 'retention-23h59-accepted',
    catches: (r) => r.ruleId === 'snapshot.create.retention-minimum',
    size: (c) => {
      const ahead = field(c, 'aheadSeconds');
      return typeof ahead === 'number' ? ahead : undefined;
    },
    // The deviation accepts deadlines from one minute short of the minimum: the smallest such is the largest
    // counterexample a shrinker can stop at, and the only one it should.
    minimal: (s) => {
      const rule = s.spec.contract['minimum-retention'];
      return rule === undefined ? undefined : rule.minSeconds - RETENTION_SHORT_SECONDS;
    },
    // Deadlines are whole seconds counted from the current second, the emulator measures from now in ms: a
    // deadline exactly 23 h 59 min ahead is short by the fraction of the second already gone, and refused.
    tolerance: 1,
    unit: 's ahead',
  },
];
