import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every file a README command names exists (issue 15: `cbs.yaml`, `real.yaml`, `ci/baseline.yaml`, `reports/v1`
// were named and never shipped, and the shards were merged from folders no command wrote). A static check: the
// shell blocks' snapconform commands are read, and each path they read must be shipped in the package (a file
// under package.json's `files`) or written by a command earlier in the README (a `--report-dir`, a redirection,
// `cp`, `mkdir`). Running them all would take a real account; this catches the paths, which is what broke.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const SHIPPED = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files;

/** The commands of the README's `sh` blocks, in order: continuation lines joined, comments and heredoc bodies left out. */
function shellCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const [, block] of markdown.matchAll(/^```sh\n([\s\S]*?)^```/gm)) {
    let heredocEnd: string | undefined;
    let pending = '';
    for (const line of block!.split('\n')) {
      if (heredocEnd !== undefined) {
        if (line.trim() === heredocEnd) heredocEnd = undefined;
        continue;
      }
      const code = line.replace(/(^|\s)#.*$/, '').trimEnd();
      heredocEnd = /<<-?'?(\w+)'?/.exec(code)?.[1];
      if (code.endsWith('\\')) {
        pending += `${code.slice(0, -1)} `;
        continue;
      }
      const command = (pending + code).trim();
      pending = '';
      if (command !== '') commands.push(...command.split(/\s*(?:&&|;|\|\|?)\s*/));
    }
  }
  return commands;
}

/** Shell words, quotes removed (the README's commands use no escapes inside quotes). */
function words(command: string): string[] {
  return [...command.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

/** The options of the README's snapconform commands that take no value: what follows them is a positional. */
const FLAGS = new Set(['--help', '--json', '--allow-mutations', '--verbose', '--no-plan', '--strict', '--merge', '--compare', '--vendors']);

/** What a snapconform command reads and writes, by its options and subcommand. */
function snapconformPaths(args: string[]): { reads: string[]; writes: string[] } {
  const reads: string[] = [];
  const writes: string[] = [];
  const positionals: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const arg = args[i]!;
    if (arg === '--') break;
    if (!arg.startsWith('--')) {
      positionals.push(arg);
      continue;
    }
    const value = args[i + 1];
    if (['--target', '--baseline', '--driver-path'].includes(arg)) reads.push(value!);
    // emulate --seed takes a world file; run --seed a number.
    if (arg === '--seed' && !/^-?\d+$/.test(value ?? '')) reads.push(value!);
    if (['--report-dir', '--state', '--violations'].includes(arg)) writes.push(value!);
    if (!FLAGS.has(arg)) i += 1;
  }
  const [command, ...rest] = positionals;
  if (command === 'report' && (args.includes('--merge') || args.includes('--compare') || args.includes('--vendors'))) reads.push(...rest);
  if (command === 'replay' && rest[0] !== undefined) reads.push(rest[0]);
  // A run, and a merge, write to reports/ unless told otherwise.
  if ((command === 'run' || (command === 'report' && args.includes('--merge'))) && !args.includes('--report-dir') && !args.includes('--help')) writes.push('reports');
  return { reads, writes };
}

/** Each path a README command reads that neither ships nor was written by an earlier command, with the command. */
function missingPaths(commands: string[]): string[] {
  const written: string[] = [];
  const missing: string[] = [];
  const placeholder = (path: string) => /[<>$…]|^\/path\/to\//.test(path);
  const shipped = (path: string) => SHIPPED.some((entry) => path === entry || path.startsWith(`${entry}/`)) && existsSync(join(ROOT, path));
  // A report dir is read as itself or through its latest/: reports/v1 is not reports' (issue 15).
  const writtenBefore = (path: string) => written.some((w) => path === w || path.startsWith(`${w}/latest/`));
  for (const command of commands) {
    const all = words(command);
    const redirect = all.indexOf('>');
    const argv = redirect < 0 ? all : all.slice(0, redirect);
    if (redirect >= 0) written.push(all[redirect + 1]!);
    const [program, ...args] = argv;
    let reads: string[] = [];
    if (program === 'npx' && args[0] === 'snapconform') ({ reads } = snapconformPaths(args.slice(1)));
    else if (program === 'node' && args[0] === 'bin/snapconform.js') reads = ['bin/snapconform.js', ...snapconformPaths(args.slice(1)).reads];
    else if (program === 'cp') reads = args.slice(0, -1);
    for (const path of reads) if (!placeholder(path) && !shipped(path) && !writtenBefore(path)) missing.push(`${path} (in: ${command})`);
    if (program === 'npx' && args[0] === 'snapconform') written.push(...snapconformPaths(args.slice(1)).writes);
    if (program === 'node' && args[0] === 'bin/snapconform.js') written.push(...snapconformPaths(args.slice(1)).writes);
    if (program === 'cp') written.push(args.at(-1)!);
    if (program === 'mkdir') written.push(...args.filter((a) => !a.startsWith('-')));
  }
  return missing;
}

describe('the README\'s commands', () => {
  it('are found: the quick start\'s, the emulators\', the SDK comparison\'s', () => {
    const commands = shellCommands(README);
    expect(commands).toContain('npx snapconform --help');
    expect(commands).toContain('node bin/snapconform.js emulate --seed examples/world.yaml --vendor tencent-cbs');
    expect(commands.some((c) => c.startsWith('npx snapconform report --merge '))).toBe(true);
    // A heredoc's body is not a command.
    expect(commands.some((c) => c.startsWith('targets:'))).toBe(false);
  });

  it('read only files the package ships or an earlier command writes', () => {
    expect(missingPaths(shellCommands(README))).toEqual([]);
  });

  it('would name a file that is not there, and a merge of folders no command wrote', () => {
    expect(missingPaths([
      'npx snapconform run --target cbs.yaml --report-dir out',
      'npx snapconform run --shard 1/2',
      'npx snapconform report --merge shard-1 shard-2',
      'npx snapconform run --baseline examples/baseline.yaml',
      'npx snapconform report --compare reports/v1 reports/latest/conformance.json',
    ])).toEqual([
      'cbs.yaml (in: npx snapconform run --target cbs.yaml --report-dir out)',
      'shard-1 (in: npx snapconform report --merge shard-1 shard-2)',
      'shard-2 (in: npx snapconform report --merge shard-1 shard-2)',
      'reports/v1 (in: npx snapconform report --compare reports/v1 reports/latest/conformance.json)',
    ]);
  });
});
