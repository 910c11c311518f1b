import { SPEC_FILES } from '../vendors/spec-files.ts';
import { EXIT, fail, ROOT, VERSION } from './cli-context.ts';
import { topHelp } from './help.ts';

export { EXIT } from './cli-context.ts';

/**
 * Each command, loaded only when it is the one asked for: a command's module graph (vitest, the emulators,
 * the reporters) is most of the CLI's start, and `report`, `replay` or `--help` need none of the others.
 */
const COMMANDS: Record<string, () => Promise<(args: string[]) => number | Promise<number>>> = {
  run: async () => (await import('./run.ts')).runCommand,
  plan: async () => (await import('./plan.ts')).planCommand,
  report: async () => (await import('./report.ts')).reportCommand,
  replay: async () => (await import('./replay.ts')).replayCommand,
  sweep: async () => (await import('./sweep.ts')).sweepCommand,
  obligations: async () => (await import('./obligations.ts')).obligationsCommand,
  'check-specs': async () => (await import('./check-specs.ts')).checkSpecsCommand,
  emulate: async () => {
    const { emulate } = await import('./emulate.ts');
    return (args) => emulate(args, { root: ROOT, version: VERSION, fail });
  },
};

/** Dispatches a command line to its command; resolves to the exit code. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const load = command === undefined ? undefined : Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (load) return (await load())(rest);
  switch (command) {
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
