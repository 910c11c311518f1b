/**
 * A spec that cannot be used. Its message is one line: `file[:line] pointer: reason`, so that a person
 * can open the file at the spot and fix it; the CLI prints it without a stack trace.
 */
export class SpecError extends Error {
  override readonly name = 'SpecError';

  constructor(
    /** The spec file, as given to the loader. */
    readonly file: string,
    /** JSON pointer into the document (`""` for the whole document). */
    readonly pointer: string,
    /** What is wrong, in words. */
    readonly reason: string,
    /** 1-based line in the file, when it is known. */
    readonly line?: number,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`} ${pointer === '' ? '/' : pointer}: ${reason}`);
  }
}
