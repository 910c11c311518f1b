import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargetFile, TargetFileError } from '../../src/conformance/target-file.ts';
import { prepareTargets } from '../../src/cli/run-targets.ts';

describe('the target files of a run', () => {
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-targets-'));
  const a = join(dir, 'a.yaml');
  const b = join(dir, 'b.yaml');
  writeFileSync(a, 'targets:\n  - { name: cbs, vendor: tencent-cbs, endpoint: emulator, region: ap-guangzhou }\n');
  writeFileSync(b, 'targets:\n  - name: ecs\n    vendor: alibaba-ecs\n    endpoint: https://ecs.aliyuncs.com\n    region: cn-hangzhou\n    credentials: { idFromEnv: MY_ID, secretFromEnv: MY_SECRET }\n');
  const env = { ...process.env, MY_ID: 'id-from-env', MY_SECRET: 'secret-from-env' };

  it('are read as they are when there is one', () => {
    const one = prepareTargets([a]);
    expect(one.file).toBe(a);
    expect(one.entries.map((e) => e.name)).toEqual(['cbs']);
  });

  it('are joined, in order, into a private temporary file that keeps credentials as variable names, removed after the run', () => {
    process.env['MY_ID'] = env.MY_ID;
    process.env['MY_SECRET'] = env.MY_SECRET;
    try {
      const joined = prepareTargets([a, b]);
      expect(joined.sources).toEqual([a, b]);
      expect(joined.entries.map((e) => e.name)).toEqual(['cbs', 'ecs']);
      expect(statSync(joined.file).mode & 0o777).toBe(0o600);
      const text = readFileSync(joined.file, 'utf8');
      expect(text).toContain('idFromEnv: MY_ID');
      expect(text).not.toContain('secret-from-env');
      expect(loadTargetFile(joined.file, env).map((e) => [e.name, e.credentials?.id])).toEqual([['cbs', undefined], ['ecs', 'id-from-env']]);
      joined.dispose();
      expect(existsSync(joined.file)).toBe(false);
    } finally {
      delete process.env['MY_ID'];
      delete process.env['MY_SECRET'];
    }
  });

  it('may not share a target name', () => {
    expect(() => prepareTargets([a, a])).toThrow(new TargetFileError(`${a}: targets[0].name: 'cbs' is a target of ${a} too; target names must be unique across --target files`));
  });
});
