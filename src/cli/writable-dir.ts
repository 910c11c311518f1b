import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Makes `dir` (and its missing parents) and proves it takes a file, by writing and removing a probe: the
 * problem in a few words, or undefined when the directory is ready. Everything a command writes goes there
 * (reports, ledgers, exchanges), so a directory that cannot take it must stop the command before it starts.
 *
 * The parents are made one at a time rather than with `mkdirSync(…, { recursive: true })`, which Node 20 never
 * returns from for a path under `/proc` (it retries the ENOENT forever).
 */
export function writableDirProblem(dir: string): string | undefined {
  const target = resolve(dir);
  const missing: string[] = [];
  for (let at = target; ; at = dirname(at)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(at).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // ENOTDIR: a parent further up is a file; the walk up finds it and says so.
      if ((code === 'ENOENT' || code === 'ENOTDIR') && dirname(at) !== at) {
        missing.unshift(at);
        continue;
      }
      return `cannot read ${at} (${code ?? String(error)})`;
    }
    if (!isDirectory) return at === target ? 'it is a file, not a directory' : `${at} is a file, not a directory`;
    break;
  }
  for (const path of missing) {
    try {
      mkdirSync(path);
    } catch (error) {
      return `cannot create ${path} (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
    }
  }
  const probe = join(target, `.snapconform-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe);
  } catch (error) {
    return `cannot write a file in it (${(error as NodeJS.ErrnoException).code ?? String(error)})`;
  }
  return undefined;
}
