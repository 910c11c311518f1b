import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a deliberately broken build of tencentcloud-sdk-nodejs departs from the real one. */
export type Breakage = 'drop-deadline' | 'tags-as-object' | 'swallow-errors';

const BREAKAGES: Record<Breakage, string> = {
  // Forgets a parameter it was given.
  'drop-deadline': `if (action === 'CreateSnapshot' && req) { req = { ...req }; delete req.Deadline; }`,
  // Serialises a list of one tag as the tag itself.
  'tags-as-object': `if (action === 'CreateSnapshot' && req && Array.isArray(req.Tags) && req.Tags.length > 0) req = { ...req, Tags: req.Tags[0] };`,
  // Turns every error into a generic one.
  'swallow-errors': `return original.call(this, req).catch(() => { throw new Error('request failed'); });`,
};

/**
 * A project directory whose node_modules/tencentcloud-sdk-nodejs is a broken build: the real SDK (this
 * project's), with one method wrapper that breaks it as `breakage` says. Point `--driver-path` at it, as an SDK
 * team would at the build it is about to release.
 */
export function brokenTencentSdk(breakage: Breakage): string {
  const project = mkdtempSync(join(tmpdir(), `snapconform-broken-sdk-${breakage}-`));
  const root = join(project, 'node_modules', 'tencentcloud-sdk-nodejs');
  const cbsDir = join(root, 'tencentcloud', 'services', 'cbs');
  mkdirSync(cbsDir, { recursive: true });
  const real = createRequire(import.meta.url).resolve('tencentcloud-sdk-nodejs/tencentcloud/services/cbs');
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'sdk-release-candidate', private: true }));
  writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'tencentcloud-sdk-nodejs', version: `0.0.0-${breakage}`, main: 'index.js' }));
  writeFileSync(join(root, 'index.js'), `module.exports = require('./tencentcloud/services/cbs');\n`);
  writeFileSync(join(cbsDir, 'index.js'), `const real = require(${JSON.stringify(real)});
const Client = real.cbs.v20170312.Client;
for (const action of Object.getOwnPropertyNames(Client.prototype)) {
  if (!/^[A-Z]/.test(action)) continue;
  const original = Client.prototype[action];
  Client.prototype[action] = function (req) {
    ${BREAKAGES[breakage]}
    return original.call(this, req);
  };
}
module.exports = real;
`);
  return project;
}
