/**
 * Text from an endpoint — an error code, a message, a request id, a snapshot name — made safe to print on a
 * terminal. An endpoint controls those bytes: an ESC sequence in a RequestId could clear the screen, move the
 * cursor over earlier lines, retitle the window or write an OSC 8 link, so a finding would not read as it is.
 * Every C0 control but line feed and tab, DEL, every C1 control (U+0080–U+009F, CSI included) and the
 * bidirectional overrides that reorder what is shown are written visibly instead, as `\x1b` or `\u202e`:
 * what the endpoint sent stays readable, and nothing of it is interpreted.
 */

// C0 but \t and \n, DEL, C1; and the bidi embeddings, overrides and isolates (Trojan Source).
const UNSAFE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/** `text` with every terminal control character written as a visible escape. */
export function terminalSafe(text: string): string {
  return text.replace(UNSAFE, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `text` safe for one terminal line: as {@link terminalSafe}, and line breaks written as `\n`. */
export function terminalLine(text: string): string {
  return terminalSafe(text.replaceAll('\r', '\\r').replaceAll('\n', '\\n'));
}
