import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { readYamlFile } from '../spec/yaml-source.ts';
import type { SnapshotBackend } from './backend.ts';
import type { DiskState, Instance } from './model.ts';
import { MAX_DISK_GIB } from './admin-requests.ts';

/**
 * The files of a standalone emulator (`snapconform emulate`): the seed file (YAML, a world to start from)
 * and the state file (JSON, the backends' state across restarts). Vendor-neutral: the vendor ids are keys
 * the caller names, and what an id must look like comes from the caller too.
 */

/** A seed or state file that cannot be used: one line naming the file, the key and what is wrong. */
export class WorldFileError extends Error {
  override readonly name = 'WorldFileError';
}

/** A key pair an emulator accepts, and the account it belongs to. */
export interface SeedAccount {
  id: string;
  secret: string;
  /** The account: key pairs with the same name share one account's resources. */
  name: string;
}

/** An instance as a seed file gives it. */
export interface SeedInstance {
  id: string;
  state: Instance['state'];
  neverStarted?: boolean;
  securityLocked?: boolean;
  /** Absent: the caller's default zone. */
  zone?: string;
}

/** A disk as a seed file gives it; absent optional fields take the caller's or the backend's defaults. */
export interface SeedDisk {
  id: string;
  name?: string;
  instanceId?: string;
  usage: 'system' | 'data';
  state: DiskState;
  snapshotAbility: boolean;
  sizeGiB: number;
  type?: string;
  encrypted: boolean;
  zone?: string;
}

/** One vendor's part of a seed file. */
export interface VendorWorld {
  /** The region the world lives in (and the SDK snippets name). Absent: the caller's default. */
  region?: string;
  /** Absent: the caller's default credentials. */
  accounts?: SeedAccount[];
  instances: SeedInstance[];
  disks: SeedDisk[];
}

/** A seed file, read and checked. */
export interface WorldFile {
  file: string;
  /** By vendor id, in the file's order. */
  vendors: Record<string, VendorWorld>;
}

/** What the seed file's ids must look like, per vendor (from the spec's `x-contract` id-patterns). */
export type IdPatterns = (vendor: string) => { disk?: RegExp; instance?: RegExp } | undefined;

const INSTANCE_STATES: ReadonlyArray<Instance['state']> = ['running', 'stopped', 'starting', 'stopping'];
const DISK_STATES: readonly DiskState[] = ['attached', 'unattached', 'attaching', 'detaching', 'creating', 'rollbacking', 'expanding', 'deleting'];

const isMapping = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * Reads a seed file:
 *
 * ```yaml
 * vendors:
 *   <vendor>:
 *     region: …                      # optional
 *     accounts: [{ id, secret, name }] # optional
 *     instances: [{ id, state?, zone?, neverStarted?, securityLocked? }]
 *     disks: [{ id, instanceId?, usage?, state?, snapshotAbility?, sizeGiB?, type?, encrypted?, name?, zone? }]
 * ```
 *
 * Every account (by name) gets its own copy of its vendor's world. See `examples/world.yaml`.
 * @throws {@link WorldFileError} `file: key: what is wrong`
 */
export function loadWorldFile(file: string, options: { vendors: readonly string[]; idPatterns?: IdPatterns }): WorldFile {
  const bad = (key: string, reason: string): never => {
    throw new WorldFileError(`${file}: ${key}: ${reason}`);
  };
  const read = readYamlFile(file, 'pass an existing seed file with --seed (see examples/world.yaml)');
  if ('problem' in read) return bad('(file)', read.problem);
  const { data } = read;
  if (!isMapping(data)) return bad('(file)', 'must be a mapping with a vendors key (see examples/world.yaml)');
  onlyKeys(data, ['vendors'], '', bad);
  const vendors = data['vendors'];
  if (!isMapping(vendors) || Object.keys(vendors).length === 0) {
    return bad('vendors', `must map one or more of ${options.vendors.join(', ')} to a world`);
  }
  const result: WorldFile = { file, vendors: {} };
  for (const [vendor, raw] of Object.entries(vendors)) {
    const at = `vendors.${vendor}`;
    if (!options.vendors.includes(vendor)) bad(at, `unknown vendor; known: ${options.vendors.join(', ')}`);
    result.vendors[vendor] = vendorWorld(raw, at, options.idPatterns?.(vendor) ?? {}, bad);
  }
  return result;
}

type Bad = (key: string, reason: string) => never;

function onlyKeys(value: Record<string, unknown>, known: string[], at: string, bad: Bad): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) bad(at ? `${at}.${key}` : key, `unknown key; known: ${known.join(', ')}`);
  }
}

/** An id: a string (numeric ids quoted, so YAML keeps every digit) matching the vendor's shape. */
function id(value: unknown, at: string, pattern: RegExp | undefined, bad: Bad): string {
  if (typeof value === 'number' || typeof value === 'bigint') return bad(at, `must be a string; quote numeric ids ('${String(value)}') so YAML keeps every digit`);
  if (typeof value !== 'string' || value === '' || /\s/.test(value)) return bad(at, 'must be a non-empty string without spaces');
  if (pattern && !pattern.test(value)) return bad(at, `'${value}' does not match this vendor's id shape ${pattern.source}`);
  return value;
}

function text(value: unknown, at: string, bad: Bad): string {
  if (typeof value !== 'string' || value === '') return bad(at, 'must be a non-empty string');
  return value;
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], at: string, bad: Bad): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) return bad(at, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

function bool(value: unknown, at: string, bad: Bad): boolean {
  if (typeof value !== 'boolean') return bad(at, 'must be true or false');
  return value;
}

function list(value: unknown, at: string, bad: Bad): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return bad(at, 'must be a list');
  return value;
}

function vendorWorld(raw: unknown, at: string, patterns: { disk?: RegExp; instance?: RegExp }, bad: Bad): VendorWorld {
  if (raw === null || raw === undefined) return { instances: [], disks: [] };
  if (!isMapping(raw)) return bad(at, 'must be a mapping with region, accounts, instances, disks');
  onlyKeys(raw, ['region', 'accounts', 'instances', 'disks'], at, bad);
  const world: VendorWorld = { instances: [], disks: [] };
  if (raw['region'] !== undefined) {
    const region = text(raw['region'], `${at}.region`, bad);
    if (!/^[a-z0-9][a-z0-9-]*$/.test(region)) bad(`${at}.region`, `'${region}' is not a region name such as ap-guangzhou`);
    world.region = region;
  }

  if (raw['accounts'] !== undefined) {
    const accounts = list(raw['accounts'], `${at}.accounts`, bad);
    if (accounts.length === 0) bad(`${at}.accounts`, 'must list at least one account, or be left out for the default credentials');
    const ids = new Set<string>();
    world.accounts = accounts.map((entry, i) => {
      const where = `${at}.accounts[${i}]`;
      if (!isMapping(entry)) return bad(where, 'must be a mapping with id, secret, name');
      onlyKeys(entry, ['id', 'secret', 'name'], where, bad);
      const keyId = id(entry['id'], `${where}.id`, undefined, bad);
      if (ids.has(keyId)) bad(`${where}.id`, `'${keyId}' is listed twice`);
      ids.add(keyId);
      const secret = text(entry['secret'], `${where}.secret`, bad);
      const name = entry['name'] === undefined ? keyId : text(entry['name'], `${where}.name`, bad);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name)) bad(`${where}.name`, 'must be letters, digits, dots, dashes, underscores');
      return { id: keyId, secret, name };
    });
  }

  const instanceIds = new Set<string>();
  world.instances = list(raw['instances'], `${at}.instances`, bad).map((entry, i) => {
    const where = `${at}.instances[${i}]`;
    if (!isMapping(entry)) return bad(where, 'must be a mapping with id, state, zone');
    onlyKeys(entry, ['id', 'state', 'zone', 'neverStarted', 'securityLocked'], where, bad);
    const instanceId = id(entry['id'], `${where}.id`, patterns.instance, bad);
    if (instanceIds.has(instanceId)) bad(`${where}.id`, `'${instanceId}' is listed twice`);
    instanceIds.add(instanceId);
    const instance: SeedInstance = { id: instanceId, state: entry['state'] === undefined ? 'running' : oneOf(entry['state'], INSTANCE_STATES, `${where}.state`, bad) };
    if (entry['zone'] !== undefined) instance.zone = text(entry['zone'], `${where}.zone`, bad);
    for (const flag of ['neverStarted', 'securityLocked'] as const) {
      if (entry[flag] !== undefined && bool(entry[flag], `${where}.${flag}`, bad)) instance[flag] = true;
    }
    return instance;
  });

  const diskIds = new Set<string>();
  const systemDisks = new Map<string, string>();
  world.disks = list(raw['disks'], `${at}.disks`, bad).map((entry, i) => {
    const where = `${at}.disks[${i}]`;
    if (!isMapping(entry)) return bad(where, 'must be a mapping with id, instanceId, usage, state, …');
    onlyKeys(entry, ['id', 'name', 'instanceId', 'usage', 'state', 'snapshotAbility', 'sizeGiB', 'type', 'encrypted', 'zone'], where, bad);
    const diskId = id(entry['id'], `${where}.id`, patterns.disk, bad);
    if (diskIds.has(diskId)) bad(`${where}.id`, `'${diskId}' is listed twice`);
    diskIds.add(diskId);
    let instanceId: string | undefined;
    if (entry['instanceId'] !== undefined && entry['instanceId'] !== null) {
      instanceId = id(entry['instanceId'], `${where}.instanceId`, undefined, bad);
      if (!instanceIds.has(instanceId)) bad(`${where}.instanceId`, `'${instanceId}' is not one of this vendor's instances`);
    }
    const usage = entry['usage'] === undefined ? 'data' : oneOf(entry['usage'], ['system', 'data'] as const, `${where}.usage`, bad);
    const state = entry['state'] === undefined ? (instanceId ? 'attached' : 'unattached') : oneOf(entry['state'], DISK_STATES, `${where}.state`, bad);
    if (state === 'attached' && !instanceId) bad(`${where}.state`, 'an attached disk needs an instanceId');
    if (state === 'unattached' && instanceId) bad(`${where}.state`, `an unattached disk has no instanceId (this one names ${instanceId})`);
    if (usage === 'system') {
      if (!instanceId) bad(`${where}.usage`, 'a system disk needs an instanceId');
      const earlier = systemDisks.get(instanceId!);
      if (earlier) bad(`${where}.usage`, `instance ${instanceId!} already has the system disk ${earlier}`);
      systemDisks.set(instanceId!, diskId);
    }
    let sizeGiB = 50;
    if (entry['sizeGiB'] !== undefined) {
      const size = entry['sizeGiB'];
      // The admin API's bound (src/emulator/admin-requests.ts), which the world is seeded through.
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_DISK_GIB) bad(`${where}.sizeGiB`, `must be a whole number of GiB, 1 to ${MAX_DISK_GIB}`);
      sizeGiB = size as number;
    }
    const disk: SeedDisk = {
      id: diskId, usage, state, sizeGiB,
      snapshotAbility: entry['snapshotAbility'] === undefined ? true : bool(entry['snapshotAbility'], `${where}.snapshotAbility`, bad),
      encrypted: entry['encrypted'] === undefined ? false : bool(entry['encrypted'], `${where}.encrypted`, bad),
    };
    if (instanceId) disk.instanceId = instanceId;
    if (entry['name'] !== undefined) disk.name = text(entry['name'], `${where}.name`, bad);
    if (entry['type'] !== undefined) disk.type = text(entry['type'], `${where}.type`, bad);
    if (entry['zone'] !== undefined) disk.zone = text(entry['zone'], `${where}.zone`, bad);
    return disk;
  });
  return world;
}

// ── State file ────────────────────────────────────────────────────────────────────────────────────────

/** One backend's state, as {@link SnapshotBackend.exportState} gives it. */
export type BackendState = ReturnType<SnapshotBackend['exportState']>;

/** The marker of a state file, so that another JSON file is not mistaken for one. */
export const STATE_FORMAT = 'snapconform-emulator-state';

/** A state file: each vendor's backend state. */
export interface StateFile {
  format: typeof STATE_FORMAT;
  version: 1;
  /** By vendor id. */
  vendors: Record<string, BackendState>;
}

/**
 * Reads a state file; undefined when there is none yet.
 * @throws {@link WorldFileError} when the file exists but is not a state file.
 */
export function readStateFile(file: string): StateFile | undefined {
  const bad = (key: string, reason: string): never => {
    throw new WorldFileError(`${file}: ${key}: ${reason}`);
  };
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    const reason = error instanceof SyntaxError ? `not valid JSON: ${error.message}` : `cannot be read: ${(error as Error).message}`;
    return bad('(file)', `${reason}; delete it to start from the seed again`);
  }
  if (!isMapping(data) || data['format'] !== STATE_FORMAT) return bad('format', `must be '${STATE_FORMAT}': this is not a snapconform emulator state file`);
  if (data['version'] !== 1) bad('version', `must be 1 (this snapconform writes version 1), got ${JSON.stringify(data['version'])}`);
  const vendors = data['vendors'];
  if (!isMapping(vendors)) return bad('vendors', 'must map vendor ids to backend states');
  for (const [vendor, state] of Object.entries(vendors)) checkBackendState(state, `vendors.${vendor}`, bad);
  return data as unknown as StateFile;
}

/** Checks the shape {@link SnapshotBackend.importState} relies on: arrays of records with string ids. */
function checkBackendState(state: unknown, at: string, bad: Bad): void {
  if (!isMapping(state)) bad(at, 'must be a mapping with regions and tokens');
  const { regions, tokens } = state as Record<string, unknown>;
  if (!Array.isArray(regions)) bad(`${at}.regions`, 'must be a list');
  if (!Array.isArray(tokens)) bad(`${at}.tokens`, 'must be a list');
  (regions as unknown[]).forEach((region, i) => {
    const where = `${at}.regions[${i}]`;
    if (!isMapping(region)) bad(where, 'must be a mapping');
    const r = region as Record<string, unknown>;
    for (const key of ['account', 'region']) if (typeof r[key] !== 'string') bad(`${where}.${key}`, 'must be a string');
    for (const key of ['instances', 'disks', 'snapshots', 'groups']) {
      const items = r[key];
      if (!Array.isArray(items)) bad(`${where}.${key}`, 'must be a list');
      (items as unknown[]).forEach((item, j) => {
        if (!isMapping(item) || typeof item['id'] !== 'string') bad(`${where}.${key}[${j}].id`, 'must be a string');
      });
    }
  });
  (tokens as unknown[]).forEach((token, i) => {
    const where = `${at}.tokens[${i}]`;
    if (!isMapping(token)) bad(where, 'must be a mapping');
    for (const key of ['account', 'region', 'token', 'fingerprint', 'snapshotId']) {
      if (typeof (token as Record<string, unknown>)[key] !== 'string') bad(`${where}.${key}`, 'must be a string');
    }
  });
}

/**
 * Writes `text` to `file` atomically: into a temporary file beside it, flushed to disk, then renamed over
 * `file`, so a reader (or a crash) sees the old content or the new, never half of it.
 */
export function writeFileAtomic(file: string, text: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, 'w');
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, file);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Serializes a state file (stable: the same state gives the same text). */
export function stateFileText(vendors: Record<string, BackendState>): string {
  const state: StateFile = { format: STATE_FORMAT, version: 1, vendors };
  return `${JSON.stringify(state, null, 2)}\n`;
}

/**
 * Keeps a state file up to date: {@link changed} schedules a write at most every `intervalMs` (changes in
 * between are written together), {@link flush} writes now. A write happens only when the state differs
 * from the last one written.
 */
export class StateFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private written: string | undefined;

  /**
   * @param produce the current state of every vendor
   * @param onError a write scheduled by {@link changed} failed (a flush throws instead)
   */
  constructor(
    readonly file: string,
    private readonly produce: () => Record<string, BackendState>,
    private readonly options: { intervalMs?: number; onError?: (error: Error) => void } = {},
  ) {}

  /** Something may have changed: write within the interval. */
  changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (error) {
        this.options.onError?.(error as Error);
      }
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  /** Writes the state now if it changed since the last write; true when it wrote. */
  flush(): boolean {
    this.cancel();
    const text = stateFileText(this.produce());
    if (text === this.written) return false;
    writeFileAtomic(this.file, text);
    this.written = text;
    return true;
  }

  /** Drops a scheduled write. */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
