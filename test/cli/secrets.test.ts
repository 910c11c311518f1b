import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';
import { CHILD_LIMIT_MS } from '../support/time-limits.ts';
import { filesUnder } from './support/cli.ts';

const exec = promisify(execFile);
const BIN = new URL('../../bin/snapconform.js', import.meta.url).pathname;
const SECRET_ID = 'AKIDLEAKCHECK7Q2W9E4R6T8Y1U3I5O7P';
const SECRET_KEY = 'leak-check-secret-key-9f8e7d6c5b4a';
const TOKEN = 'leak-check-session-token-0a1b2c3d4e5f';

/** The TC3 signing key derived from a secret for a date (a secret in its own right). */
function derivedKeys(secret: string, date: string): string[] {
  const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  const secretDate = hmac('TC3' + secret, date);
  const secretService = hmac(secretDate, 'cbs');
  return [secretDate, secretService, hmac(secretService, 'tc3_request')].flatMap((k) => [k.toString('hex'), k.toString('base64')]);
}

let emulator: RunningServer;
let targetFile: string;

beforeAll(async () => {
  const spec = loadSpec('specs/tencent-cbs.yaml');
  emulator = await tencentCbs.emulator!.start(spec, { id: SECRET_ID, secret: SECRET_KEY, account: 'leak' }, new Deviations());
  const { seed, roles } = tencentCbs.emulator!.fixtures('ap-guangzhou');
  await fetch(`${emulator.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...seed }));
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-leak-'));
  targetFile = join(dir, 'target.yaml');
  // Seen from the CLI this is a real endpoint: credentials come from the vendor's usual variables.
  writeFileSync(targetFile, `targets:\n  - name: leak-check\n    vendor: tencent-cbs\n    endpoint: ${emulator.url}\n    region: ap-guangzhou\n    fixtures:\n      sameInstanceDisks: ${JSON.stringify(roles.sameInstanceDisks)}\n`);
});

afterAll(() => emulator.close());

async function runWith(secret: string): Promise<{ code: number; texts: string[] }> {
  const reportDir = mkdtempSync(join(tmpdir(), 'snapconform-leak-report-'));
  const env = { ...process.env, TENCENTCLOUD_SECRET_ID: SECRET_ID, TENCENTCLOUD_SECRET_KEY: secret, TENCENTCLOUD_SESSION_TOKEN: TOKEN };
  let code = 0;
  let stdout = '';
  let stderr = '';
  try {
    ({ stdout, stderr } = await exec(process.execPath, [BIN, 'run', '--target', targetFile, '--report-dir', reportDir], { env, timeout: CHILD_LIMIT_MS, maxBuffer: 64 * 1024 * 1024 }));
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    ({ code, stdout, stderr } = e);
  }
  return { code, texts: [stdout, stderr, ...filesUnder(reportDir).map((f) => readFileSync(f, 'utf8'))] };
}

describe('secrets', () => {
  const today = new Date().toISOString().slice(0, 10);

  it('never appear in output or reports of a passing run (credentials from TENCENTCLOUD_* variables)', async () => {
    const { code, texts } = await runWith(SECRET_KEY);
    expect(code).toBe(0);
    const all = texts.join('\n');
    expect(all).toContain('x-tc-token'); // the token header was sent and recorded...
    for (const secret of [SECRET_KEY, TOKEN, SECRET_ID, ...derivedKeys(SECRET_KEY, today)]) {
      expect(all.includes(secret), `found a secret of length ${secret.length}`).toBe(false); // ...masked
    }
    expect(all).toContain('AKID****');
  });

  it('never appear in the errors of a failing run', async () => {
    const wrong = 'wrong-secret-also-confidential-1234';
    const { code, texts } = await runWith(wrong);
    expect(code).toBe(1);
    const all = texts.join('\n');
    expect(all).toContain('AuthFailure.SignatureFailure');
    for (const secret of [wrong, TOKEN, SECRET_ID, ...derivedKeys(wrong, today)]) {
      expect(all.includes(secret), `found a secret of length ${secret.length}`).toBe(false);
    }
  });
});
