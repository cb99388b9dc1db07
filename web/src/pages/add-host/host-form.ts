/** Parsing of the add-host form's free-text fields; pure, so the page stays about the page. */

export function parseGroups(text: string): string[] {
  return [...new Set(text.split(/[,\s]+/).map((g) => g.trim()).filter(Boolean))];
}

/** "env=prod, role=web" → {env: 'prod', role: 'web'}; throws on an entry without '='. */
export function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`tag '${part}' is not KEY=VALUE`);
    tags[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return tags;
}

const TARGET = /^[^@\s]+@(\[[^\]]+\]|[^:@\s]+)(:\d{1,5})?$/;

export function isSshTarget(text: string): boolean {
  return TARGET.test(text.trim());
}
