import type { Role } from './api-types';

/**
 * What each role may do, mirrored from the server's role table (src/domain/roles.ts) only to
 * hide controls a user cannot use. The server still decides: a refused call shows its error.
 */
export type Permission = 'host.read' | 'job.read' | 'diagnose.run' | 'tune.check' | 'tune.apply' | 'migrate.assess' | 'migrate.run' | 'host.write' | 'host.exec' | 'job.cancel' | 'audit.read' | 'host.trust' | 'user.admin' | 'token.self';

const GRANTS: Record<Role, readonly Permission[]> = {
  viewer: ['host.read', 'job.read', 'token.self', 'diagnose.run', 'tune.check'],
  operator: ['host.read', 'job.read', 'token.self', 'diagnose.run', 'tune.check', 'tune.apply', 'migrate.assess', 'migrate.run', 'host.write', 'host.exec', 'job.cancel', 'audit.read'],
  admin: ['host.read', 'job.read', 'token.self', 'diagnose.run', 'tune.check', 'tune.apply', 'migrate.assess', 'migrate.run', 'host.write', 'host.exec', 'job.cancel', 'audit.read', 'host.trust', 'user.admin'],
};

export function roleGrants(role: Role | undefined, permission: Permission): boolean {
  return !!role && (GRANTS[role] ?? []).includes(permission);
}
