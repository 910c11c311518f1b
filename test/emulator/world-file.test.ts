import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotBackend } from '../../src/emulator/backend.ts';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import { DomainError } from '../../src/emulator/domain-error.ts';
import { rulesFromContract } from '../../src/emulator/rules.ts';
import {
  loadWorldFile, readStateFile, stateFileText, StateFileWriter, writeFileAtomic, WorldFileError, STATE_FORMAT,
  type IdPatterns,
} from '../../src/emulator/world-file.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

const VENDORS = ['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec'] as const;

/** The id shapes of each vendor's spec, as `snapconform emulate` passes them. */
const idPatterns: IdPatterns = (vendor) => {
  const patterns = loadSpec(SPEC_FILES[vendor as (typeof VENDORS)[number]]).contract['id-patterns'];
  return { disk: patterns?.disk && new RegExp(patterns.disk.pattern, 'u'), instance: patterns?.instance && new RegExp(patterns.instance.pattern, 'u') };
};

const dir = () => mkdtempSync(join(tmpdir(), 'snapconform-world-'));

function seedFile(text: string): string {
  const file = join(dir(), 'world.yaml');
  writeFileSync(file, text);
  return file;
}

/** The one-line error a seed file gets, or undefined when it loads. */
function errorOf(file: string): string | undefined {
  try {
    loadWorldFile(file, { vendors: VENDORS, idPatterns });
    return undefined;
  } catch (error) {
    if (error instanceof WorldFileError) return error.message;
    throw error;
  }
}

describe('loadWorldFile', () => {
  it('reads examples/world.yaml, filling in the documented defaults', () => {
    const world = loadWorldFile('examples/world.yaml', { vendors: VENDORS, idPatterns });
    expect(Object.keys(world.vendors)).toEqual(['tencent-cbs', 'alibaba-ecs', 'zenlayer-zec']);
    const tencent = world.vendors['tencent-cbs']!;
    expect(tencent.region).toBe('ap-guangzhou');
    expect(tencent.accounts).toEqual([
      { id: 'AKIDSEEDEXAMPLE00000000000000000000', secret: 'seed-example-tencent-secret', name: 'ci' },
      { id: 'AKIDSEEDEXAMPLEREADER000000000000000', secret: 'seed-example-tencent-reader', name: 'ci' },
    ]);
    expect(tencent.instances).toEqual([{ id: 'ins-web00001', state: 'running', zone: 'ap-guangzhou-3' }, { id: 'ins-db000001', state: 'stopped' }]);
    expect(tencent.disks.find((d) => d.id === 'disk-dbdat001')).toEqual({
      id: 'disk-dbdat001', instanceId: 'ins-db000001', usage: 'data', state: 'attached', snapshotAbility: true, sizeGiB: 500, encrypted: true,
    });
    expect(tencent.disks.find((d) => d.id === 'disk-spare001')).toMatchObject({ state: 'unattached', usage: 'data', sizeGiB: 100 });
    expect(tencent.disks.find((d) => d.id === 'disk-noabil01')?.snapshotAbility).toBe(false);
    const zenlayer = world.vendors['zenlayer-zec']!;
    expect(zenlayer.region).toBeUndefined();
    expect(zenlayer.disks.map((d) => d.id)).toEqual(['862857204414550690', '862857204414550691', '862857204414550692']);
  });

  it('reads the instance flags neverStarted and securityLocked, which the emulator refuses snapshots for where the documents say so', () => {
    const file = seedFile('vendors:\n  alibaba-ecs:\n    instances:\n      - { id: i-new, state: stopped, neverStarted: true }\n      - { id: i-locked, securityLocked: true }\n      - { id: i-plain, neverStarted: false }\n');
    const { instances } = loadWorldFile(file, { vendors: VENDORS }).vendors['alibaba-ecs']!;
    expect(instances).toEqual([
      { id: 'i-new', state: 'stopped', neverStarted: true }, { id: 'i-locked', state: 'running', securityLocked: true }, { id: 'i-plain', state: 'running' },
    ]);
    const contract = loadSpec(SPEC_FILES['alibaba-ecs']).contract;
    const backend = new SnapshotBackend({ rules: rulesFromContract(contract, () => 'In_use', new Deviations()), ids: { snapshot: () => 's-1', group: () => 'g-1' } });
    const scope = { account: 'a', region: 'cn-hangzhou' };
    backend.seed(scope, { instances, disks: instances.map((i, n) => ({ id: `d-${n}`, instanceId: i.id })) });
    const refusal = (diskId: string) => {
      try {
        backend.createSnapshot(scope, { diskId });
        return 'accepted';
      } catch (error) {
        return (error as DomainError).rule;
      }
    };
    expect([refusal('d-0'), refusal('d-1'), refusal('d-2')]).toEqual(['instance-never-started', 'instance-security-lock', 'accepted']);
  });

  it('accepts a vendor without accounts or resources', () => {
    const file = seedFile('vendors:\n  alibaba-ecs:\n');
    expect(loadWorldFile(file, { vendors: VENDORS }).vendors).toEqual({ 'alibaba-ecs': { instances: [], disks: [] } });
  });

  const tencent = (body: string) => `vendors:\n  tencent-cbs:\n${body.replace(/^/gm, '    ')}\n`;
  const cases: Array<[string, string, string]> = [
    ['a missing vendors key', 'tencent-cbs: {}\n', 'tencent-cbs: unknown key; known: vendors'],
    ['an empty vendors map', 'vendors: {}\n', 'vendors: must map one or more of tencent-cbs, alibaba-ecs, zenlayer-zec to a world'],
    ['an unknown vendor', 'vendors:\n  aws-ebs: {}\n', 'vendors.aws-ebs: unknown vendor; known: tencent-cbs, alibaba-ecs, zenlayer-zec'],
    ['a misspelt key', tencent('disks:\n  - { id: disk-abcdefgh, sizeGB: 10 }'), 'vendors.tencent-cbs.disks[0].sizeGB: unknown key; known: id, name, instanceId, usage, state, snapshotAbility, sizeGiB, type, encrypted, zone'],
    ['a usage outside system|data', tencent('disks:\n  - { id: disk-abcdefgh, usage: root }'), 'vendors.tencent-cbs.disks[0].usage: must be one of system, data'],
    ['an unknown disk state', tencent('disks:\n  - { id: disk-abcdefgh, state: broken }'), 'vendors.tencent-cbs.disks[0].state: must be one of attached, unattached, attaching, detaching, creating, rollbacking, expanding, deleting'],
    ['an unknown instance state', tencent('instances:\n  - { id: ins-abcdefgh, state: paused }'), 'vendors.tencent-cbs.instances[0].state: must be one of running, stopped, starting, stopping'],
    ['an id in another vendor\'s shape', tencent('disks:\n  - { id: d-bp1abc }'), "vendors.tencent-cbs.disks[0].id: 'd-bp1abc' does not match this vendor's id shape ^disk-[0-9a-z]{8}$"],
    ['an unquoted numeric id', 'vendors:\n  zenlayer-zec:\n    disks:\n      - { id: 862857204414550690 }\n', "vendors.zenlayer-zec.disks[0].id: must be a string; quote numeric ids ('862857204414550700') so YAML keeps every digit"],
    ['a disk on an unknown instance', tencent('disks:\n  - { id: disk-abcdefgh, instanceId: ins-nothere1 }'), "vendors.tencent-cbs.disks[0].instanceId: 'ins-nothere1' is not one of this vendor's instances"],
    ['an attached disk without instance', tencent('disks:\n  - { id: disk-abcdefgh, state: attached }'), 'vendors.tencent-cbs.disks[0].state: an attached disk needs an instanceId'],
    ['an unattached disk with an instance', tencent('instances: [{ id: ins-abcdefgh }]\ndisks:\n  - { id: disk-abcdefgh, instanceId: ins-abcdefgh, state: unattached }'), 'vendors.tencent-cbs.disks[0].state: an unattached disk has no instanceId (this one names ins-abcdefgh)'],
    ['a second system disk', tencent('instances: [{ id: ins-abcdefgh }]\ndisks:\n  - { id: disk-abcdefg1, instanceId: ins-abcdefgh, usage: system }\n  - { id: disk-abcdefg2, instanceId: ins-abcdefgh, usage: system }'), 'vendors.tencent-cbs.disks[1].usage: instance ins-abcdefgh already has the system disk disk-abcdefg1'],
    ['a duplicate disk id', tencent('disks:\n  - { id: disk-abcdefgh }\n  - { id: disk-abcdefgh }'), "vendors.tencent-cbs.disks[1].id: 'disk-abcdefgh' is listed twice"],
    ['a size of zero', tencent('disks:\n  - { id: disk-abcdefgh, sizeGiB: 0 }'), 'vendors.tencent-cbs.disks[0].sizeGiB: must be a whole number of GiB, 1 to 65536'],
    ['a size past the largest disk', tencent('disks:\n  - { id: disk-abcdefgh, sizeGiB: 65537 }'), 'vendors.tencent-cbs.disks[0].sizeGiB: must be a whole number of GiB, 1 to 65536'],
    ['a non-boolean flag', tencent('disks:\n  - { id: disk-abcdefgh, encrypted: "yes" }'), 'vendors.tencent-cbs.disks[0].encrypted: must be true or false'],
    ['a non-boolean instance flag', tencent('instances:\n  - { id: ins-abcdefgh, securityLocked: 1 }'), 'vendors.tencent-cbs.instances[0].securityLocked: must be true or false'],
    ['an account without secret', tencent('accounts:\n  - { id: AKIDX, name: ci }'), 'vendors.tencent-cbs.accounts[0].secret: must be a non-empty string'],
    ['an empty account list', tencent('accounts: []'), 'vendors.tencent-cbs.accounts: must list at least one account, or be left out for the default credentials'],
    ['a key pair listed twice', tencent('accounts:\n  - { id: AKIDX, secret: s }\n  - { id: AKIDX, secret: t }'), "vendors.tencent-cbs.accounts[1].id: 'AKIDX' is listed twice"],
    ['a region with spaces', tencent('region: ap guangzhou'), "vendors.tencent-cbs.region: 'ap guangzhou' is not a region name such as ap-guangzhou"],
    ['disks that are not a list', tencent('disks: { id: disk-abcdefgh }'), 'vendors.tencent-cbs.disks: must be a list'],
    ['YAML that does not parse', 'vendors: [\n', 'PREFIX (file): not valid YAML:'],
  ];
  for (const [what, text, expected] of cases) {
    it(`refuses ${what} in one line naming file and key`, () => {
      const file = seedFile(text);
      const message = errorOf(file);
      if (expected.startsWith('PREFIX ')) expect(message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ${expected.slice(7).replace(/[()]/g, '\\$&')}`));
      else expect(message).toBe(`${file}: ${expected}`);
      expect(message).not.toContain('\n');
    });
  }

  it('names a missing file', () => {
    const file = join(dir(), 'nope.yaml');
    expect(errorOf(file)).toBe(`${file}: (file): no such file; pass an existing seed file with --seed (see examples/world.yaml)`);
  });
});

// ── The backend's state ───────────────────────────────────────────────────────────────────────────────

const scope = { account: 'a1', region: 'r1' };
let counter = 0;

function backend(): SnapshotBackend {
  const spec = loadSpec(SPEC_FILES['tencent-cbs']);
  return new SnapshotBackend({
    rules: rulesFromContract(spec.contract, (d) => d.state.toUpperCase(), new Deviations()),
    ids: { snapshot: () => `snap-${String(++counter).padStart(8, '0')}`, group: () => `csnap-${String(++counter).padStart(8, '0')}` },
  });
}

function seeded(): SnapshotBackend {
  const b = backend();
  b.seed(scope, {
    instances: [{ id: 'i1' }, { id: 'i2', state: 'stopped' }],
    disks: [{ id: 'd1', instanceId: 'i1' }, { id: 'd2', instanceId: 'i1', usage: 'system' }, { id: 'd3' }],
  });
  b.seed({ account: 'a2', region: 'r2' }, { disks: [{ id: 'other', sizeGiB: 7 }] });
  return b;
}

describe('SnapshotBackend exportState / importState', () => {
  it('carries instances, disks, snapshots, groups and idempotency tokens across a JSON round trip', () => {
    const first = seeded();
    const plain = first.createSnapshot(scope, { diskId: 'd1', name: 'n1', tags: [{ key: 'k', value: 'v' }], deadline: Date.now() + 2 * 86_400_000 });
    const tokened = first.createSnapshot(scope, { diskId: 'd3', idempotency: { token: 'tok-1', fingerprint: 'fp-1' } });
    const group = first.createSnapshotGroup(scope, { diskIds: ['d1', 'd2'], name: 'g' });
    const exported = first.exportState();
    expect(exported.regions.map((r) => [r.account, r.region])).toEqual([['a1', 'r1'], ['a2', 'r2']]);
    expect(exported.tokens).toEqual([{ account: 'a1', region: 'r1', token: 'tok-1', fingerprint: 'fp-1', snapshotId: tokened.id }]);

    const second = backend();
    second.importState(JSON.parse(JSON.stringify(exported)) as ReturnType<SnapshotBackend['exportState']>);
    expect(second.describeDisks(scope)).toEqual(first.describeDisks(scope));
    expect(second.describeDisks({ account: 'a2', region: 'r2' })).toEqual([expect.objectContaining({ id: 'other', sizeGiB: 7 })]);
    expect(second.describeSnapshots(scope).map((s) => s.id).sort()).toEqual(first.describeSnapshots(scope).map((s) => s.id).sort());
    expect(second.describeSnapshots(scope, { ids: [plain.id] })[0]).toMatchObject({ name: 'n1', tags: [{ key: 'k', value: 'v' }], deadline: plain.deadline, state: 'completed' });
    expect(second.describeSnapshotGroups(scope).map((g) => [g.id, g.snapshotIds])).toEqual([[group.id, group.snapshotIds]]);
    // The token still answers with the first snapshot, and still refuses other parameters.
    expect(second.createSnapshot(scope, { diskId: 'd3', idempotency: { token: 'tok-1', fingerprint: 'fp-1' } }).id).toBe(tokened.id);
    expect(() => second.createSnapshot(scope, { diskId: 'd3', idempotency: { token: 'tok-1', fingerprint: 'other' } })).toThrow(DomainError);
    expect(second.exportState()).toEqual(exported);
  });

  it('exports a copy, and an import replaces whatever was there', () => {
    const b = seeded();
    const exported = b.exportState();
    exported.regions[0]!.disks[0]!.sizeGiB = 999;
    expect(b.describeDisks(scope, ['d1'])[0]!.sizeGiB).toBe(50);
    const target = backend();
    target.seed({ account: 'gone', region: 'r9' }, { disks: [{ id: 'x' }] });
    target.importState(b.exportState());
    expect(target.describeDisks({ account: 'gone', region: 'r9' })).toEqual([]);
    expect(target.describeDisks(scope).map((d) => d.id)).toEqual(['d1', 'd2', 'd3']);
  });

  it('leaves out snapshots whose retention deadline has passed', () => {
    const b = seeded();
    b.clock.freeze();
    const kept = b.createSnapshot(scope, { diskId: 'd1' });
    b.createSnapshot(scope, { diskId: 'd3', deadline: b.clock.now() + 86_400_000 });
    b.clock.advance(86_400_001);
    expect(b.exportState().regions[0]!.snapshots.map((s) => s.id)).toEqual([kept.id]);
  });
});

// ── State files ───────────────────────────────────────────────────────────────────────────────────────

describe('state files', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('reads nothing when there is no state file yet, and reads back what was written', () => {
    const file = join(dir(), 'state.json');
    expect(readStateFile(file)).toBeUndefined();
    const vendors = { 'tencent-cbs': seeded().exportState() };
    writeFileAtomic(file, stateFileText(vendors));
    expect(readStateFile(file)).toEqual({ format: STATE_FORMAT, version: 1, vendors });
  });

  const stateCases: Array<[string, string, string]> = [
    ['text that is not JSON', '{"format": ', '(file): not valid JSON:'],
    ['another JSON file', '{"name": "package"}', `format: must be '${STATE_FORMAT}': this is not a snapconform emulator state file`],
    ['a newer version', `{"format": "${STATE_FORMAT}", "version": 2, "vendors": {}}`, 'version: must be 1 (this snapconform writes version 1), got 2'],
    ['a region without disks', `{"format": "${STATE_FORMAT}", "version": 1, "vendors": {"tencent-cbs": {"regions": [{"account": "a", "region": "r", "instances": [], "snapshots": [], "groups": []}], "tokens": []}}}`, 'vendors.tencent-cbs.regions[0].disks: must be a list'],
    ['a disk without id', `{"format": "${STATE_FORMAT}", "version": 1, "vendors": {"x": {"regions": [{"account": "a", "region": "r", "instances": [], "disks": [{}], "snapshots": [], "groups": []}], "tokens": []}}}`, 'vendors.x.regions[0].disks[0].id: must be a string'],
  ];
  for (const [what, text, expected] of stateCases) {
    it(`refuses ${what} in one line`, () => {
      const file = join(dir(), 'state.json');
      writeFileSync(file, text);
      let message: string | undefined;
      try {
        readStateFile(file);
      } catch (error) {
        expect(error).toBeInstanceOf(WorldFileError);
        message = (error as Error).message;
      }
      expect(message?.startsWith(`${file}: ${expected}`), message).toBe(true);
      expect(message).not.toContain('\n');
    });
  }

  it('writes atomically: the new content replaces the old whole, no temporary file stays', () => {
    const folder = dir();
    const file = join(folder, 'state.json');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, 'new content');
    expect(readFileSync(file, 'utf8')).toBe('new content');
    expect(readdirSync(folder)).toEqual(['state.json']);
  });

  it('leaves the old file and no temporary file when the write fails', () => {
    const folder = dir();
    const file = join(folder, 'state.json');
    mkdirSync(file); // renaming a file over a directory fails
    expect(() => writeFileAtomic(file, 'x')).toThrow();
    expect(readdirSync(folder)).toEqual(['state.json']);
    expect(() => writeFileAtomic(join(folder, 'missing-dir', 'state.json'), 'x')).toThrow(/ENOENT/);
  });

  it('debounces: many changes within a second give one write, an unchanged state none', () => {
    vi.useFakeTimers();
    const file = join(dir(), 'state.json');
    const b = seeded();
    const produce = vi.fn(() => ({ 'tencent-cbs': b.exportState() }));
    const writer = new StateFileWriter(file, produce);
    for (let i = 0; i < 50; i++) writer.changed();
    vi.advanceTimersByTime(999);
    expect(produce).not.toHaveBeenCalled();
    expect(existsSync(file)).toBe(false);
    vi.advanceTimersByTime(1);
    expect(produce).toHaveBeenCalledTimes(1);
    expect(readStateFile(file)?.vendors['tencent-cbs']).toEqual(b.exportState());

    b.createSnapshot(scope, { diskId: 'd1', name: 'after' });
    writer.changed();
    writer.changed();
    vi.advanceTimersByTime(1000);
    expect(produce).toHaveBeenCalledTimes(2);
    expect(readStateFile(file)?.vendors['tencent-cbs']?.regions[0]?.snapshots.map((s) => s.name)).toEqual(['after']);
    expect(writer.flush()).toBe(false); // nothing changed since
  });

  it('flush writes now and drops the scheduled write; a failed scheduled write is reported', () => {
    vi.useFakeTimers();
    const folder = dir();
    const file = join(folder, 'state.json');
    const produce = vi.fn(() => ({}));
    const writer = new StateFileWriter(file, produce);
    writer.changed();
    expect(writer.flush()).toBe(true);
    vi.advanceTimersByTime(5000);
    expect(produce).toHaveBeenCalledTimes(1);

    const errors: Error[] = [];
    const broken = new StateFileWriter(join(folder, 'no-such-dir', 'state.json'), () => ({}), { onError: (e) => errors.push(e), intervalMs: 10 });
    broken.changed();
    vi.advanceTimersByTime(10);
    expect(errors).toHaveLength(1);
  });
});
