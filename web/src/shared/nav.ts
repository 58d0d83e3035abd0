// The navigation: each entry shows only to users holding one of its permissions (from GET /auth/me),
// or, for the resident's own pages, to users of the roles it names.
import type { Permission, Role } from './types.ts';

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
  { key: 'cases', to: '/cases', anyOf: ['case.read'] },
  { key: 'review', to: '/review', anyOf: ['case.manage'] },
  { key: 'chains', to: '/chains', anyOf: ['case.read'] },
  { key: 'calls', to: '/calls', anyOf: ['contact.call'] },
  { key: 'riskAreas', to: '/risk-areas', anyOf: ['riskarea.manage'] },
  { key: 'healthChanges', to: '/health/changes', anyOf: ['health.override', 'health.approve'] },
  { key: 'appeals', to: '/health/appeals', anyOf: ['appeal.review'] },
  { key: 'recolourApprovals', to: '/health/approvals', anyOf: ['recolour.approve'] },
  { key: 'myCode', to: '/me/code', anyOf: [], roles: ['resident'] },
  { key: 'scanHint', to: '/me/scan', anyOf: [], roles: ['resident'] },
  { key: 'sampler', to: '/testing/sample', anyOf: ['testing.sample'] },
  { key: 'testingRounds', to: '/testing/rounds', anyOf: ['testing.view'] },
  { key: 'lab', to: '/testing/lab', anyOf: ['testing.lab'] },
  { key: 'doorKnock', to: '/testing/door-knock', anyOf: ['testing.doorknock'] },
  { key: 'poolAdvisor', to: '/pool-advisor', anyOf: ['testing.plan'] },
  { key: 'audit', to: '/audit', anyOf: ['audit.read'] },
  { key: 'users', to: '/users', anyOf: ['user.manage'] },
];

export function navFor(permissions: readonly Permission[], role?: Role): NavItem[] {
  return NAV.filter((item) => item.anyOf.some((p) => permissions.includes(p)) || (role !== undefined && !!item.roles?.includes(role)));
}
