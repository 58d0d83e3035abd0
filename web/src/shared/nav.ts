// The navigation, grouped by module. Each group is one entry of NAV_GROUPS, in the order the side
// navigation shows them, with its label under navGroup.<key> in the locales: a new module (隔离, 物资,
// 志愿者, 指挥…) adds one group here and one label in each locale. An entry shows only to users holding
// one of its permissions (from GET /auth/me), or, for the resident's own pages, to users of the roles it
// names; a group shows when one of its entries does.
import type { Permission, Role } from './types.ts';

export interface NavItem {
  key: string;
  to: string;
  anyOf: Permission[];
  roles?: Role[];
  /** Other pages under this entry (a building of the registry, say): the entry is marked current there too. */
  also?: string[];
}

export interface NavGroup {
  key: string;
  items: NavItem[];
}

export const NAV_GROUPS: NavGroup[] = [
  {
    key: 'population',
    items: [
      { key: 'registry', to: '/registry', anyOf: ['registry.read'], also: ['/buildings/', '/households/'] },
      { key: 'search', to: '/search', anyOf: ['registry.read'] },
      { key: 'import', to: '/import', anyOf: ['registry.import', 'registry.export'] },
    ],
  },
  {
    key: 'venues',
    items: [
      { key: 'venues', to: '/venues', anyOf: ['venue.manage'] },
      { key: 'guard', to: '/guard', anyOf: ['checkin.create'] },
    ],
  },
  {
    key: 'tracing',
    items: [
      { key: 'cases', to: '/cases', anyOf: ['case.read'] },
      { key: 'review', to: '/review', anyOf: ['case.manage'] },
      { key: 'chains', to: '/chains', anyOf: ['case.read'] },
      { key: 'calls', to: '/calls', anyOf: ['contact.call'] },
    ],
  },
  {
    key: 'health',
    items: [
      { key: 'healthChanges', to: '/health/changes', anyOf: ['health.override', 'health.approve'] },
      { key: 'appeals', to: '/health/appeals', anyOf: ['appeal.review'] },
      { key: 'recolourApprovals', to: '/health/approvals', anyOf: ['recolour.approve'] },
    ],
  },
  {
    key: 'riskAreas',
    items: [{ key: 'riskAreas', to: '/risk-areas', anyOf: ['riskarea.manage'] }],
  },
  {
    key: 'testing',
    items: [
      { key: 'sampler', to: '/testing/sample', anyOf: ['testing.sample'] },
      { key: 'testingRounds', to: '/testing/rounds', anyOf: ['testing.view'] },
      { key: 'lab', to: '/testing/lab', anyOf: ['testing.lab'] },
      { key: 'doorKnock', to: '/testing/door-knock', anyOf: ['testing.doorknock'] },
      { key: 'poolAdvisor', to: '/pool-advisor', anyOf: ['testing.plan'] },
    ],
  },
  {
    // 隔离管控: sites and rooms, orders, allocation, the site's rounds, home quarantine, hospitals
    key: 'quarantine',
    items: [
      { key: 'quarantineOrders', to: '/quarantine/orders', anyOf: ['quarantine.read'] },
      { key: 'quarantineSites', to: '/quarantine/sites', anyOf: ['quarantine.read'] },
      { key: 'quarantineAllocation', to: '/quarantine/allocation', anyOf: ['quarantine.allocate'] },
      { key: 'quarantineRounds', to: '/quarantine/rounds', anyOf: ['quarantine.site'] },
      { key: 'quarantineSiteOps', to: '/quarantine/site-ops', anyOf: ['quarantine.site'] },
      { key: 'homeQuarantine', to: '/quarantine/home', anyOf: ['quarantine.home'] },
      { key: 'quarantineCapacity', to: '/quarantine/capacity', anyOf: ['quarantine.read'] },
      { key: 'hospitals', to: '/quarantine/hospitals', anyOf: ['quarantine.read'] },
    ],
  },
  {
    // 保通保畅: enterprises' vehicles, drivers and passes; the departments' review
    key: 'logistics',
    items: [
      {
        key: 'logisticsPortal',
        to: '/logistics/portal',
        anyOf: ['logistics.enterprise'],
        also: ['/logistics/passes/'],
      },
      { key: 'logisticsReview', to: '/logistics/review', anyOf: ['logistics.review'] },
      { key: 'logisticsTrips', to: '/logistics/trips', anyOf: ['logistics.read'] },
      { key: 'logisticsCheckpoint', to: '/logistics/checkpoint', anyOf: ['checkpoint.check'] },
      { key: 'logisticsStations', to: '/logistics/stations', anyOf: ['checkpoint.check'] },
      {
        key: 'warehouses',
        to: '/logistics/warehouses',
        anyOf: ['logistics.reserves'],
        also: ['/logistics/warehouses/'],
      },
      { key: 'reserves', to: '/logistics/reserves', anyOf: ['logistics.reserves'] },
    ],
  },
  {
    // 研判: Rt, projections and their scores
    key: 'decision',
    items: [{ key: 'decision', to: '/decision', anyOf: ['command.view'] }],
  },
  {
    // 志愿服务: the coordinator's board and vetting, units' needs, the volunteer's own page
    key: 'volunteers',
    items: [
      { key: 'volunteerBoard', to: '/volunteers/board', anyOf: ['volunteer.manage'] },
      { key: 'volunteerVetting', to: '/volunteers/vetting', anyOf: ['volunteer.manage'] },
      { key: 'volunteerNeeds', to: '/volunteers/needs', anyOf: ['volunteer.post'] },
      { key: 'myVolunteer', to: '/volunteers/me', anyOf: ['volunteer.self'] },
    ],
  },
  {
    // 指挥部: the situation wall (alerts and orders join it)
    key: 'command',
    items: [
      { key: 'commandWall', to: '/command/wall', anyOf: ['command.view'] },
      { key: 'commandAlerts', to: '/command/alerts', anyOf: ['command.view'] },
    ],
  },
  {
    key: 'mine',
    items: [
      { key: 'myCode', to: '/me/code', anyOf: [], roles: ['resident'] },
      { key: 'scanHint', to: '/me/scan', anyOf: [], roles: ['resident'] },
      { key: 'myQuarantine', to: '/me/quarantine', anyOf: [], roles: ['resident'] },
    ],
  },
  {
    key: 'system',
    items: [
      { key: 'audit', to: '/audit', anyOf: ['audit.read'] },
      { key: 'users', to: '/users', anyOf: ['user.manage'] },
    ],
  },
];

function shows(item: NavItem, permissions: readonly Permission[], role?: Role): boolean {
  return item.anyOf.some((p) => permissions.includes(p)) || (role !== undefined && !!item.roles?.includes(role));
}

/** The groups this user sees, each with only the entries this user may open. */
export function navGroupsFor(permissions: readonly Permission[], role?: Role): NavGroup[] {
  return NAV_GROUPS.map((g) => ({
    key: g.key,
    items: g.items.filter((item) => shows(item, permissions, role)),
  })).filter((g) => g.items.length > 0);
}

/** Every entry this user may open, group after group. */
export function navFor(permissions: readonly Permission[], role?: Role): NavItem[] {
  return navGroupsFor(permissions, role).flatMap((g) => g.items);
}

/** Whether the page at this path is the entry's page or one under it. */
export function isCurrent(item: NavItem, pathname: string): boolean {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, '') : pathname;
  return path === item.to || path.startsWith(`${item.to}/`) || !!item.also?.some((p) => path.startsWith(p));
}
