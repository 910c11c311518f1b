import fc from 'fast-check';
import { expect, type TestContext } from 'vitest';
import { observe } from '../../src/conformance/rule-meta.ts';
import type { TargetSession } from '../../src/conformance/session.ts';
import type { TargetInfo } from '../../src/conformance/target.ts';
import type { Contract } from '../../src/spec/spec-types.ts';
import type { VendorClient, VendorAdapter } from '../../src/vendors/vendor-adapter.ts';
import { expectAccepted, expectDefaultName, expectDeleted, expectRefusedWith, expectSameTags, settle } from './checks.ts';
import { emulatorNow, visitLater } from './emulator.ts';
import { Story, withStory } from './shrinkable-story.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How near a retention deadline the model does not say whether the snapshot is still there (clock offsets, whole seconds). */
const TOLERANCE_MS = 60_000;

/** A snapshot as the documents say it should be described. */
interface ModelSnapshot {
  id: string;
  diskId: string;
  /** The name it was created with; undefined for an unnamed one (described with a documented default, if any). */
  name: string | undefined;
  tags: Array<{ key: string; value: string }>;
  /** Emulator times between which the snapshot may be deleted for its retention deadline; after `latest` it must be. */
  deadline?: { earliest: number; latest: number };
}

/** What the documents lead one to expect of the account: the snapshots there are, and those deleted. */
export interface LifecycleModel {
  live: Map<string, ModelSnapshot>;
  gone: Set<string>;
  /** Every id ever created, in order: describes pick from these, deleted ones included. */
  known: string[];
}

/** The real side of a run: the disks it creates on, and what they held before it (a real endpoint's disks). */
export interface LifecycleReal {
  disks: string[];
  /** Snapshots each disk held before the run, counted through the API; none on an emulator's fresh disks. */
  heldBefore?: Record<string, number>;
}

/** Everything the commands need of the rule: the target, its client and bindings, and what the documents say. */
export interface LifecycleContext {
  task: TestContext['task'];
  target: TargetInfo;
  session: TargetSession;
  client: VendorClient;
  bindings: {
    create: NonNullable<VendorAdapter['canonical']['createSnapshot']>;
    describe: NonNullable<VendorAdapter['canonical']['describeSnapshot']>;
    remove: NonNullable<VendorAdapter['canonical']['deleteSnapshot']>;
  };
  actions: { create: string; describe: string; remove: string };
  quota: { value: number; error: Parameters<typeof expectRefusedWith>[2][number] } | undefined;
  /** The documented default name and the other pages' (`default-snapshot-name`), where the documents give one. */
  defaultName: Contract['default-snapshot-name'];
  nameRequired: boolean;
  /** States a described snapshot may be in (the lifecycle's creating and completed words), if documented. */
  states: string[] | undefined;
  /** How much later than asked a retention may end (a day, where it travels as a whole number of days). */
  lateness: number;
}

let created = 0;

/** Describes one snapshot; undefined when the answer lists none. */
async function describe(ctx: LifecycleContext, id: string) {
  const result = await ctx.client.call(ctx.actions.describe, ctx.bindings.describe.params(id, ctx.target.region));
  observe(ctx.task, result);
  expectAccepted(result, `${ctx.actions.describe} of ${id}`);
  return ctx.bindings.describe.snapshot(result);
}

/** Compares what the endpoint describes with the model's snapshot. */
async function expectDescribedAsModelled(ctx: LifecycleContext, snapshot: ModelSnapshot): Promise<void> {
  const described = await describe(ctx, snapshot.id);
  expect(described, `snapshot ${snapshot.id} is not described`).toBeDefined();
  expect(described!.diskId, `the disk of ${snapshot.id}`).toBe(snapshot.diskId);
  if (snapshot.name !== undefined) expect(described!.name, `the name of ${snapshot.id}`).toBe(snapshot.name);
  else if (ctx.defaultName) await expectDefaultName(ctx.task, described!.name, ctx.defaultName);
  expectSameTags(undefined, described!.tags, snapshot.tags, snapshot.id);
  if (ctx.states) expect(ctx.states, `the state of ${snapshot.id}`).toContain(described!.state);
}

/** Creates a snapshot of one of the run's disks, named or not, with or without a retention deadline. */
class Create implements fc.AsyncCommand<LifecycleModel, LifecycleReal> {
  constructor(private readonly ctx: LifecycleContext, private readonly disk: number, private readonly named: boolean, private readonly retentionHours: number | undefined) {}
  check = () => true;
  async run(model: LifecycleModel, real: LifecycleReal): Promise<void> {
    const { ctx } = this;
    const diskId = real.disks[this.disk % real.disks.length]!;
    const name = this.named || ctx.nameRequired ? ctx.session.name(`life-${(created += 1)}`) : undefined;
    const tags = ctx.bindings.create.tagsParameter ? [ctx.session.label.tag] : [];
    // The deadline is reckoned from the emulator's clock, in whole seconds.
    const now = this.retentionHours === undefined ? 0 : await emulatorNow(ctx.target);
    const deadline = this.retentionHours === undefined ? undefined : new Date(Math.ceil((now + this.retentionHours * HOUR) / 1000) * 1000);
    const result = await ctx.client.call(ctx.actions.create, ctx.bindings.create.params({ diskId, name, deadline, ...(tags.length > 0 ? { tags } : {}) }));
    observe(ctx.task, result);
    const held = [...model.live.values()].filter((s) => s.diskId === diskId).length + (real.heldBefore?.[diskId] ?? 0);
    if (ctx.quota && held >= ctx.quota.value) {
      await expectRefusedWith(ctx.task, result, [ctx.quota.error], `a create on ${diskId}, which holds ${held} snapshots (quota ${ctx.quota.value})`);
      return;
    }
    expectAccepted(result, `a create on ${diskId}`);
    const id = ctx.bindings.create.snapshotId(result);
    expect(id, 'the created snapshot id').toBeDefined();
    model.live.set(id!, {
      id: id!, diskId, name, tags,
      ...(deadline ? { deadline: { earliest: deadline.getTime() - TOLERANCE_MS, latest: deadline.getTime() + ctx.lateness + TOLERANCE_MS } } : {}),
    });
    model.known.push(id!);
  }
  toString = () => `create(disk ${this.disk}, ${this.named ? 'named' : 'unnamed'}${this.retentionHours === undefined ? '' : `, retention ${this.retentionHours} h`})`;
}

/** Describes a snapshot the run created, whether the model has it or has deleted it. */
class Describe implements fc.AsyncCommand<LifecycleModel, LifecycleReal> {
  constructor(private readonly ctx: LifecycleContext, private readonly pick: number) {}
  check = (model: Readonly<LifecycleModel>) => model.known.length > 0;
  async run(model: LifecycleModel): Promise<void> {
    const id = model.known[this.pick % model.known.length]!;
    const snapshot = model.live.get(id);
    if (snapshot) return expectDescribedAsModelled(this.ctx, snapshot);
    // Gone, refused as not found, or (a real service takes its time) on its way out.
    await expectDeleted(this.ctx.task, this.ctx.session, this.ctx.target, id);
  }
  toString = () => `describe(#${this.pick})`;
}

/** Deletes a snapshot the model has. */
class Delete implements fc.AsyncCommand<LifecycleModel, LifecycleReal> {
  constructor(private readonly ctx: LifecycleContext, private readonly pick: number) {}
  check = (model: Readonly<LifecycleModel>) => model.live.size > 0;
  async run(model: LifecycleModel): Promise<void> {
    const id = [...model.live.keys()][this.pick % model.live.size]!;
    // Some services refuse to delete a snapshot still being created: a real endpoint's is waited for first.
    await settle(this.ctx.session, this.ctx.target, id);
    const result = await this.ctx.client.call(this.ctx.actions.remove, this.ctx.bindings.remove.params(id, this.ctx.target.region));
    observe(this.ctx.task, result);
    expectAccepted(result, `${this.ctx.actions.remove} of ${id}`);
    model.live.delete(id);
    model.gone.add(id);
  }
  toString = () => `delete(#${this.pick})`;
}

/**
 * Lets the emulator look at the account some hours ahead (src: properties/support/emulator.ts visitLater):
 * snapshots whose retention deadline lies before then must be gone, those whose deadline lies after must
 * still be there; near a deadline the model learns which it was.
 */
class AdvanceClock implements fc.AsyncCommand<LifecycleModel, LifecycleReal> {
  constructor(private readonly ctx: LifecycleContext, private readonly hours: number) {}
  check = () => true;
  async run(model: LifecycleModel): Promise<void> {
    const visited = (await emulatorNow(this.ctx.target)) + this.hours * HOUR;
    await visitLater(this.ctx.target, this.hours * HOUR);
    for (const snapshot of [...model.live.values()]) {
      const deadline = snapshot.deadline;
      if (deadline && deadline.latest < visited) {
        expect(await describe(this.ctx, snapshot.id), `snapshot ${snapshot.id} is still described ${Math.round((visited - deadline.latest) / 60_000)} min after its retention deadline`).toBeUndefined();
      } else if (!deadline || deadline.earliest > visited) {
        await expectDescribedAsModelled(this.ctx, snapshot);
        continue;
      } else if (await describe(this.ctx, snapshot.id)) {
        continue; // near its deadline: kept, for now
      }
      model.live.delete(snapshot.id);
      model.gone.add(snapshot.id);
    }
  }
  toString = () => `advanceClock(${this.hours} h)`;
}

/** The commands of a lifecycle run: creates and describes mostly, deletes and clock moves now and then. */
export function lifecycleCommands(ctx: LifecycleContext, options: { retention: boolean; maxCommands: number }): fc.Arbitrary<Iterable<fc.AsyncCommand<LifecycleModel, LifecycleReal>>> {
  const retention = options.retention ? fc.option(fc.integer({ min: 25, max: 5 * 24 }), { nil: undefined, freq: 2 }) : fc.constant(undefined);
  return withStory(fc.commands([
    fc.tuple(fc.nat(1), fc.boolean(), retention).map(([disk, named, hours]) => new Create(ctx, disk, named, hours)),
    fc.tuple(fc.nat(1), fc.boolean(), retention).map(([disk, named, hours]) => new Create(ctx, disk, named, hours)),
    fc.nat().map((pick) => new Describe(ctx, pick)),
    fc.nat().map((pick) => new Describe(ctx, pick)),
    fc.nat().map((pick) => new Delete(ctx, pick)),
    ...(options.retention ? [fc.integer({ min: 1, max: 6 * 24 }).map((hours) => new AdvanceClock(ctx, hours))] : []),
  ], { maxCommands: options.maxCommands }));
}

/**
 * The story every lifecycle run tells first, before the generated ones: an unnamed snapshot with a retention
 * and a named one without, both described, and a second snapshot of the second disk; hours pass short of the
 * deadline (all still there), then past it (the first gone), one is deleted and described no more. It meets
 * the default name, the tags, deletion, a second create on a disk, and both sides of a retention deadline on
 * every run, whatever the seed. When it fails, it shrinks to its shortest failing part (shrinkable-story.ts).
 */
export function lifecycleStory(ctx: LifecycleContext, options: { retention: boolean }): Story<fc.AsyncCommand<LifecycleModel, LifecycleReal>> {
  return new Story([
    new Create(ctx, 0, false, options.retention ? 25 : undefined),
    new Create(ctx, 1, true, undefined),
    new Describe(ctx, 0),
    new Describe(ctx, 1),
    new Create(ctx, 1, true, undefined),
    ...(options.retention ? [new AdvanceClock(ctx, 20), new AdvanceClock(ctx, 3 * 24)] : []),
    new Delete(ctx, options.retention ? 0 : 1),
    new Describe(ctx, 1),
    new Describe(ctx, 2),
  ]);
}

/** A retention that travels as a count of days may end up to a day later than the deadline asked for. */
export const DAY_LATENESS = DAY;
