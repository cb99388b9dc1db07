import { badRequest } from './errors';
import { checkName, parseTag, printable } from './names';

export type SelectorTerm =
  | { kind: 'all' }
  | { kind: 'host'; name: string }
  | { kind: 'group'; group: string }
  | { kind: 'tag'; key: string; value: string };

export interface SelectableHost {
  name: string;
  groups: string[];
  tags: Record<string, string>;
}

/** `all`, `NAME`, `group:G`, `tag:k=v`, or a comma list of those (a union). */
export function parseSelector(text: string): SelectorTerm[] {
  const parts = text.split(',').map((p) => p.trim());
  if (text.trim() === '' || parts.some((p) => p === '')) {
    throw badRequest('INVALID_SELECTOR', `invalid selector '${printable(text)}': empty term`);
  }
  return parts.map((part): SelectorTerm => {
    if (part === 'all') return { kind: 'all' };
    if (part.startsWith('group:')) return { kind: 'group', group: checkName('group', part.slice(6)) };
    if (part.startsWith('tag:')) {
      const [key, value] = parseTag(part.slice(4));
      return { kind: 'tag', key, value };
    }
    if (part.includes(':')) {
      throw badRequest(
        'INVALID_SELECTOR',
        `invalid selector term '${printable(part)}': expected NAME, group:G, tag:k=v or all`,
      );
    }
    return { kind: 'host', name: checkName('host', part) };
  });
}

/**
 * Resolves a selector to hosts, in inventory order, without duplicates. A named host that does
 * not exist, or a selector that matches nothing, is an error: running "nowhere" silently hides typos.
 */
export function resolveSelector<H extends SelectableHost>(text: string, hosts: H[]): H[] {
  const terms = parseSelector(text);
  const chosen = new Set<string>();
  for (const term of terms) {
    if (term.kind === 'host' && !hosts.some((h) => h.name === term.name)) {
      throw badRequest('UNKNOWN_HOST', `unknown host '${term.name}' in selector`, { host: term.name });
    }
    for (const h of hosts) if (matches(term, h)) chosen.add(h.name);
  }
  const result = hosts.filter((h) => chosen.has(h.name));
  if (result.length === 0) {
    throw badRequest('EMPTY_SELECTION', `selector '${printable(text)}' matches no hosts`);
  }
  return result;
}

function matches(term: SelectorTerm, h: SelectableHost): boolean {
  switch (term.kind) {
    case 'all':
      return true;
    case 'host':
      return h.name === term.name;
    case 'group':
      return h.groups.includes(term.group);
    case 'tag':
      return h.tags[term.key] === term.value;
  }
}
