import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createConfig, lint } from '@redocly/openapi-core';
import spectralCore from '@stoplight/spectral-core';
import spectralParsers from '@stoplight/spectral-parsers';
import { oas } from '@stoplight/spectral-rulesets';
import { parse } from 'yaml';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { SPEC_FILES } from '../../src/vendors/registry.ts';

/**
 * The specs as users' own OpenAPI tools see them (issue 16): Redocly's `recommended` ruleset and Spectral's
 * `spectral:oas` report no errors, and Prism validates requests against them. Warnings (no `license`, no
 * `tags`, …) are style, not errors, and are left alone.
 */

// The Spectral packages are CommonJS; under NodeNext their named exports arrive on the default export.
const { Spectral, Document } = spectralCore;
const { Yaml } = spectralParsers;

const ROOT = resolve(fileURLToPath(import.meta.url), '../../..');
const specPath = (file: string): string => resolve(ROOT, file);
const FILES = Object.values(SPEC_FILES);

describe('the specs under the standard OpenAPI tools', () => {
  it.each(FILES)("%s: Redocly's recommended ruleset reports no errors", async (file) => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lint({ ref: specPath(file), config });
    const errors = problems.filter((p) => p.severity === 'error').map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer ?? '?'}`);
    expect(errors).toEqual([]);
  });

  it.each(FILES)('%s: Spectral spectral:oas reports no errors', async (file) => {
    const spectral = new Spectral();
    spectral.setRuleset({ extends: [oas] } as never);
    const results = await spectral.run(new Document(readFileSync(specPath(file), 'utf8'), Yaml, specPath(file)));
    // DiagnosticSeverity.Error is 0.
    const errors = results.filter((r) => r.severity === 0).map((r) => `${r.code}: ${r.message} at ${r.path.join('.')}`);
    expect(errors).toEqual([]);
  });

  it.each(FILES)('%s: describes its hosts (servers) and its signatures (security schemes), with sources', (file) => {
    const doc = parse(readFileSync(specPath(file), 'utf8')) as {
      servers?: Array<{ url: string; 'x-source'?: unknown }>;
      security?: Array<Record<string, string[]>>;
      components?: { securitySchemes?: Record<string, { type: string; description?: string; 'x-source'?: unknown }> };
    };
    expect(doc.servers?.length).toBeGreaterThan(0);
    for (const server of doc.servers ?? []) expect(server['x-source'], server.url).toBeDefined();
    const schemes = doc.components?.securitySchemes ?? {};
    expect(doc.security?.length).toBeGreaterThan(0);
    for (const requirement of doc.security ?? []) for (const name of Object.keys(requirement)) expect(schemes[name], name).toBeDefined();
    for (const [name, scheme] of Object.entries(schemes)) {
      expect(scheme.description, name).toMatch(/HMAC/);
      expect(scheme['x-source'], name).toBeDefined();
    }
    // Still our own loader's spec (the x- extensions and all).
    expect(loadSpec(file).actions.length).toBeGreaterThan(0);
  });

  it('no spec carries jsonSchemaDialect (OpenAPI 3.1 defaults to the same dialect; Prism 5.14 stops validating requests when the line is there)', () => {
    for (const file of FILES) expect(readFileSync(specPath(file), 'utf8'), file).not.toMatch(/^jsonSchemaDialect:/m);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Prism
// ---------------------------------------------------------------------------------------------------------

const require = createRequire(import.meta.url);
const PRISM = join(dirname(require.resolve('@stoplight/prism-cli/package.json')), 'dist/index.js');

const running: ChildProcess[] = [];
afterAll(() => {
  for (const child of running) if (child.exitCode === null) child.kill('SIGTERM');
});

/** Starts `prism mock` on 127.0.0.1 and an ephemeral port (`-p 0`); resolves with its base URL once it listens. */
function startPrism(file: string): Promise<string> {
  const child = spawn(process.execPath, [PRISM, 'mock', '-h', '127.0.0.1', '-p', '0', specPath(file)], { stdio: ['ignore', 'pipe', 'pipe'] });
  running.push(child);
  return new Promise((resolveUrl, reject) => {
    let output = '';
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolveUrl(match[1]!);
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`prism exited (${code}) before listening:\n${output}`)));
  });
}

interface PrismCase {
  file: string;
  action: string;
  contentType: string;
  /** `{"Bogus":1}` in the request's media type. */
  bogus: string;
  /** A valid request with one unknown parameter added, where the request schema is closed. */
  unknownAlone?: string;
  valid: string;
  /**
   * What Prism answers an invalid request: 422, unless the operation documents a 400 answer, which Prism
   * then returns (with its example) and lists the violations in the `sl-violations` header. Tencent answers
   * errors with HTTP 200, so only 422 marks a refusal there; Alibaba and Zenlayer document 400.
   */
  invalidStatus: 422 | 400;
}

const PRISM_CASES: PrismCase[] = [
  {
    file: SPEC_FILES['tencent-cbs'], action: 'CreateSnapshot', contentType: 'application/json', invalidStatus: 422,
    bogus: '{"Bogus":1}', unknownAlone: '{"DiskId":"disk-lzrg2pwi","Bogus":1}', valid: '{"DiskId":"disk-lzrg2pwi"}',
  },
  // Prism 5.14 decodes a form body into the schema's properties only, so an unknown form field alone is not
  // seen (our own validator refuses it: test/spec/spec-fidelity.test.ts); `Bogus=1` is refused for the missing DiskId.
  {
    file: SPEC_FILES['alibaba-ecs'], action: 'CreateSnapshot', contentType: 'application/x-www-form-urlencoded', invalidStatus: 400,
    bogus: 'Bogus=1', valid: 'DiskId=d-diskid1',
  },
  // Zenlayer's request schemas are open (no source says what ZEC does with an unknown field): `{"Bogus":1}`
  // is refused for the required parameters it lacks.
  {
    file: SPEC_FILES['zenlayer-zec'], action: 'CreateSnapshot', contentType: 'application/json', invalidStatus: 400,
    bogus: '{"Bogus":1}', valid: '{"diskId":"disk-1","snapshotName":"snap-1"}',
  },
];

/** The violations Prism reports: the 422 problem's `validation`, or the `sl-violations` header beside a documented error. */
async function violations(response: Response): Promise<Array<{ code: string; message: string }>> {
  const body = await response.text();
  if (response.status === 422) return (JSON.parse(body) as { validation?: Array<{ code: string; message: string }> }).validation ?? [];
  return JSON.parse(response.headers.get('sl-violations') ?? '[]') as Array<{ code: string; message: string }>;
}

describe('Prism mock validates requests against the specs', () => {
  it.each(PRISM_CASES)('$file: {"Bogus":1} is refused, a valid signed request answered 200, an unsigned one 401', async ({ file, action, contentType, bogus, unknownAlone, valid, invalidStatus }) => {
    const base = await startPrism(file);
    const post = (body: string, headers: Record<string, string> = { authorization: 'TEST-SIGNATURE Credential=x' }): Promise<Response> =>
      fetch(`${base}/${action}`, { method: 'POST', headers: { 'content-type': contentType, ...headers }, body });

    const refused = await post(bogus);
    expect(refused.status).toBe(invalidStatus);
    expect((await violations(refused)).filter((v) => (v as { severity?: string }).severity !== 'Warning').length).toBeGreaterThan(0);

    if (unknownAlone) {
      const unknown = await post(unknownAlone);
      expect(unknown.status).toBe(invalidStatus);
      expect((await violations(unknown)).map((v) => v.message).join('; ')).toContain('Bogus');
    }

    const accepted = await post(valid);
    expect(accepted.status, await accepted.text()).toBe(200);

    // The security schemes make the signature's carrier (the Authorization header) required, as the vendors do.
    const unsigned = await post(valid, {});
    await unsigned.arrayBuffer();
    expect(unsigned.status).toBe(401);
  });
});
