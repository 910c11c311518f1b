import { SPEC_FILES } from '../vendors/registry.ts';
import { checkSpecsCommand } from './check-specs.ts';
import { EXIT, fail, ROOT, VERSION } from './cli-context.ts';
import { emulate } from './emulate.ts';
import { topHelp } from './help.ts';
import { obligationsCommand } from './obligations.ts';
import { planCommand } from './plan.ts';
import { replayCommand } from './replay.ts';
import { reportCommand } from './report.ts';
import { runCommand } from './run.ts';
import { sweepCommand } from './sweep.ts';

export { EXIT } from './cli-context.ts';

/** Dispatches a command line to its command; resolves to the exit code. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'run': return runCommand(rest);
    case 'plan': return planCommand(rest);
    case 'report': return reportCommand(rest);
    case 'replay': return replayCommand(rest);
    case 'sweep': return sweepCommand(rest);
    case 'obligations': return obligationsCommand(rest);
    case 'check-specs': return checkSpecsCommand(rest);
    case 'emulate': return emulate(rest, { root: ROOT, version: VERSION, fail });
    case '--version': case '-v':
      process.stdout.write(`${VERSION}\n`);
      return EXIT.conforms;
    case undefined: case '--help': case '-h': case 'help':
      process.stdout.write(topHelp(VERSION, Object.keys(SPEC_FILES).join(', ')));
      return EXIT.conforms;
    default:
      return fail(`unknown command '${command}' (see snapconform --help)`);
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`snapconform: internal error: ${(error as Error).message ?? String(error)}\n`);
    process.exit(EXIT.internal);
  },
);
