import { loadSpec } from '../spec/load-spec.ts';
import { SpecError } from '../spec/spec-error.ts';

/** `tsx src/cli/check-spec.ts specs/*.yaml`: loads each spec and prints one line per file. Exit 2 on a bad spec. */
let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const spec = loadSpec(file);
    const examples = spec.actions.reduce((n, a) => n + a.examples.length, 0);
    console.log(`ok ${file}: ${spec.vendor} ${spec.version}, ${spec.actions.length} actions, ${examples} examples validated`);
  } catch (error) {
    if (!(error instanceof SpecError)) throw error;
    console.error(`snapconform: ${error.message}`);
    failed = true;
  }
}
process.exitCode = failed ? 2 : 0;
