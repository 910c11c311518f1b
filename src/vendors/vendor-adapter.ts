import type { Deviations } from '../emulator/deviations/catalogue.ts';
import type { SeedInput } from '../emulator/backend.ts';
import type { EmulatorFrontEnd, VendorEmulatorOptions } from '../emulator/front-end.ts';
import { listen, type ListenOptions, type RunningServer } from '../emulator/http-server.ts';
import type { Fixtures, TargetInfo } from '../conformance/target.ts';
import type { CallResult } from '../transport/call-result.ts';
import type { HttpTransport } from '../transport/http-transport.ts';
import type { ParamValue } from '../transport/flatten.ts';
import type { VendorSpec } from '../spec/vendor-spec.ts';
import type { CanonicalOperation, VendorId, Wire } from '../spec/spec-types.ts';

/** Structured request parameters, as a spec's request schema describes them. */
export type Params = { [key: string]: ParamValue };

/** Sends an action of one vendor's API and decodes the answer. */
export interface VendorClient {
  /**
   * `options` are the suite's (src/conformance/client-layers/layer.ts); a vendor's own client reads only `wire`:
   * the documented signature and answer format to use (one of {@link VendorAdapter.signatures}), the default
   * when not given.
   */
  call(action: string, params: Params, options?: { inFlightExpected?: boolean; wire?: Wire }): Promise<CallResult>;
}

/**
 * How one call departs on purpose from what the official SDKs send, for the auth and protocol rules
 * (`suites/auth.case.ts`). Everything not named here is sent as usual, correctly signed.
 */
export interface WireControl {
  /** Signs with a secret that is not the key's: a wrong signature. */
  wrongSecret?: boolean;
  /** Sends a key id the service does not know (signed with the real secret). */
  unknownKey?: boolean;
  /** Moves the request's timestamp by this many seconds (negative: in the past), signed as sent. */
  timestampOffsetSeconds?: number;
  /** Sends the nonce of this client's previous call again: a replay. A protocol without a nonce throws. */
  repeatNonce?: boolean;
  /** Sends this API version instead of the spec's. */
  version?: string;
  /** Sends this action name on the wire instead of the `action` called (one the service does not have). */
  action?: string;
  /** Signs with this documented signature and asks for this answer format (as {@link VendorClient.call}'s `wire`). */
  wire?: Wire;
}

/** The secret a {@link WireControl} `wrongSecret` call signs with: never a real key's. */
export const WRONG_SECRET = 'snapconform-deliberately-wrong-secret';

/** A client that can send a call wrong on purpose; build one with {@link VendorAdapter.rawClient}. */
export interface RawClient {
  call(action: string, params: Params, wire?: WireControl): Promise<CallResult>;
}

/** The cases the auth and protocol rules provoke, by role. */
export type AuthErrorRole = 'wrongSignature' | 'unknownKey' | 'expired' | 'replayedNonce' | 'unknownAction' | 'unknownVersion';

/** The documented error a service answers one {@link AuthErrorRole} with. */
export interface RoleError {
  /** A code the spec documents (x-common-errors or the action's x-errors): status and source come from there. */
  code: string;
  /** Other documented codes the documents allow for the same case. */
  alternatives?: string[];
  /** Set when the documents list the code but do not say it answers this case: why it was chosen. */
  inferredBecause?: string;
}

/** A snapshot as the rules see it, whatever the vendor. */
export interface NeutralSnapshot {
  id: string;
  name: string;
  diskId: string;
  tags: Array<{ key: string; value: string }>;
  /** The vendor's state word (`CREATING`, `accomplished`, …). */
  state: string;
}

/** A snapshot group as the rules see it. */
export interface NeutralGroup {
  id: string;
  name: string;
  /** The vendor's state word. */
  state: string;
  snapshotIds: string[];
}

/** The canonical inputs of createSnapshot. */
export interface CreateSnapshotInput {
  diskId: string;
  name?: string;
  /** Retention deadline. */
  deadline?: Date;
  tags?: Array<{ key: string; value: string }>;
}

/**
 * Everything vendor-specific the suite needs: how to talk to the vendor (client), how to map canonical
 * operations onto its actions, and how to run and populate its emulator. One per vendor folder.
 */
export interface VendorAdapter {
  vendor: VendorId;
  /** The spec file, relative to the project root. */
  specFile: string;
  createClient(target: TargetInfo, spec: VendorSpec, transport: HttpTransport): VendorClient;
  /**
   * The documented signatures (ids of the spec's `x-protocol.signatures`) the clients can sign with, when more
   * than the default: a call picks one, and an answer format its documents allow, with `wire`. Without it only
   * the spec's default signature is sent.
   */
  signatures?: readonly string[];
  /** This vendor's embedded emulator, when snapconform has one (build it with {@link defineEmulator}). */
  emulator?: VendorEmulator;
  /** A request for `action` that the documents say is valid, with resource ids from the fixtures. */
  validRequest(action: string, fixtures: Fixtures): Params | undefined;
  /**
   * Establishes what a create that failed in flight did, without repeating it: the created resource as a
   * successful result, `null` when nothing was created, undefined when it cannot tell.
   */
  reconcileCreate?(client: VendorClient, action: string, params: Params, startedAtMs: number): Promise<CallResult | null | undefined>;
  /**
   * A client whose calls can be sent wrong on purpose (wrong signature, unknown key, stale timestamp, replayed
   * nonce, unknown action or version), for the auth and protocol rules; without it they skip.
   */
  rawClient?(target: TargetInfo, spec: VendorSpec, transport: HttpTransport): RawClient;
  /**
   * The documented code for each auth and protocol case. A role left out means the documents name no code
   * for it (the rule then asks only for a documented refusal); `replayedNonce` only where nonces are replay
   * protected. test/vendors/auth-errors.test.ts checks every code against the spec.
   */
  authErrors?: Partial<Record<AuthErrorRole, RoleError>>;
  /** Canonical operations this adapter binds; the others make their rules skip. */
  canonical: {
    createSnapshot?: {
      params(input: CreateSnapshotInput): Params;
      snapshotId(result: CallResult): string | undefined;
      /** The request parameter that names the snapshot, and whether the vendor requires it. */
      nameParameter: string;
      /**
       * The create request's tag list parameter, a list of `{Key, Value}` (Tencent `Tags`, Alibaba `Tag`);
       * undefined when the create takes no tags.
       */
      tagsParameter: string | undefined;
    };
    describeSnapshot?: { params(id: string, region: string): Params; snapshot(result: CallResult): NeutralSnapshot | undefined };
    /**
     * Looks snapshots up by name (`snapconform sweep` and the run's cleanup find a create whose outcome is
     * unknown this way). A service whose name filter is fuzzy may answer more: the caller keeps exact names.
     */
    findSnapshotsByName?: { params(name: string, region: string): Params; snapshots(result: CallResult): NeutralSnapshot[] };
    /**
     * Counts the snapshots a disk holds (the answer's total, not one page): the quota rule creates only as many
     * as the disk has room for, on a real disk that already holds some.
     */
    countSnapshotsOfDisk?: { params(diskId: string, region: string): Params; count(result: CallResult): number | undefined };
    /**
     * Deletes one snapshot. `notFound` is the documented code (in the delete action's `x-errors`) the service
     * answers for a snapshot it does not have: the cleanup counts it as gone.
     */
    deleteSnapshot?: { params(id: string, region: string): Params; notFound?: string };
    /** Snapshots several disks of one instance together (Tencent CreateSnapshotGroup). */
    createSnapshotGroup?: {
      params(input: { diskIds: string[]; name?: string }): Params;
      groupId(result: CallResult): string | undefined;
      /** The request parameter that names the group. */
      nameParameter: string;
      /** The group create's tag list parameter (`{Key, Value}` items), if it takes tags. */
      tagsParameter: string | undefined;
    };
    describeSnapshotGroup?: { params(id: string, region: string): Params; group(result: CallResult): NeutralGroup | undefined };
    /** Deletes a snapshot group with its member snapshots; `notFound` as for `deleteSnapshot`. */
    deleteSnapshotGroup?: { params(id: string, region: string): Params; notFound?: string };
  } & Partial<Record<CanonicalOperation, unknown>>;
}

/** What a snippet for a standalone emulator needs to know. */
export interface SnippetInput {
  /** `127.0.0.1:<port>` */
  host: string;
  id: string;
  secret: string;
  region: string | undefined;
  /** A disk CreateSnapshot accepts (an attached data disk), if the world has one. */
  diskId: string | undefined;
  spec: VendorSpec;
}

/** A vendor's emulator: how to build it, its fixtures, and how `snapconform emulate` presents it. */
export interface VendorEmulator {
  /** Builds the front end (not yet listening). */
  create(options: VendorEmulatorOptions): EmulatorFrontEnd;
  /** Builds it and listens on loopback, accepting `principal`. */
  start(spec: VendorSpec, principal: { id: string; secret: string; account: string }, deviations: Deviations, listenOptions?: ListenOptions): Promise<RunningServer>;
  /** The fixtures the suite seeds into it, and the roles they play. */
  fixtures(region: string): { seed: SeedInput; roles: Fixtures };
  /** A disk id in this vendor's shape, unique for `seed` (for disks the suite adds). */
  diskId(seed: string): string;
  /** How `snapconform emulate` serves it standalone. */
  standalone: {
    /** The region of the demo world and of a seed file that names none; undefined when the API names none. */
    region: string | undefined;
    /** Whether requests name the region (Tencent's X-TC-Region): then the world lives in that region only. */
    regionInRequests: boolean;
    /** The stable default key pair (documented in `snapconform emulate --help`). */
    credentials: { id: string; secret: string };
    /** What the vendor's SDKs call the key pair. */
    credentialNames: { id: string; secret: string };
    /** A ready-to-paste CreateSnapshot against the emulator, and a line saying what it is. */
    snippetTitle: string;
    snippet(input: SnippetInput): string;
  };
}

/** Completes a vendor emulator with the `start` every vendor shares: create, then listen. */
export function defineEmulator(parts: Omit<VendorEmulator, 'start'>): VendorEmulator {
  return {
    ...parts,
    start: (spec, principal, deviations, listenOptions) => listen(parts.create({ spec, principals: [principal], deviations }).handle, listenOptions),
  };
}
