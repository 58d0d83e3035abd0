// The navigation: each entry shows only to users holding one of its permissions (from GET /auth/me),
// or, for the resident's own pages, to users of the roles it names.
import type { Permission, Role } from '../types.ts';

export interface NavItem {
  key: string;
  to: string;
  anyOf: Permission[];
  roles?: Role[];
}

export const NAV: NavItem[] = [
  { key: 'registry', to: '/registry', anyOf: ['registry.read'] },
  { key: 'search', to: '/search', anyOf: ['registry.read'] },
  { key: 'import', to: '/import', anyOf: ['registry.import', 'registry.export'] },
  { key: 'venues', to: '/venues', anyOf: ['venue.manage'] },
  { key: 'guard', to: '/guard', anyOf: ['checkin.create'] },
  { key: 'myCode', to: '/me/code', anyOf: [], roles: ['resident'] },
  { key: 'scanHint', to: '/me/scan', anyOf: [], roles: ['resident'] },
  { key: 'poolAdvisor', to: '/pool-advisor', anyOf: ['testing.plan'] },
  { key: 'audit', to: '/audit', anyOf: ['audit.read'] },
  { key: 'users', to: '/users', anyOf: ['user.manage'] },
];

export function navFor(permissions: readonly Permission[], role?: Role): NavItem[] {
  return NAV.filter((item) => item.anyOf.some((p) => permissions.includes(p)) || (role !== undefined && !!item.roles?.includes(role)));
}
