/**
 * Remote output is hostile until proven otherwise: it may carry terminal escapes (clear screen,
 * set title, OSC 52 clipboard writes) or binary. These functions make it safe to print.
 */

// CSI, OSC (terminated by BEL or ST), other ESC sequences, and C0/C1 controls except \t and \n.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

export function stripTerminalEscapes(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ESCAPES, (m) => (m === '\r' ? '' : m.length === 1 ? '\ufffd' : ''));
}

/** True when a buffer looks binary (NUL bytes or mostly non-text) rather than text. */
export function looksBinary(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 8192);
  if (n === 0) return false;
  let odd = 0;
  for (let i = 0; i < n; i++) {
    const b = buf[i]!;
    if (b === 0) return true;
    if (b < 7 || (b > 13 && b < 32 && b !== 27)) odd++;
  }
  return odd / n > 0.1;
}

/** Text to store and show for captured output: binary is summarized, never dumped. */
export function outputText(buf: Uint8Array): { text: string; binary: boolean } {
  if (looksBinary(buf)) return { text: `[binary output, ${buf.length} bytes]`, binary: true };
  return { text: Buffer.from(buf).toString('utf8'), binary: false };
}
