import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { RUN_ENV } from '../conformance/run-env.ts';
import { loadTargetFile, TargetFileError, type TargetEntry } from '../conformance/target-file.ts';
import { readYamlFile } from '../spec/yaml-source.ts';

/** The targets of a run, from one target file or several. */
export interface RunTargets {
  /** The one file the run reads (`SNAPCONFORM_TARGET_FILE`). */
  file: string;
  /** The files the user named, in order. */
  sources: string[];
  entries: TargetEntry[];
  /** Removes the joined file, if one was written. */
  dispose(): void;
}

/**
 * Reads the target files of a run (`--target`, repeatable). Several are joined into one temporary file
 * (the run's global setup reads one), their targets in order, exactly as written: credentials stay
 * references to environment variables (`idFromEnv`) where the files say so. The file is private to the user
 * and removed by `dispose`; the report names the user's files, not it.
 * @throws {@link TargetFileError} for a file that cannot be used, or a target name two files share
 */
export function prepareTargets(files: ReadonlyArray<string>): RunTargets {
  const owner = new Map<string, string>();
  // A plan's rehearsal sends nothing to the endpoints: it needs no credentials.
  const credentials = process.env[RUN_ENV.rehearsal] === '1' ? 'optional' : 'required';
  const entries = files.flatMap((file) => loadTargetFile(file, process.env, { credentials }).map((entry, i) => {
    const other = owner.get(entry.name);
    if (other !== undefined) throw new TargetFileError(`${file}: targets[${i}].name: '${entry.name}' is a target of ${other} too; target names must be unique across --target files`);
    owner.set(entry.name, file);
    return entry;
  }));
  if (files.length === 1) return { file: files[0]!, sources: [...files], entries, dispose: () => {} };
  const raw = files.flatMap((file) => {
    const read = readYamlFile(file, 'pass an existing target file with --target');
    // loadTargetFile has just read it: a problem now means it changed under us.
    if ('problem' in read) throw new TargetFileError(`${file}: (file): ${read.problem}`);
    return (read.data as { targets: unknown[] }).targets;
  });
  const dir = mkdtempSync(join(tmpdir(), 'snapconform-targets-'));
  const file = join(dir, 'targets.yaml');
  writeFileSync(file, `# joined by snapconform run from ${files.join(', ')}\n${stringify({ targets: raw })}`, { mode: 0o600 });
  return { file, sources: [...files], entries, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}
