/**
 * How the CLI writes to its output: a live line for a person at a terminal, or plain lines for a log; colour
 * codes or none. Pure functions of the environment and whether stdout is a terminal, so tests can ask them.
 */

type Env = Readonly<Record<string, string | undefined>>;

/** Whether an environment flag is set to something other than off (`''`, `0`, `false`). */
function flagSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/** Whether progress goes to a person at a terminal (one line redrawn in place) rather than to a log (`CI` set, or not a terminal). */
export function isLiveTerminal(env: Env, stdoutIsTTY: boolean): boolean {
  return stdoutIsTTY && !flagSet(env['CI']);
}

/**
 * Whether output may carry ANSI colour codes, by the common conventions: `FORCE_COLOR` (not `0`/`false`)
 * forces them, `NO_COLOR` (https://no-color.org: set and not empty) or `FORCE_COLOR=0` removes them, and
 * otherwise only a terminal gets them — a CI log or a pipe gets plain text even with `CI` set (vitest's own
 * colour detection turns colours on for `CI`, which writes escape codes into files).
 */
export function wantsColour(env: Env, stdoutIsTTY: boolean): boolean {
  const force = env['FORCE_COLOR'];
  if (force !== undefined && force !== '') return flagSet(force);
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  return stdoutIsTTY;
}

/**
 * Makes the decision of {@link wantsColour} binding for vitest and its workers, which read the environment
 * (tinyrainbow: `NO_COLOR` wins over everything, `FORCE_COLOR` turns colours on). Called by `bin/snapconform.js` before anything imports vitest.
 */
export function settleColour(env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): void {
  if (wantsColour(env, stdoutIsTTY)) {
    // Only a FORCE_COLOR can leave a NO_COLOR here, and it must win over tinyrainbow's NO_COLOR check.
    delete env['NO_COLOR'];
    return;
  }
  env['NO_COLOR'] = '1';
  delete env['FORCE_COLOR'];
}
