import { badRequest } from './errors';
import { printable } from './names';

export interface SshTarget {
  user: string;
  address: string;
  port: number;
}

/** Parses USER@ADDR[:PORT] (ADDR may be a bracketed IPv6 literal). */
export function parseSshTarget(text: string): SshTarget {
  const m = /^([a-z_][a-z0-9_.-]{0,31})@(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/i.exec(text);
  if (!m) {
    throw badRequest('INVALID_SSH_TARGET', `invalid SSH target '${printable(text)}': expected USER@ADDRESS[:PORT]`);
  }
  const port = m[3] ? Number(m[3]) : 22;
  if (port < 1 || port > 65535) throw badRequest('INVALID_SSH_TARGET', `invalid port ${port} in '${printable(text)}'`);
  const address = m[2]!.replace(/^\[|\]$/g, '');
  return { user: m[1]!, address, port };
}
