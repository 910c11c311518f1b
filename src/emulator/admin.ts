import type { SnapshotBackend, SeedInput } from './backend.ts';
import { Deviations } from './deviations/catalogue.ts';
import { adminBodyRefusal } from './admin-requests.ts';
import { adminGateRefusal } from './admin-origin.ts';
import type { FaultPlan, FaultRule } from './faults.ts';
import { json, type ArrivedHttpRequest, type HttpAnswer } from './http-server.ts';
import type { RequestLog } from './request-log.ts';

/** The path prefix of the admin API on every emulator. */
export const ADMIN_PREFIX = '/_snapconform/';

/** What the admin API may change besides the backend. */
export interface AdminHooks {
  backend: SnapshotBackend;
  /** Applies a new set of deviations (the front end rebuilds its rules). */
  setDeviations(deviations: Deviations): void;
  deviations(): Deviations;
  /** The default account of requests that name none. */
  defaultAccount: string;
  /** For a service without regions in its API (Zenlayer ZEC), the one scope every seed goes to. */
  fixedRegion?: string;
  faults: FaultPlan;
  /** Whether documented rate limits are enforced. */
  limits(): boolean;
  setLimits(on: boolean): void;
  /** The log of API requests, served by `GET requests`. */
  requests: RequestLog;
}

function parse(request: ArrivedHttpRequest): Record<string, unknown> {
  if (request.body.length === 0) return {};
  const value = JSON.parse(request.body.toString('utf8')) as unknown;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('the body must be a JSON object');
  return value as Record<string, unknown>;
}

/**
 * The admin API, the same on every emulator: how the suite arranges fixtures (seed, reset), controls time
 * (clock), makes creation observable (creationMs) and switches deviations. Loopback only; no signature, so
 * requests from another origin and POST bodies that are not JSON are refused (src/emulator/admin-origin.ts),
 * and every field of a body is checked against its schema (src/emulator/admin-requests.ts) before anything
 * changes: a refusal is a 4xx with the reason, and leaves the emulator as it was.
 *
 * - `POST /_snapconform/reset`
 * - `POST /_snapconform/seed` `{account?, region, instances?, disks?}`
 * - `POST /_snapconform/clock` `{freeze?: true | ISO time, advanceMs?, real?: true}`
 * - `POST /_snapconform/config` `{creationMs?, deviations?: string[], limits?: boolean}`
 * - `GET  /_snapconform/config`
 * - `POST /_snapconform/faults` `{faults: [{kind, action?, probability?, count?, latencyMs?}]}` (`[]` clears)
 * - `GET  /_snapconform/stats` `{peakSnapshots}`: the most snapshots held at once (a plan's rehearsal reads it)
 * - `GET  /_snapconform/requests[?after=<seq>]` the API requests answered after `seq` (request id, code,
 *   parameters, violation) and `lastSeq`, the newest entry's number
 */
export function handleAdmin(request: ArrivedHttpRequest, hooks: AdminHooks): HttpAnswer {
  const route = `${request.method} ${request.path.slice(ADMIN_PREFIX.length)}`;
  const refused = adminGateRefusal(request);
  if (refused) return json(refused.status, { error: `admin: ${refused.reason}` });
  let body: Record<string, unknown>;
  try {
    body = parse(request);
  } catch (error) {
    return json(400, { error: `admin: ${(error as Error).message}` });
  }
  if (request.method.toUpperCase() === 'POST') {
    const invalid = adminBodyRefusal(request.path.slice(ADMIN_PREFIX.length), body);
    if (invalid) return json(400, { error: `admin: ${invalid}` });
  }
  const { backend } = hooks;
  const config = () => ({
    creationMs: backend.creationMs, deviations: hooks.deviations().list(), limits: hooks.limits(), faults: hooks.faults.list(), clock: backend.clock.describe(),
  });
  switch (route) {
    case 'POST reset':
      backend.reset();
      backend.clock.useRealTime();
      backend.creationMs = backend.defaultCreationMs;
      hooks.setDeviations(new Deviations());
      hooks.faults.set([]);
      return json(200, config());
    case 'POST seed': {
      const region = hooks.fixedRegion ?? body['region'];
      if (typeof region !== 'string') return json(400, { error: 'admin: seed needs a region' });
      const account = typeof body['account'] === 'string' ? body['account'] : hooks.defaultAccount;
      backend.seed({ account, region }, body as SeedInput);
      return json(200, { seeded: backend.describeDisks({ account, region }).length });
    }
    case 'POST clock': {
      const freeze = body['freeze'];
      const changed = backend.clock.change({
        real: body['real'] === true,
        freeze: typeof freeze === 'string' ? Date.parse(freeze) : freeze === true ? true : undefined,
        advanceMs: body['advanceMs'] as number | undefined,
      });
      if (!changed) return json(400, { error: 'admin: clock: the clock would leave the years 1970 to 9999; it is unchanged' });
      return json(200, backend.clock.describe());
    }
    case 'POST faults':
      hooks.faults.set(body['faults'] as FaultRule[]);
      return json(200, config());
    case 'POST config':
      if (typeof body['creationMs'] === 'number') backend.creationMs = body['creationMs'];
      if (typeof body['limits'] === 'boolean') hooks.setLimits(body['limits']);
      if (Array.isArray(body['deviations'])) hooks.setDeviations(new Deviations(body['deviations'] as string[]));
      return json(200, config());
    case 'GET config':
      return json(200, config());
    case 'GET stats':
      return json(200, { peakSnapshots: backend.peakSnapshots });
    case 'GET requests': {
      const after = Number(new URLSearchParams(request.query).get('after') ?? '0');
      return json(200, { lastSeq: hooks.requests.lastSeq, requests: hooks.requests.list(Number.isFinite(after) ? after : 0) });
    }
    default:
      return json(404, { error: `admin: no route ${route}` });
  }
}
