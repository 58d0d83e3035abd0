// The navigation: each entry shows only to users holding one of its permissions (from GET /auth/me).
import type { Permission } from '../types.ts';

export interface NavItem {
  key: string;
  to: string;
  anyOf: Permission[];
}

export const NAV: NavItem[] = [
  { key: 'registry', to: '/registry', anyOf: ['registry.read'] },
  { key: 'search', to: '/search', anyOf: ['registry.read'] },
  { key: 'import', to: '/import', anyOf: ['registry.import', 'registry.export'] },
  { key: 'poolAdvisor', to: '/pool-advisor', anyOf: ['testing.plan'] },
  { key: 'audit', to: '/audit', anyOf: ['audit.read'] },
  { key: 'users', to: '/users', anyOf: ['user.manage'] },
];

export function navFor(permissions: readonly Permission[]): NavItem[] {
  return NAV.filter((item) => item.anyOf.some((p) => permissions.includes(p)));
}
