import type { Host } from './api-types';

/** How a host is reached, as a person would type it: `root@10.0.0.5:2222`, or `local`. */
export function hostAddress(h: Host): string {
  if (h.transport === 'local') return 'local';
  const port = h.port && h.port !== 22 ? `:${h.port}` : '';
  return `${h.user ? `${h.user}@` : ''}${h.address ?? '?'}${port}`;
}
