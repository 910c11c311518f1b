import { readYamlFile } from '../spec/yaml-source.ts';
import type { VendorId } from '../spec/spec-types.ts';
import { CREDENTIAL_ENV, credentialProblem, credentialsFromEnv, type Credentials } from './credentials.ts';
import { DEFAULT_READINESS_TIMEOUT_SECONDS, DISK_ROLES, type Fixtures } from './target.ts';
import { loadSpec } from '../spec/load-spec.ts';
import { adapterFor, SPEC_FILES } from '../vendors/registry.ts';
import { unknownKeyIn } from './unknown-keys.ts';
import { isDeviationId, type DeviationId } from '../emulator/deviations/catalogue.ts';
import { documentedWires, wireChoiceProblem, type WireChoice } from './wires.ts';

/** A target as written in a target file, before emulators are started and credentials read. */
export interface TargetEntry {
  name: string;
  vendor: VendorId;
  /** `emulator`, or the base URL of a real endpoint. */
  endpoint: string;
  region: string;
  credentials?: Credentials;
  fixtures?: Fixtures;
  /** Requests per second, for every action (caps the documented limit) or per action. */
  rateLimit?: number | Record<string, number>;
  /**
   * Whether the run may create (and delete) resources. @defaultValue true for `endpoint: emulator`, false for
   * a real endpoint: there only read-only rules run until the target (or `--allow-mutations`) says so.
   */
  allowMutations: boolean;
  /** The most snapshots the run may create on this target. @defaultValue unlimited on an emulator, 100 elsewhere */
  maxSnapshots: number;
  /** How long a snapshot may take to finish, in seconds. @defaultValue {@link DEFAULT_READINESS_TIMEOUT_SECONDS} on a real endpoint */
  readinessTimeoutSeconds?: number;
  /** The bound on the end-of-run cleanup (and `sweep`) of this target, in seconds. @defaultValue 600 */
  cleanupDeadlineSeconds?: number;
  /** How long a snapshot is expected to take, for the plan's time estimate, in seconds. @defaultValue 60 on a real endpoint */
  expectedCreationSeconds?: number;
  /**
   * The documented signatures and answer formats the protocol and request rules use (`signatures`, `formats`;
   * src/conformance/wires.ts). @defaultValue every pair the documents allow
   */
  wires?: WireChoice;
  /**
   * Deviations from the documents that this target's embedded emulator makes on purpose (ids of
   * `src/emulator/deviations/catalogue.ts`; `endpoint: emulator` only): a broken service to aim a gate at, or
   * one deviating emulator beside a faithful one in a single report. @defaultValue none
   */
  deviations?: DeviationId[];
}

/** The per-target bounds of an entry, as a {@link TargetInfo} holds them (ms), only those the file sets. */
export function boundsOf(entry: TargetEntry): { readinessTimeoutMs?: number; cleanupDeadlineMs?: number; expectedCreationMs?: number } {
  return {
    ...(entry.expectedCreationSeconds !== undefined ? { expectedCreationMs: entry.expectedCreationSeconds * 1000 } : {}),
    ...(entry.readinessTimeoutSeconds !== undefined ? { readinessTimeoutMs: entry.readinessTimeoutSeconds * 1000 } : {}),
    ...(entry.cleanupDeadlineSeconds !== undefined ? { cleanupDeadlineMs: entry.cleanupDeadlineSeconds * 1000 } : {}),
  };
}

/** A target file that cannot be used: one line naming the file, the key and what is wrong. */
export class TargetFileError extends Error {
  override readonly name = 'TargetFileError';
}

const VENDORS: VendorId[] = ['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec'];

/** Every key a target entry may have: any other is refused (a typo must not run with a default). */
const TARGET_KEYS = [
  'name', 'vendor', 'endpoint', 'region', 'credentials', 'fixtures', 'rateLimit', 'allowMutations', 'maxSnapshots',
  'readinessTimeoutSeconds', 'cleanupDeadlineSeconds', 'expectedCreationSeconds', 'signatures', 'formats', 'deviations',
] as const;

/** The keys of `credentials`: each of id, secret and token given directly or as the variable that holds it. */
const CREDENTIAL_KEYS = ['id', 'secret', 'token', 'idFromEnv', 'secretFromEnv', 'tokenFromEnv'] as const;

/** The keys of `fixtures`: the disk roles of {@link Fixtures}. */
const FIXTURE_KEYS = ['sameInstanceDisks', ...DISK_ROLES] as const;

/** The snapshot budget of a real target that states none. */
export const DEFAULT_MAX_SNAPSHOTS = 100;

/**
 * Reads a target file. Credentials given as `idFromEnv`/`secretFromEnv` are read from the environment
 * here, so that a missing variable is reported before anything is sent.
 * @throws {@link TargetFileError}
 */
export function loadTargetFile(file: string, env: NodeJS.ProcessEnv = process.env, options: { credentials?: 'required' | 'optional' } = {}): TargetEntry[] {
  const bad = (key: string, reason: string): never => {
    throw new TargetFileError(`${file}: ${key}: ${reason}`);
  };
  const read = readYamlFile(file, 'pass an existing target file with --target');
  if ('problem' in read) return bad('(file)', read.problem);
  const { data } = read;
  /** Refuses a key the reader does not know, in one line naming it, where it is, and the nearest known key. */
  const onlyKnownKeys = (mapping: Record<string, unknown>, known: ReadonlyArray<string>, where: string): void => {
    const unknown = unknownKeyIn(mapping, known);
    if (unknown) throw new TargetFileError(`${file}: unknown key \`${unknown.key}\` ${where} — ${unknown.fix}`);
  };
  if (data !== null && typeof data === 'object' && !Array.isArray(data)) onlyKnownKeys(data as Record<string, unknown>, ['targets'], 'at the top level');
  const targets = (data as { targets?: unknown } | null)?.targets;
  if (!Array.isArray(targets) || targets.length === 0) bad('targets', 'must be a non-empty list of targets');
  const names = new Set<string>();
  return (targets as unknown[]).map((raw, i) => {
    const at = `targets[${i}]`;
    if (raw === null || typeof raw !== 'object') bad(at, 'must be a mapping');
    const t = raw as Record<string, unknown>;
    const name = t['name'];
    const inTarget = typeof name === 'string' ? `in target \`${name}\`` : `in ${at}`;
    onlyKnownKeys(t, TARGET_KEYS, inTarget);
    if (typeof name !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(name)) bad(`${at}.name`, 'must be a name of letters, digits, dots, dashes');
    if (names.has(name as string)) bad(`${at}.name`, `'${String(name)}' is used twice`);
    names.add(name as string);
    const vendor = t['vendor'];
    if (!VENDORS.includes(vendor as VendorId)) bad(`${at}.vendor`, `must be one of ${VENDORS.join(', ')}`);
    const endpoint = t['endpoint'];
    if (typeof endpoint !== 'string' || (endpoint !== 'emulator' && !/^https?:\/\/[^/\s]+\/?$/.test(endpoint))) {
      bad(`${at}.endpoint`, "must be 'emulator' or a base URL such as https://cbs.tencentcloudapi.com");
    }
    const region = t['region'];
    if (typeof region !== 'string' || region === '') bad(`${at}.region`, 'must name a region, e.g. ap-guangzhou');
    const allowMutations = t['allowMutations'] ?? endpoint === 'emulator';
    if (typeof allowMutations !== 'boolean') bad(`${at}.allowMutations`, 'must be true or false');
    const maxSnapshots = t['maxSnapshots'] ?? (endpoint === 'emulator' ? Number.MAX_SAFE_INTEGER : DEFAULT_MAX_SNAPSHOTS);
    if (typeof maxSnapshots !== 'number' || !Number.isInteger(maxSnapshots) || maxSnapshots < 0) bad(`${at}.maxSnapshots`, 'must be a whole number of snapshots');
    const entry: TargetEntry = {
      name: name as string, vendor: vendor as VendorId, endpoint: endpoint as string, region: region as string,
      allowMutations: allowMutations as boolean, maxSnapshots: maxSnapshots as number,
    };
    /** A credential as read, refused (by where it came from, never its value) when no request could carry it. */
    const usable = (value: string, from: string): string => {
      const problem = credentialProblem(value);
      return problem ? bad(`${at}.credentials`, `${from} ${problem}`) : value;
    };
    const credentials = t['credentials'] as Record<string, unknown> | undefined;
    if (credentials !== undefined) {
      if (credentials === null || typeof credentials !== 'object' || Array.isArray(credentials)) bad(`${at}.credentials`, 'must be a mapping such as { idFromEnv: …, secretFromEnv: … }');
      onlyKnownKeys(credentials, CREDENTIAL_KEYS, `${inTarget} (credentials)`);
      const read = (key: 'id' | 'secret' | 'token'): string | undefined => {
        const direct = credentials[key];
        if (typeof direct === 'string' && direct !== '') return usable(direct, `credentials.${key}`);
        const variable = credentials[`${key}FromEnv`];
        if (variable === undefined && key === 'token') return undefined;
        if (typeof variable !== 'string') return bad(`${at}.credentials`, `give ${key}FromEnv (an environment variable name)`);
        const value = env[variable];
        if (!value && options.credentials === 'optional') return key === 'token' ? undefined : '';
        if (!value) return key === 'token' ? undefined : bad(`${at}.credentials.${key}FromEnv`, `environment variable ${variable} is not set`);
        return usable(value, `environment variable ${variable}`);
      };
      const token = read('token');
      entry.credentials = { id: read('id')!, secret: read('secret')!, ...(token ? { token } : {}) };
    } else if (endpoint !== 'emulator') {
      const fromEnv = credentialsFromEnv(vendor as VendorId, env);
      // A plan sends nothing to the endpoint: it can be made before the credentials are at hand.
      if (!fromEnv.credentials && options.credentials !== 'optional') {
        bad(`${at}.credentials`, `no credentials for a real endpoint: set ${fromEnv.missing.join(' and ')}, or name other variables with credentials.idFromEnv and secretFromEnv`);
      }
      if (fromEnv.credentials) {
        const names = CREDENTIAL_ENV[vendor as VendorId];
        for (const key of ['id', 'secret', 'token'] as const) {
          const value = fromEnv.credentials[key];
          if (value !== undefined) usable(value, `environment variable ${names[key]}`);
        }
        entry.credentials = fromEnv.credentials;
      }
    }
    const readiness = t['readinessTimeoutSeconds'];
    if (readiness !== undefined) {
      if (typeof readiness !== 'number' || !Number.isFinite(readiness) || readiness <= 0 || readiness > 86_400) bad(`${at}.readinessTimeoutSeconds`, `must be seconds from 1 to 86400 (default ${DEFAULT_READINESS_TIMEOUT_SECONDS}: how long a snapshot may take to finish)`);
      entry.readinessTimeoutSeconds = readiness as number;
    }
    const cleanupDeadline = t['cleanupDeadlineSeconds'];
    if (cleanupDeadline !== undefined) {
      if (typeof cleanupDeadline !== 'number' || !Number.isFinite(cleanupDeadline) || cleanupDeadline <= 0 || cleanupDeadline > 86_400) bad(`${at}.cleanupDeadlineSeconds`, 'must be seconds from 1 to 86400 (default 600: how long the cleanup may wait for snapshots still being created)');
      entry.cleanupDeadlineSeconds = cleanupDeadline as number;
    }
    const expected = t['expectedCreationSeconds'];
    if (expected !== undefined) {
      if (typeof expected !== 'number' || !Number.isFinite(expected) || expected < 0 || expected > 86_400) bad(`${at}.expectedCreationSeconds`, 'must be seconds from 0 to 86400 (how long a snapshot is expected to take, for the plan)');
      entry.expectedCreationSeconds = expected as number;
    }
    const rateLimit = t['rateLimit'];
    if (rateLimit !== undefined) {
      const valid = (n: unknown) => typeof n === 'number' && n > 0 && Number.isFinite(n);
      const perAction = rateLimit !== null && typeof rateLimit === 'object' && !Array.isArray(rateLimit);
      const ok = valid(rateLimit) || (perAction && Object.values(rateLimit).every(valid));
      if (!ok) bad(`${at}.rateLimit`, 'must be requests per second (a positive number) or a map of action to requests per second');
      // A mistyped action would be paced at the documented rate only, the lower limit silently unused.
      if (perAction) onlyKnownKeys(rateLimit as Record<string, unknown>, loadSpec(SPEC_FILES[entry.vendor]).actions.map((a) => a.action), `${inTarget} (rateLimit: actions of ${entry.vendor})`);
      entry.rateLimit = rateLimit as TargetEntry['rateLimit'];
    }
    const fixtures = t['fixtures'] as Record<string, unknown> | undefined;
    if (fixtures !== undefined) {
      if (fixtures === null || typeof fixtures !== 'object' || Array.isArray(fixtures)) bad(`${at}.fixtures`, 'must map fixture roles to disk ids');
      onlyKnownKeys(fixtures, FIXTURE_KEYS, `${inTarget} (fixtures: disk roles)`);
      const disks = fixtures['sameInstanceDisks'];
      if (!Array.isArray(disks) || !disks.every((d) => typeof d === 'string')) bad(`${at}.fixtures.sameInstanceDisks`, 'must be a list of disk ids');
      for (const [role, diskId] of Object.entries(fixtures)) {
        if (role === 'sameInstanceDisks') continue;
        if (typeof diskId !== 'string' || diskId === '') bad(`${at}.fixtures.${role}`, 'must be a disk id');
      }
      entry.fixtures = fixtures as unknown as Fixtures;
    }
    const wires = wireChoiceOf(t, entry.vendor, at, bad);
    if (wires) entry.wires = wires;
    const deviations = t['deviations'];
    if (deviations !== undefined) {
      if (endpoint !== 'emulator') bad(`${at}.deviations`, "only an embedded emulator (endpoint: emulator) can be made to deviate; remove the key");
      if (!Array.isArray(deviations) || !deviations.every((d) => typeof d === 'string')) bad(`${at}.deviations`, 'must be a list of deviation ids, e.g. [quota-off-by-one]');
      const unknown = (deviations as string[]).find((d) => !isDeviationId(d));
      if (unknown !== undefined) bad(`${at}.deviations`, `unknown deviation '${unknown}' (\`snapconform emulate --help\` lists them)`);
      entry.deviations = [...new Set(deviations as DeviationId[])];
    }
    return entry;
  });
}

/**
 * A target's `signatures` and `formats`, checked against what its vendor's spec documents (and its client
 * sends): undefined when it names neither. Only then is the spec read.
 */
function wireChoiceOf(t: Record<string, unknown>, vendor: VendorId, at: string, bad: (key: string, reason: string) => never): WireChoice | undefined {
  const choice = Object.fromEntries((['signatures', 'formats'] as const).filter((key) => t[key] !== undefined).map((key) => [key, t[key]])) as WireChoice;
  if (Object.keys(choice).length === 0) return undefined;
  const spec = loadSpec(SPEC_FILES[vendor]);
  const problem = wireChoiceProblem(documentedWires(spec, adapterFor(vendor)?.signatures), choice, vendor);
  return problem ? bad(`${at}.${problem.key}`, problem.reason) : choice;
}
