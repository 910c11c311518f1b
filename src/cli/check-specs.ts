import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadSpec } from '../spec/load-spec.ts';
import { SpecError } from '../spec/spec-error.ts';
import { SPEC_FILES } from '../vendors/registry.ts';
import { EXIT, fail, ROOT } from './cli-context.ts';
import { CHECK_SPECS_HELP } from './help.ts';

/** `snapconform check-specs`: validates every spec, one line per spec. */
export function checkSpecsCommand(args: string[]): number {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    return fail(`${(error as Error).message} (see snapconform check-specs --help)`);
  }
  if (values.help) {
    process.stdout.write(CHECK_SPECS_HELP);
    return EXIT.conforms;
  }
  let failed = false;
  for (const file of Object.values(SPEC_FILES)) {
    try {
      const spec = loadSpec(join(ROOT, file), { full: true });
      const examples = spec.actions.reduce((n, a) => n + a.examples.length, 0);
      process.stdout.write(`ok ${file}: ${spec.vendor} ${spec.version}, ${spec.actions.length} actions, ${examples} examples validated\n`);
    } catch (error) {
      if (!(error instanceof SpecError)) throw error;
      process.stderr.write(`snapconform: ${error.message}\n`);
      failed = true;
    }
  }
  return failed ? EXIT.badInput : EXIT.conforms;
}
