import type { ErrorObject, ValidateFunction } from 'ajv';
import { createSchemaValidator } from '../spec/ajv.ts';
import { DEVIATIONS } from './deviations/catalogue.ts';
import { FAULT_KINDS } from './faults.ts';

/**
 * What each admin request may carry, as JSON Schemas with bounds: every field of every `POST` body is
 * checked before anything changes, so a refused request leaves the emulator (its clock above all) as it was.
 * The bounds are what a test could sensibly ask for, far below what breaks the emulator: a clock moved by a
 * year beyond what `Date` can print answered 500 and then refused every signed call as expired.
 */

/** The furthest one `clock` request moves time, either way: ten years (a retention test needs days). */
export const MAX_CLOCK_STEP_MS = 10 * 366 * 86_400_000;

/** The longest a snapshot may stay in its creating state (`config.creationMs`): a week. */
export const MAX_CREATION_MS = 7 * 86_400_000;

/** The longest an injected `latency` fault holds a request: an hour (past any client's timeout). */
export const MAX_LATENCY_MS = 3_600_000;

/** The largest disk, in GiB: the vendors' largest are 32 000 GiB (Tencent CBS) and 65 536 GiB (Alibaba ESSD). */
export const MAX_DISK_GIB = 65_536;

/** The most instances or disks one `seed` request places. */
export const MAX_SEEDED = 10_000;

const id = { type: 'string', minLength: 1, maxLength: 128 };
const text = { type: 'string', maxLength: 256 };

const INSTANCE = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id,
    state: { enum: ['running', 'stopped', 'starting', 'stopping'] },
    zone: id,
    neverStarted: { type: 'boolean' },
    securityLocked: { type: 'boolean' },
  },
};

const DISK = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id,
    name: text,
    zone: id,
    sizeGiB: { type: 'integer', minimum: 1, maximum: MAX_DISK_GIB },
    usage: { enum: ['system', 'data'] },
    type: id,
    state: { enum: ['attached', 'unattached', 'attaching', 'detaching', 'creating', 'rollbacking', 'expanding', 'deleting'] },
    instanceId: id,
    snapshotAbility: { type: 'boolean' },
    encrypted: { type: 'boolean' },
  },
};

const FAULT = {
  type: 'object',
  required: ['kind'],
  additionalProperties: false,
  properties: {
    kind: { enum: [...FAULT_KINDS] },
    action: id,
    probability: { type: 'number', minimum: 0, maximum: 1 },
    count: { type: 'integer', minimum: 0, maximum: 1_000_000_000 },
    latencyMs: { type: 'integer', minimum: 0, maximum: MAX_LATENCY_MS },
  },
};

/** The body schema of each `POST` route (`reset` takes nothing). */
const BODIES: Record<string, object> = {
  reset: { type: 'object', additionalProperties: false },
  seed: {
    type: 'object',
    additionalProperties: false,
    properties: {
      account: id,
      region: id,
      instances: { type: 'array', maxItems: MAX_SEEDED, items: INSTANCE },
      disks: { type: 'array', maxItems: MAX_SEEDED, items: DISK },
    },
  },
  clock: {
    type: 'object',
    additionalProperties: false,
    properties: {
      freeze: { anyOf: [{ const: true }, { type: 'string', format: 'date-time' }] },
      advanceMs: { type: 'integer', minimum: -MAX_CLOCK_STEP_MS, maximum: MAX_CLOCK_STEP_MS },
      real: { const: true },
    },
  },
  config: {
    type: 'object',
    additionalProperties: false,
    properties: {
      creationMs: { type: 'integer', minimum: 0, maximum: MAX_CREATION_MS },
      deviations: { type: 'array', maxItems: Object.keys(DEVIATIONS).length, items: { enum: Object.keys(DEVIATIONS) } },
      limits: { type: 'boolean' },
    },
  },
  faults: {
    type: 'object',
    required: ['faults'],
    additionalProperties: false,
    properties: { faults: { type: 'array', maxItems: 100, items: FAULT } },
  },
};

const ajv = createSchemaValidator({ allErrors: false });
const validators = new Map<string, ValidateFunction>(Object.entries(BODIES).map(([route, schema]) => [route, ajv.compile(schema)]));

/** `faults[0].kind` for ajv's `/faults/0/kind`, with the route's name in front. */
function where(route: string, error: ErrorObject): string {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const path = segments.reduce((at, s) => (/^\d+$/.test(s) ? `${at}[${s}]` : at ? `${at}.${s}` : s), '');
  return path ? `${route}: ${path}` : `${route}: the body`;
}

/** One line on what is wrong with an admin request's body, naming the field and what it may hold. */
function reason(route: string, error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': return `${where(route, error)} has no field '${String(params['additionalProperty'])}'`;
    case 'required': return `${where(route, error)} needs '${String(params['missingProperty'])}'`;
    case 'enum': return `${where(route, error)} must be one of ${(params['allowedValues'] as unknown[]).join(', ')}`;
    case 'const': return `${where(route, error)} must be ${JSON.stringify(params['allowedValue'])}`;
    case 'anyOf': return `${where(route, error)} must be true or an ISO 8601 date-time`;
    default: return `${where(route, error)} ${error.message ?? `breaks ${error.keyword}`}`;
  }
}

/** The routes that take a `POST` body. */
export function isAdminPostRoute(route: string): boolean {
  return validators.has(route);
}

/**
 * Checks the body of `POST <route>` against its schema; returns the reason it is refused (one line), or
 * undefined when every field is within bounds.
 */
export function adminBodyRefusal(route: string, body: unknown): string | undefined {
  const validate = validators.get(route);
  if (!validate || validate(body)) return undefined;
  // anyOf reports its branches first; the anyOf error itself says what the field may be.
  const errors = validate.errors ?? [];
  const first = errors.find((e) => e.keyword === 'anyOf') ?? errors[0];
  return first ? reason(route, first) : `${route}: the body is not valid`;
}
