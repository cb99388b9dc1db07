import type { Role } from './roles';

/** Who is doing something: a logged-in user, an API token, or osdeck itself. */
export interface Actor {
  type: 'user' | 'token' | 'system';
  /** e.g. `alice`, `token:ci-bot`, `system` */
  name: string;
  role: Role;
  userId: string | null;
  tokenId?: string;
  sourceIp?: string;
}

export const SYSTEM: Actor = { type: 'system', name: 'system', role: 'admin', userId: null };
