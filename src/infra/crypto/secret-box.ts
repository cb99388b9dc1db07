import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OsdeckError } from '../../domain/errors';

/**
 * Encrypts host secrets (private keys, passwords) at rest with AES-256-GCM. The key lives in
 * DATA/secret.key (0600) or OSDECK_SECRET_KEY (base64, 32 bytes), never in the database, so a
 * stolen database dump alone does not reveal credentials.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new OsdeckError('CONFIG_INVALID', 'secret key must be 32 bytes');
  }

  static fromDataDir(dataDir: string, envKey?: string): SecretBox {
    if (envKey) return new SecretBox(Buffer.from(envKey, 'base64'));
    const file = join(dataDir, 'secret.key');
    if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    return new SecretBox(Buffer.from(readFileSync(file, 'utf8').trim(), 'base64'));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${body.toString('base64')}`;
  }

  open(sealed: string): string {
    const [v, iv, tag, body] = sealed.split(':');
    if (v !== 'v1' || !iv || !tag || body === undefined) throw new OsdeckError('SECRET_CORRUPT', 'stored secret has an unknown format', 500);
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
      d.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64')), d.final()]).toString('utf8');
    } catch {
      throw new OsdeckError('SECRET_UNREADABLE', 'cannot decrypt a stored secret: is secret.key the one this database was created with?', 500);
    }
  }
}
