import type { ValidateFunction } from 'ajv';
import type { OpenAPIV3_1 } from 'openapi-types';
import type {
  CanonicalOperation, Contract, Envelope, ErrorEntry, Protocol, SourceRefs, ValidationErrors, Variant, VendorError, VendorId,
} from './spec-types.ts';

/** A JSON Schema object as it appears in a spec. */
export type JsonSchema = { [key: string]: unknown };

/** One of the documents' own examples, with the validator of the schema it belongs to. */
export interface MediaExample {
  name: string;
  pointer: string;
  value: unknown;
  validate: ValidateFunction;
}

/** One action of a vendor service, with its compiled schemas. */
export interface ActionSpec {
  /** The wire name, e.g. `CreateSnapshot`. */
  action: string;
  canonical: CanonicalOperation;
  /** The request media type of the spec (the structured parameter object). */
  contentType: string;
  /** The request schema as written (may hold `$ref`s). */
  requestSchema: JsonSchema;
  /** The request schema with local `$ref`s inlined, for generators. */
  resolvedRequestSchema: JsonSchema;
  validateRequest: ValidateFunction;
  /** Response schemas by HTTP status. */
  responses: Map<number, { schema: JsonSchema; validate: ValidateFunction }>;
  /** The errors the documents list for this action. */
  errors: ErrorEntry[];
  rateLimit?: { perSecond: number; inferred?: boolean; source: SourceRefs };
  source: SourceRefs;
  examples: MediaExample[];
}

type SpecDocument = OpenAPIV3_1.Document & {
  info: OpenAPIV3_1.InfoObject & { 'x-vendor': VendorId; 'x-sources': Record<string, { file: string; title: string; url?: string }> };
  'x-protocol': Protocol;
  'x-envelope': Envelope;
  'x-validation-errors': ValidationErrors;
  'x-common-errors'?: ErrorEntry[];
  'x-contract': Contract;
  'x-unprovokable-errors'?: UnprovokableErrors[];
};

/**
 * Documented error codes that no request or fixture of a run can bring about, and why (the account's state,
 * the service's own failures, resources the documents do not say how to make): the report lists them so that
 * a code never exercised is either one of these or a gap.
 */
export interface UnprovokableErrors {
  why: string;
  codes: string[];
}

/**
 * A loaded, validated vendor spec: the OpenAPI document plus typed access to its actions, protocol,
 * envelope rules, error tables and behavioural contract. Create it with `loadSpec`.
 */
export class VendorSpec {
  readonly vendor: VendorId;
  readonly version: string;
  private readonly actionsByName: Map<string, ActionSpec>;

  constructor(
    /** The file it was loaded from. */
    readonly file: string,
    /** The whole OpenAPI document. */
    readonly document: SpecDocument,
    actions: ActionSpec[],
  ) {
    this.vendor = document.info['x-vendor'];
    this.version = document['x-protocol'].version.value;
    this.actionsByName = new Map(actions.map((a) => [a.action, a]));
  }

  get protocol(): Protocol { return this.document['x-protocol']; }
  get envelope(): Envelope { return this.document['x-envelope']; }
  get contract(): Contract { return this.document['x-contract']; }
  get validationErrors(): ValidationErrors { return this.document['x-validation-errors']; }
  get commonErrors(): ErrorEntry[] { return this.document['x-common-errors'] ?? []; }
  /** The documented codes no run can provoke, each with why (`x-unprovokable-errors`). */
  get unprovokableErrors(): Array<{ code: string; why: string }> {
    return (this.document['x-unprovokable-errors'] ?? []).flatMap((group) => group.codes.map((code) => ({ code, why: group.why })));
  }
  get sources(): SpecDocument['info']['x-sources'] { return this.document.info['x-sources']; }
  get actions(): ActionSpec[] { return [...this.actionsByName.values()]; }

  hasAction(name: string): boolean { return this.actionsByName.has(name); }

  /** The action with this wire name; throws when the spec has none (a programming error, not user input). */
  action(name: string): ActionSpec {
    const found = this.actionsByName.get(name);
    if (!found) throw new Error(`${this.vendor} spec has no action ${name}`);
    return found;
  }

  /** The action bound to a canonical operation, or undefined when this vendor has none. */
  forCanonical(operation: CanonicalOperation): ActionSpec | undefined {
    return this.actions.find((a) => a.canonical === operation);
  }

  /** Every error code the documents allow for an action: its own list plus the service's common errors. */
  documentedErrors(action: string): ErrorEntry[] {
    return [...this.action(action).errors, ...this.commonErrors];
  }

  /**
   * The error a request gets for breaking `keyword` at `path` (`['Tag', 0, 'Key']`): the nearest `x-error`
   * along the path when the page names one (the deepest wins), else the service-wide
   * `x-validation-errors` entry for the keyword.
   */
  errorForKeyword(action: string, path: ReadonlyArray<string | number>, keyword: string): VendorError | undefined {
    let schema: JsonSchema | undefined = this.action(action).resolvedRequestSchema;
    let found: VendorError | undefined;
    for (const segment of path) {
      if (!schema) break;
      const properties = schema['properties'] as Record<string, JsonSchema> | undefined;
      schema = typeof segment === 'number' || /^\d+$/.test(segment)
        ? (schema['items'] as JsonSchema | undefined)
        : properties?.[segment];
      const own = schema?.['x-error'] as VendorError | Record<string, VendorError> | undefined;
      if (!own) continue;
      if (typeof (own as VendorError).code === 'string') found = own as VendorError;
      else if ((own as Record<string, VendorError>)[keyword]) found = (own as Record<string, VendorError>)[keyword];
    }
    return found ?? this.validationErrors[keyword];
  }

  /**
   * The spec's note on the first schema node it marks inferred (`x-inferred`) along a validation error's
   * `schemaPath` (ajv's: `#/…` inside `root`, or `…/schemas/<Name>/…` inside a component schema), the failing
   * keyword's own node included; undefined when no node on the way is inferred: then the keyword that failed
   * is a documented one.
   */
  inferredAlong(schemaPath: string, root: JsonSchema): string | undefined {
    const component = /\/schemas\/(.+)$/.exec(schemaPath.startsWith('#') ? '' : schemaPath);
    let node: unknown = component ? (this.document.components?.schemas as unknown) : root;
    const pointer = component ? component[1]! : schemaPath.replace(/^#\/?/, '');
    const segments = pointer.split('/').filter(Boolean).map((segment) => decodeURIComponent(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
    // The last segment is the keyword that failed; every node before it, and the one it sits in, may be inferred.
    for (const segment of segments.slice(0, -1)) {
      node = (node as Record<string, unknown> | undefined)?.[segment];
      const schema = node as JsonSchema | undefined;
      if (schema && typeof schema === 'object' && schema['x-inferred'] === true) {
        return typeof schema['x-note'] === 'string' ? schema['x-note'] : `${pointer}: the spec marks this schema inferred`;
      }
    }
    return undefined;
  }

  /** The (resolved) schema of a top-level request parameter. */
  propertySchema(action: string, parameter: string): JsonSchema | undefined {
    const properties = this.action(action).resolvedRequestSchema['properties'] as Record<string, JsonSchema> | undefined;
    return properties?.[parameter];
  }
}

/**
 * One value the documents give for a fact: the spec's own (`primary`: the value in the schema or the
 * contract) or a variant another page gives (`variants`, `x-variants`). A service that shows any of them
 * follows the documents.
 */
export interface DocumentedValue<T = unknown> {
  value: T;
  source?: SourceRefs;
  note?: string;
  primary: boolean;
}

/** A contract rule's `value` and its `variants`, the rule's own first. */
export function contractValues<T>(rule: { value: T; source: SourceRefs; variants?: Array<Variant<T>> }): Array<DocumentedValue<T>> {
  return [
    { value: rule.value, source: rule.source, primary: true },
    ...(rule.variants ?? []).map((v) => ({ value: v.value, source: v.source, ...(v.note ? { note: v.note } : {}), primary: false })),
  ];
}

/**
 * The values the documents give for one keyword of a schema node (`maxLength`, `pattern`, …): the schema's
 * own, then each `x-variants` entry that restates the keyword (an entry that only notes a difference in
 * words restates none). Empty when the schema has no such keyword.
 */
export function keywordValues(schema: JsonSchema, keyword: string): DocumentedValue[] {
  if (!(keyword in schema)) return [];
  const variants = (schema['x-variants'] ?? []) as Array<Record<string, unknown>>;
  return [
    { value: schema[keyword], source: schema['x-source'] as SourceRefs | undefined, primary: true },
    ...variants.filter((v) => keyword in v).map((v) => ({
      value: v[keyword], source: v['source'] as SourceRefs | undefined, ...(typeof v['note'] === 'string' ? { note: v['note'] } : {}), primary: false,
    })),
  ];
}

/** "doc, section" of the first source reference: how a report names the page a value came from. */
export function citeSource(source: SourceRefs | undefined): string {
  const first = Array.isArray(source) ? source[0] : source;
  return first ? `${first.doc}, ${first.section}` : 'no source';
}

/** `variantSeen` text: what the service showed and the page that documents it, e.g. "quota 256 (ref-ali, A3.1 …)". */
export function variantLabel(what: string, documented: Pick<DocumentedValue, 'source'>): string {
  return `${what} (${citeSource(documented.source)})`;
}
