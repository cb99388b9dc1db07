/** Roles and the permissions they grant. Every API route names one permission; nothing is implicit. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'host.read',
  'job.read',
  'diagnose.run',
  'tune.check',
  'tune.apply',
  'migrate.assess',
  'migrate.run',
  'host.write',
  'host.exec',
  'job.cancel',
  'audit.read',
  'host.trust',
  'user.admin',
  'token.self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const GRANTS: Record<Role, readonly Permission[]> = {
  // diagnose.run and tune.check start fixed, read-only probes; diagnoses that run what the user typed
  // need host.exec, and changing hosts (tune.apply) is for operators. A migration assessment reads
  // the hosts but also loads repository metadata on them, so it is for operators too.
  viewer: ['host.read', 'job.read', 'token.self', 'diagnose.run', 'tune.check'],
  operator: ['host.read', 'job.read', 'token.self', 'diagnose.run', 'tune.check', 'tune.apply', 'migrate.assess', 'migrate.run', 'host.write', 'host.exec', 'job.cancel', 'audit.read'],
  admin: PERMISSIONS,
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function roleGrants(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

/** A token or user may only hand out a role at or below its own. */
export function roleAtMost(wanted: Role, holder: Role): boolean {
  return ROLES.indexOf(wanted) <= ROLES.indexOf(holder);
}
