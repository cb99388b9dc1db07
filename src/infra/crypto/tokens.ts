import { createHash, randomBytes } from 'node:crypto';

/** API tokens carry a recognizable prefix so secret scanners can find leaked ones. */
export const TOKEN_PREFIX = 'osd_';

export function newSecretToken(prefix = TOKEN_PREFIX): string {
  return prefix + randomBytes(32).toString('base64url');
}

/** Tokens are 256-bit random, so a plain SHA-256 is enough to store them (no stretching needed). */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function newId(): string {
  // time-ordered: 12 hex of ms timestamp + 8 random bytes; sorts by creation, unguessable
  return Date.now().toString(16).padStart(12, '0') + randomBytes(8).toString('hex');
}
