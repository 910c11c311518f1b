/**
 * Typed views of the `x-` extensions that `specs/README.md` defines. The OpenAPI part is typed by
 * `openapi-types`; these are the parts that make a spec a conformance contract.
 */

/** A reference to the document and section a fact came from. */
export interface SourceRef {
  doc: string;
  section: string;
  quote?: string;
}

/** One or several source references. */
export type SourceRefs = SourceRef | SourceRef[];

/** A vendor error with the HTTP status it travels with. */
export interface VendorError {
  code: string;
  status: number;
  /** Other codes the documents allow for the same case. */
  alternatives?: string[];
  /** True when the documents do not name this code or status. */
  inferred?: boolean;
  note?: string;
}

/** An error the documents list for an action, with its meaning. */
export interface ErrorEntry extends VendorError {
  meaning: string;
  message?: string;
  source: SourceRefs;
}

/** Where a common value (action, version, region) travels on the wire. */
export interface WireSlot {
  header?: string;
  query?: string;
  value?: string;
  required?: boolean;
}

/** `x-protocol`: how every action of the service travels. */
export interface Protocol {
  host: string;
  method: 'GET' | 'POST';
  methods?: Array<'GET' | 'POST'>;
  path: string;
  contentType: string;
  action: WireSlot;
  version: WireSlot & { value: string };
  region?: WireSlot;
  /**
   * The documented signatures. `id` is the short name a target file selects one by (`signatures: [rpc-v2]`);
   * `formats` the answer formats (ids of {@link Envelope.formats}) a request signed so can ask for, the
   * client's default first (JSON alone when not given).
   */
  signatures: Array<{ name: string; id?: string; formats?: string[]; default?: boolean; note?: string; source: SourceRefs }>;
  clockSkewSeconds?: { value: number; inferred?: boolean; source: SourceRefs };
  maxRequestBytes?: { value: number; inferred?: boolean; source: SourceRefs };
  commonParameters: Array<{ name: string; required: boolean; description?: string; source: SourceRefs }>;
  source: SourceRefs;
}

/** `x-envelope`: the rules every response follows. */
export interface Envelope {
  errorStatus: 'always-200' | 'documented';
  requestIdPattern: string;
  requestIdInferred?: boolean;
  contentType?: string;
  /** The answer formats the documents describe, when more than JSON (`contentType`). */
  formats?: AnswerFormat[];
  source: SourceRefs;
}

/**
 * How one call travels: the documented signature that signs it and the answer format it asks for, by their
 * ids (`x-protocol.signatures[].id`, or the name where a signature has no id; `x-envelope.formats[].id`, or
 * `json`).
 */
export interface Wire {
  signature: string;
  format: string;
}

/** A documented answer format (`x-envelope.formats`): JSON, or Alibaba's XML. */
export interface AnswerFormat {
  /** The short name a target file selects it by (`formats: [xml]`). */
  id: string;
  /** The content type an answer in it carries. */
  contentType: string;
  note?: string;
  source: SourceRefs;
}

/**
 * Another page's value for a fact (`variants` of a contract rule, `x-variants` of a schema): the documents
 * disagree, and a service that follows either page follows the documents.
 */
export interface Variant<T = unknown> {
  value: T;
  note?: string;
  source: SourceRefs;
}

/**
 * A variant of `allowed-disk-states`: more states allowed by another page. `attachedOnceFields`, where given,
 * narrows it: a state only this variant allows is allowed for a disk that was attached at some point, as one
 * of these DescribeDisks fields (non-empty) shows.
 */
export interface DiskStateVariant extends Variant<string[]> {
  attachedOnceFields?: string[];
}

interface Rule {
  source: SourceRefs;
  inferred?: boolean;
  note?: string;
  error?: VendorError;
}

interface IdPattern {
  pattern: string;
  examples?: string[];
  inferred?: boolean;
  note?: string;
  source: SourceRefs;
}

/** `x-contract`: the behavioural rules, keyed as in `specs/README.md`. */
export interface Contract {
  'snapshot-quota-per-disk'?: Rule & { value: number; error: VendorError; variants?: Array<Variant<number>> };
  'minimum-retention'?: Rule & { action: string; parameter: string; minSeconds: number; error: VendorError };
  'same-instance'?: Rule & { action: string; parameter: string; error: VendorError };
  'group-member-naming'?: Rule & { action: string; template: string; indexBase: 0 | 1 };
  'one-in-flight-per-disk'?: Rule & { error: VendorError };
  'allowed-disk-states'?: Rule & { field: string; values: string[]; error: VendorError; variants?: DiskStateVariant[] };
  'allowed-instance-states'?: Rule & { field: string; values: string[]; error: VendorError };
  'snapshot-ability'?: Rule & { field: string; error: VendorError };
  'instance-never-started'?: Rule & { error: VendorError };
  'instance-security-lock'?: Rule & { error: VendorError };
  'disk-must-exist'?: Rule & { error: VendorError };
  /** A create that names a resource group the account does not have is refused (Alibaba `ResourceGroupId`). */
  'resource-group-must-exist'?: Rule & { parameter: string; error: VendorError };
  idempotency?: Rule & { action: string; parameter: string; mismatchError: VendorError; inProgressError?: VendorError };
  'default-snapshot-name'?: Rule & { value: string; variants?: Array<Variant<string>> };
  'snapshot-lifecycle'?: Rule & {
    describeAction: string; stateField: string; creating: string; completed: string; failed?: string; progressField?: string;
  };
  'retention-auto-delete'?: Rule & { parameter: string };
  'id-patterns'?: Rule & { snapshot: IdPattern; disk?: IdPattern; snapshotGroup?: IdPattern; instance?: IdPattern };
}

/** The names of the behavioural rules. */
export type ContractRuleName = keyof Contract;

/** Vendor-neutral operation names (see `specs/README.md`). */
export type CanonicalOperation =
  | 'createSnapshot' | 'createSnapshotGroup' | 'describeSnapshots' | 'deleteSnapshots'
  | 'describeSnapshotGroups' | 'deleteSnapshotGroup' | 'describeDisks';

/** The JSON Schema keywords a request parameter can break, each mapped to a vendor error. */
export type ValidationErrors = Partial<Record<string, VendorError & { source: SourceRefs }>> & {
  required: VendorError; type: VendorError; additionalProperties: VendorError;
};

/** The vendors snapconform has specs for. */
export type VendorId = 'tencent-cbs' | 'alibaba-ecs' | 'zenlayer-zec';
