import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deviations } from '../../src/emulator/deviations/catalogue.ts';
import type { RunningServer } from '../../src/emulator/http-server.ts';
import { loadSpec } from '../../src/spec/load-spec.ts';
import { tencentCbs } from '../../src/vendors/tencent-cbs/adapter.ts';
import { sampleReport } from '../reporters/support/sample-report.ts';
import { BIN, latestReport, snapconform } from './support/cli.ts';
import { adminPost } from '../../src/emulator/admin-client.ts';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `snapconform-${name}-`));

describe('--help', () => {
  it('answers for every command, with the exit codes where a command has its own', async () => {
    const top = await snapconform(['--help']);
    expect(top.code).toBe(0);
    for (const code of ['0 ', '1 ', '2 ', '3 ', '4 ', '130 ']) expect(top.stdout).toContain(`\n  ${code}`);
    expect(top.stdout).toContain('snapconform report --merge <report>…');
    const usage: Record<string, RegExp> = {
      run: /^Usage: snapconform run \[options\][\s\S]*--shard <i>\/<n>[\s\S]*--baseline <file>[\s\S]*--fail-on new\|any[\s\S]*Exit codes:/,
      report: /^Usage:\n {2}snapconform report --merge[\s\S]*snapconform report --compare <a> <b> \[--json\]/,
      replay: /^Usage:\n {2}snapconform replay <report> \[<finding>\] \[-- <run options>\]/,
      sweep: /^Usage:\n {2}snapconform sweep \[--target <file>\] \[--report-dir <dir>\]/,
      emulate: /^Usage:\n {2}snapconform emulate /,
      'check-specs': /^Usage:\n {2}snapconform check-specs\n/,
    };
    for (const [command, text] of Object.entries(usage)) {
      const { code, stdout } = await snapconform([command, '--help']);
      expect(code, command).toBe(0);
      expect(stdout, command).toMatch(text);
    }
  });

  it('refuses malformed options of the new commands in one line, exit 2', async () => {
    const cases: Array<[string[], string]> = [
      [['run', '--shard', '3/2'], "snapconform: --shard must be <index>/<count> with 1 ≤ index ≤ count, e.g. 1/2; got '3/2'\n"],
      [['report'], 'snapconform: give --merge <report>…, --compare <a> <b> or --vendors <report>… (see snapconform report --help)\n'],
      [['report', '--vendors'], 'snapconform: --vendors takes one or more reports: conformance.json files, run folders or --report-dirs\n'],
      [['report', '--compare', 'a'], 'snapconform: --compare takes two reports, <a> (the reference) and <b>; got 1\n'],
      [['replay'], 'snapconform: replay takes a report and, optionally, one finding (see snapconform replay --help)\n'],
      [['replay', '/nonexistent/report'], "snapconform: /nonexistent/report: no such file or folder; give a conformance.json, a run's report folder or a --report-dir\n"],
    ];
    for (const [args, stderr] of cases) {
      const result = await snapconform(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toBe(stderr);
    }
  });
});

describe('Ctrl-C', () => {
  it('stops the run after the tests in flight, writes a report marked partial, and exits 130', async () => {
    const reportDir = tmp('interrupt');
    // An earlier run's report folder stays as it was; latest/ is replaced by the partial report, marked so.
    const report = sampleReport();
    mkdirSync(join(reportDir, report.run.id));
    writeFileSync(join(reportDir, report.run.id, 'conformance.json'), JSON.stringify(report));
    cpSync(join(reportDir, report.run.id), join(reportDir, 'latest'), { recursive: true });
    // Three property files with ten times their runs: the first to finish prints a progress line while the others
    // work for seconds more (the quota rule fills a disk's quota on every run), so the signal lands mid-run.
    const child = spawn(process.execPath, [BIN, 'run', '--report-dir', reportDir, '--rules', 'snapshot.lifecycle.model,snapshot.create.roundtrip,snapshot.create.quota', '--runs', '10', '--seed', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (/snapconform: rules [1-9]\d*\//.test(stdout) && !child.killed) child.kill('SIGINT');
      });
      child.on('exit', (exitCode) => resolve(exitCode));
    });
    expect(code, stdout.slice(-2000) + stderr).toBe(130);
    expect(stderr).toContain('snapconform: SIGINT: stopping after the tests in flight and writing a partial report');
    const partial = latestReport(reportDir);
    expect(partial.run).toMatchObject({ reason: 'interrupted', partial: true });
    expect(partial.results.length).toBeGreaterThan(0);
    expect(partial.results.length).toBeLessThan(9);
    expect(readFileSync(join(reportDir, 'latest', 'conformance.md'), 'utf8')).toContain('**⚠️ Partial report: the run ended early (interrupted).**');
    expect(stdout).toMatch(/\(partial: the run ended early\) — report in /);
    expect(JSON.parse(readFileSync(join(reportDir, report.run.id, 'conformance.json'), 'utf8'))).toEqual(report);
  });
});

describe('safety aborts exit 3', () => {
  const principal = { id: 'AKIDEXITCODESEXITCODESEXITCODES00000', secret: 'exit-codes-secret', account: 'exit-codes' };
  const env = { ...process.env, TENCENTCLOUD_SECRET_ID: principal.id, TENCENTCLOUD_SECRET_KEY: principal.secret };
  let emulator: RunningServer;
  let proxy: Server;
  let proxyUrl: string;

  beforeAll(async () => {
    emulator = await tencentCbs.emulator!.start(loadSpec('specs/tencent-cbs.yaml'), principal, new Deviations());
    await fetch(`${emulator.url}/_snapconform/seed`, adminPost({ region: 'ap-guangzhou', ...tencentCbs.emulator!.fixtures('ap-guangzhou').seed }));
    await fetch(`${emulator.url}/_snapconform/config`, adminPost({ limits: false }));
    // A "real account" that refuses every delete: the run's cleanup cannot remove what it created.
    proxy = createServer(async (request, response) => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      if (request.headers['x-tc-action'] === 'DeleteSnapshots') {
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Response: { Error: { Code: 'InternalError', Message: 'refused by the test' }, RequestId: '6f8f4a1e-0000-4000-8000-000000000000' } }));
        return;
      }
      const headers = Object.fromEntries(Object.entries(request.headers).filter(([n]) => !['host', 'connection', 'content-length'].includes(n))) as Record<string, string>;
      const upstream = await fetch(`${emulator.url}${request.url}`, { method: request.method, headers, body: request.method === 'POST' ? Buffer.concat(chunks) : undefined });
      response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' }).end(Buffer.from(await upstream.arrayBuffer()));
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    proxy.closeAllConnections();
    await new Promise((resolve) => proxy.close(resolve));
    await emulator.close();
  });

  /** A target file for a real endpoint (as the CLI sees it) at `url`. */
  function realTarget(url: string, maxSnapshots: number): string {
    const file = join(tmp('real-target'), 'real.yaml');
    writeFileSync(file, `targets:\n  - name: real\n    vendor: tencent-cbs\n    endpoint: ${url}\n    region: ap-guangzhou\n    maxSnapshots: ${maxSnapshots}\n    fixtures: { sameInstanceDisks: [disk-fixture1, disk-fixture2] }\n`);
    return file;
  }

  it('when the plan of a run exceeds the budget (before anything is sent), or, without the plan, a create would go past it', async () => {
    const planned = await snapconform(['run', '--target', realTarget(emulator.url, 0), '--rules', 'snapshot.create.roundtrip', '--allow-mutations', '--report-dir', tmp('plan')], { env });
    expect(planned.code, planned.stderr).toBe(3);
    expect(planned.stderr).toMatch(/^snapconform: safety abort: real: the run would create \d+ snapshots \(snapshot\.create\.roundtrip \d+\), its budget is maxSnapshots: 0; raise it/m);
    const { code, stderr } = await snapconform(['run', '--target', realTarget(emulator.url, 0), '--rules', 'snapshot.create.roundtrip', '--allow-mutations', '--no-plan', '--report-dir', tmp('budget')], { env });
    expect(code, stderr).toBe(3);
    expect(stderr).toMatch(/^snapconform: safety abort: .*BudgetExceededError: real: the run has created 0 resources, its budget \(maxSnapshots: 0\)$/m);
  });

  it('when the cleanup leaves created resources behind', async () => {
    const { code, stderr } = await snapconform(['run', '--target', realTarget(proxyUrl, 100), '--rules', 'snapshot.create.roundtrip', '--allow-mutations', '--report-dir', tmp('cleanup')], { env });
    expect(code, stderr).toBe(3);
    expect(stderr).toMatch(/^snapconform: safety abort: real: the cleanup left created resources \([1-9]\d* left behind; see the report's cleanup section\); run `snapconform sweep --target \S+ --report-dir \S+`$/m);
  });
});
