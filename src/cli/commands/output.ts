import { stripTerminalEscapes } from '../../domain/terminal-text';

export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Remote text made safe for a terminal. */
export function safe(text: string | null | undefined): string {
  return stripTerminalEscapes(text ?? '');
}
