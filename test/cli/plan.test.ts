import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapconform } from './support/cli.ts';

/**
 * `snapconform plan` and the plan a mutating run makes first: counted from a rehearsal against embedded
 * emulators that play the URL target, so nothing reaches the endpoint, and a run whose plan the budget does
 * not cover refuses to start (exit 3) instead of failing midway.
 */
describe('snapconform plan', () => {
  let endpoint: Server;
  let requests = 0;
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-plan-test-'));
  const targetFile = (maxSnapshots: number, extra = '') => {
    const file = join(dir, `targets-${maxSnapshots}.yaml`);
    writeFileSync(file, `targets:
  - name: tencent-real
    vendor: tencent-cbs
    endpoint: http://127.0.0.1:${(endpoint.address() as AddressInfo).port}
    region: ap-guangzhou
    allowMutations: true
    maxSnapshots: ${maxSnapshots}
    expectedCreationSeconds: 30
    fixtures:
      sameInstanceDisks: [disk-aaaaaaaa, disk-bbbbbbbb]
      quotaDisk: disk-qqqqqqqq
${extra}`);
    return file;
  };
  // No credentials in the environment: a plan needs none; a run would (and is refused before it needs them).
  const env = { ...process.env, TENCENTCLOUD_SECRET_ID: 'AKIDPLANTEST', TENCENTCLOUD_SECRET_KEY: 'plan-test-secret', CI: '1' };

  beforeAll(async () => {
    // Stands in for the real endpoint: it must never be called.
    endpoint = createServer((_request, response) => {
      requests += 1;
      response.writeHead(500).end();
    });
    await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => endpoint.close(() => resolve()));
  });

  it('counts what the rules will create, per rule and per disk, and refuses a budget that does not cover it; nothing reaches the endpoint', async () => {
    const rules = 'snapshot.create.quota,snapshot.create.roundtrip,snapshot.delete.takes-effect';
    const covered = await snapconform(['plan', '--target', targetFile(200), '--rules', rules], { env: { ...env, TENCENTCLOUD_SECRET_ID: '', TENCENTCLOUD_SECRET_KEY: '' } });
    expect(covered.code, covered.stderr).toBe(0);
    // The quota rule fills the quota disk (64 + one refused + one after a delete); the roundtrip makes 20 and
    // the delete rule 1, spread over the same-instance disks.
    expect(covered.stdout).toMatch(/^tencent-real \(tencent-cbs\): 86 snapshots created of 87 creates sent; budget 200 — covered$/m);
    expect(covered.stdout).toMatch(/by rule: snapshot\.create\.quota 66, snapshot\.create\.roundtrip 20, snapshot\.delete\.takes-effect 1/);
    expect(covered.stdout).toMatch(/by disk: disk-qqqqqqqq 66, /);
    // The quota rule holds the whole quota at once before it deletes one; creations on one disk follow one another.
    expect(Number(/peak live snapshots (\d+)/.exec(covered.stdout)?.[1])).toBeGreaterThanOrEqual(64);
    expect(covered.stdout).toMatch(/at least 33\.0 min at 30 s per snapshot, set by disk disk-qqqqqqqq \(66 creations\)/);

    // Within the quota rule's own need but not the whole plan's: the run refuses to start, in one line.
    const run = await snapconform(['run', '--target', targetFile(80), '--rules', rules, '--report-dir', join(dir, 'reports')], { env });
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^snapconform: safety abort: tencent-real: the run would create 86 snapshots \(snapshot\.create\.quota 66, snapshot\.create\.roundtrip 20, snapshot\.delete\.takes-effect 1\), its budget is maxSnapshots: 80; raise it/),
    ]);
    expect(requests, 'requests that reached the endpoint').toBe(0);
  });

  it('says there is nothing to plan for a read-only target', async () => {
    const file = join(dir, 'read-only.yaml');
    writeFileSync(file, `targets:\n  - { name: ro, vendor: alibaba-ecs, endpoint: 'http://127.0.0.1:1', region: cn-hangzhou, fixtures: { sameInstanceDisks: [d-1] } }\n`);
    const result = await snapconform(['plan', '--target', file], { env });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/nothing to plan/);
  });
});
