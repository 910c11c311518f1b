import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTargetFile } from '../../src/conformance/target-file.ts';
import { nearestKey } from '../../src/conformance/unknown-keys.ts';

const dir = mkdtempSync(join(tmpdir(), 'snapconform-target-file-'));
let count = 0;

/** Writes a target file and loads it; the error message when it is refused. */
function refusal(yaml: string, env: NodeJS.ProcessEnv = {}): string {
  const file = join(dir, `t${count++}.yaml`);
  writeFileSync(file, yaml);
  try {
    loadTargetFile(file, env);
  } catch (error) {
    return (error as Error).message.replace(`${file}: `, '');
  }
  return 'accepted';
}

const real = (extra: string) => `targets:\n  - name: t\n    vendor: tencent-cbs\n    endpoint: https://cbs.tencentcloudapi.com\n    region: ap-guangzhou\n${extra}`;
const keys = { TENCENTCLOUD_SECRET_ID: 'AKIDexample0000', TENCENTCLOUD_SECRET_KEY: 'secret-example-0000' };

describe('a target file with a key the reader does not know', () => {
  it('is refused at the top level, in a target, and in credentials, fixtures and rateLimit, naming the nearest known key', () => {
    expect(refusal(`${real('    maxSnapshot: 1\n')}`, keys)).toBe('unknown key `maxSnapshot` in target `t` — did you mean `maxSnapshots`?');
    expect(refusal(`target:\n  - name: t\n`)).toBe('unknown key `target` at the top level — did you mean `targets`?');
    expect(refusal(real('    credentials: { idFromEnv: MY_ID, secretFromenv: MY_KEY }\n'), { MY_ID: 'AKIDexample0000', MY_KEY: 'secret-0000' }))
      .toBe('unknown key `secretFromenv` in target `t` (credentials) — did you mean `secretFromEnv`?');
    expect(refusal(real('    fixtures: { sameInstanceDisks: [disk-1, disk-2], quotaDsk: disk-3 }\n'), keys))
      .toBe('unknown key `quotaDsk` in target `t` (fixtures: disk roles) — did you mean `quotaDisk`?');
    expect(refusal(real('    rateLimit: { CreateSnapshots: 5 }\n'), keys))
      .toBe('unknown key `CreateSnapshots` in target `t` (rateLimit: actions of tencent-cbs) — did you mean `CreateSnapshot`?');
  });

  it('is named even before the name is valid, and lists the known keys when none is near', () => {
    expect(refusal('targets:\n  - nmae: t\n    vendor: tencent-cbs\n')).toBe('unknown key `nmae` in targets[0] — did you mean `name`?');
    expect(refusal(real('    colour: blue\n'), keys)).toMatch(/^unknown key `colour` in target `t` — known keys: name, vendor, endpoint, region, credentials, fixtures, rateLimit, allowMutations, maxSnapshots, /);
  });

  it('is accepted when every key is known (the example files for real accounts included)', () => {
    expect(refusal(real('    maxSnapshots: 1\n    rateLimit: { CreateSnapshot: 5 }\n    credentials: { idFromEnv: MY_ID, secretFromEnv: MY_KEY }\n    fixtures: { sameInstanceDisks: [a, b], quotaDisk: c }\n'), { MY_ID: 'AKIDexample0000', MY_KEY: 'secret-0000' })).toBe('accepted');
    const env = { TENCENTCLOUD_SECRET_ID: 'x', TENCENTCLOUD_SECRET_KEY: 'x', ALIBABA_CLOUD_ACCESS_KEY_ID: 'x', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'x', ZENLAYERCLOUD_ACCESS_KEY_ID: 'x', ZENLAYERCLOUD_ACCESS_KEY_PASSWORD: 'x' };
    for (const file of ['targets/emulators.yaml', 'targets/tencent-cbs.real.example.yaml', 'targets/alibaba-ecs.real.example.yaml', 'targets/zenlayer-zec.real.example.yaml']) {
      expect(() => loadTargetFile(file, env), file).not.toThrow();
    }
  });
});

describe('a credential no request could carry', () => {
  it('is refused naming the variable or key it came from, never its value', () => {
    const secret = 'line-one-secret\nline-two';
    const fromVendorVariable = refusal(real(''), { ...keys, TENCENTCLOUD_SECRET_KEY: secret });
    expect(fromVendorVariable).toBe('targets[0].credentials: environment variable TENCENTCLOUD_SECRET_KEY contains a line break; set it to the key alone, on one line');
    const fromNamedVariable = refusal(real('    credentials: { idFromEnv: MY_ID, secretFromEnv: MY_KEY }\n'), { MY_ID: 'AKIDexämple0000', MY_KEY: 'secret-0000' });
    expect(fromNamedVariable).toBe('targets[0].credentials: environment variable MY_ID contains a character outside ASCII; copy the key again from the console');
    expect(refusal(real('    credentials: { id: "AKID\\texample", secret: s3cr3t-value }\n'))).toBe('targets[0].credentials: credentials.id contains a control character; set it to the key alone');
    for (const message of [fromVendorVariable, fromNamedVariable]) expect(message).not.toMatch(/line-one|AKIDex/);
  });
});

describe('nearestKey', () => {
  it('finds a dropped, doubled or swapped letter and a wrong case, not an unrelated word', () => {
    const known = ['maxSnapshots', 'region', 'endpoint'];
    expect(nearestKey('maxSnapshot', known)).toBe('maxSnapshots');
    expect(nearestKey('reigon', known)).toBe('region');
    expect(nearestKey('Endpoint', known)).toBe('endpoint');
    expect(nearestKey('enddpoint', known)).toBe('endpoint');
    expect(nearestKey('colour', known)).toBeUndefined();
  });
});

describe("a target's deviations", () => {
  const emulator = (extra: string) => `targets:\n  - name: e\n    vendor: alibaba-ecs\n    endpoint: emulator\n    region: cn-hangzhou\n${extra}`;

  it('are read for an embedded emulator, each once', () => {
    const file = join(dir, `t${count++}.yaml`);
    writeFileSync(file, emulator('    deviations: [quota-off-by-one, tags-dropped, quota-off-by-one]\n'));
    expect(loadTargetFile(file)[0]!.deviations).toEqual(['quota-off-by-one', 'tags-dropped']);
  });

  it('are refused for a real endpoint, unknown, or not a list, in one line', () => {
    expect(refusal(real('    deviations: [quota-off-by-one]\n'), keys)).toBe('targets[0].deviations: only an embedded emulator (endpoint: emulator) can be made to deviate; remove the key');
    expect(refusal(emulator('    deviations: [quota-of-by-one]\n'))).toBe("targets[0].deviations: unknown deviation 'quota-of-by-one' (`snapconform emulate --help` lists them)");
    expect(refusal(emulator('    deviations: quota-off-by-one\n'))).toBe('targets[0].deviations: must be a list of deviation ids, e.g. [quota-off-by-one]');
  });
});
