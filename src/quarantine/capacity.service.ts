// The command centre's capacity view (point 9): rooms by site and district (free, reserved, occupied,
// being cleaned, out of service) against the norm, people under orders by kind and day, the releases of
// the coming days, and a room-demand forecast with the day the rooms run out if nothing changes. The
// numbers of the norm and the forecast are rules/quarantine.json's; the computations are capacity.rules.
import type { Actor } from '../access/access.rules.ts';
import { assertCan } from '../access/auth.ts';
import { listingScope } from '../access/access.scope.ts';
import { areaById, areasUnder, type AreaRef } from '../db/sql.ts';
import { addDays, dateInZone } from '../platform/calendar.ts';
import { subtreeCounts } from '../registry/registry.store.ts';
import type { Services } from '../services.ts';
import { caseFiguresUnder } from '../tracing/tracing.store.ts';
import { daysBetween, districtNorm, forecastRooms, freeAlert, perComingDay } from './capacity.rules.ts';
import type { CapacityQuery, CapacityView } from './capacity.schema.ts';
import * as cstore from './capacity.store.ts';
import { quarantinePolicy } from './quarantine.policy.ts';
import type { SiteStatus } from './sites.rules.ts';
import { roomCounts, rosterSites } from './sites.service.ts';
import * as sstore from './sites.store.ts';

const DAY = 86_400_000;

export async function capacityView(s: Services, actor: Actor, query: CapacityQuery): Promise<CapacityView> {
  assertCan(actor, 'quarantine.read');
  const policy = quarantinePolicy();
  const cap = policy.capacity;
  const tz = s.config.timeZone;
  const now = s.clock.now();
  const today = dateInZone(now, tz);
  const path = await listingScope(s.db, actor, query.areaId);

  // Rooms of the sites in scope.
  const siteIds = await rosterSites(s.db, actor);
  const { rows: sites } = await sstore.listSites(s.db, { scopePath: path, siteIds }, null);
  const rooms = await sstore.roomsOfSites(
    s.db,
    sites.map((x) => x.id),
  );
  const inService = new Set(sites.filter((x) => x.status === 'in_service').map((x) => x.id));
  const usableRooms = rooms.filter((r) => inService.has(r.site_id) && r.status !== 'out_of_service');
  const totalsCounts = roomCounts(rooms.filter((r) => inService.has(r.site_id)));
  const usable = usableRooms.length;
  const { freeShare, alert } = freeAlert(totalsCounts.free, usable, cap);

  // Districts: those under the scope, or the scope's own area when it lies below a district.
  let districts: AreaRef[] = await areasUnder(s.db, path, ['district']);
  if (!districts.length) {
    const own = await areaById(s.db, actor.areaId);
    const named = query.areaId ? await areaById(s.db, query.areaId) : own;
    districts = named ? [named] : [];
  }
  const districtOf = (areaPath: string) => districts.find((d) => areaPath.startsWith(d.path)) ?? null;
  const districtRows: CapacityView['districts'] = [];
  for (const d of districts) {
    const residents = (await subtreeCounts(s.db, d.path)).persons;
    const figures = await caseFiguresUnder(s.db, d.path, now - cap.lookbackDays * DAY);
    const ofDistrict = usableRooms.filter((r) => {
      const site = sites.find((x) => x.id === r.site_id);
      return site ? site.area_path.startsWith(d.path) : false;
    });
    districtRows.push({
      areaId: d.id,
      name: d.name,
      residents,
      infectedCases: figures.infected,
      rooms: ofDistrict.length,
      free: roomCounts(ofDistrict).free,
      norm: districtNorm(residents, figures.infected, ofDistrict.length, cap),
    });
  }

  // Orders under the scope: by kind and day, unplaced, releases of the coming days.
  const orders = await cstore.activeOrdersUnder(s.db, path);
  const centralised = orders.filter((o) => o.place === 'centralised');
  const unplaced = centralised.filter((o) => !o.placed).length;
  const kinds = new Map<string, Map<number, number>>();
  for (const o of orders) {
    const day = daysBetween(dateInZone(o.start_at, tz), today);
    const byDay = kinds.get(o.kind) ?? new Map<number, number>();
    byDay.set(day, (byDay.get(day) ?? 0) + 1);
    kinds.set(o.kind, byDay);
  }
  const byKind = [...kinds.entries()]
    .map(([kind, byDay]) => ({
      kind,
      people: [...byDay.values()].reduce((a, b) => a + b, 0),
      byDay: [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, people]) => ({ day, people })),
    }))
    .sort((a, b) => b.people - a.people || a.kind.localeCompare(b.kind));
  const endDates = orders.map((o) => dateInZone(o.ends_at - 1, tz));
  const releasesPerDay = perComingDay(endDates, today, cap.forecastDays);
  const releases = releasesPerDay.map((people, i) => ({ date: addDays(today, i + 1), people }));

  // Forecast: rooms freed by the end of their occupants' centralised phase, day by day.
  const roomEnds = await cstore.roomReleases(s.db, [...inService]);
  const roomReleasesPerDay = perComingDay(
    roomEnds.map((r) => dateInZone(r.until - 1, tz)),
    today,
    cap.forecastDays,
  );
  const figures = await caseFiguresUnder(s.db, path, now - cap.lookbackDays * DAY);
  const occupiedRooms = usableRooms.filter((r) => r.current > 0 || r.planned > 0).length;
  const forecast = forecastRooms({
    usableRooms: usable,
    occupiedRooms,
    unplaced,
    recentCases: figures.recentCases,
    recentContacts: figures.recentContacts,
    lookbackDays: cap.lookbackDays,
    releasesByDay: roomReleasesPerDay,
    days: cap.forecastDays,
    peoplePerRoom: cap.peoplePerRoom,
  });

  return {
    at: now,
    today,
    rules: {
      version: policy.version,
      roomsPer10kResidents: cap.roomsPer10kResidents,
      roomsPerCase: cap.roomsPerCase,
      alertFreeShare: cap.alertFreeShare,
      forecastDays: cap.forecastDays,
      lookbackDays: cap.lookbackDays,
    },
    totals: { ...totalsCounts, usable, freeShare: Math.round(freeShare * 1000) / 1000, alert },
    sites: sites.map((x) => ({
      id: x.id,
      name: x.name,
      areaName: x.area_name,
      districtId: districtOf(x.area_path)?.id ?? null,
      status: x.status as SiteStatus,
      rooms: roomCounts(rooms.filter((r) => r.site_id === x.id)),
    })),
    districts: districtRows,
    orders: { active: orders.length, centralised: centralised.length, unplaced, byKind },
    releases,
    forecast: {
      casesPerDay: forecast.casesPerDay,
      contactsPerCase: forecast.contactsPerCase,
      days: forecast.days.map((d) => ({ ...d, date: addDays(today, d.day) })),
      runsOutOn: forecast.runsOutOnDay === null ? null : addDays(today, forecast.runsOutOnDay),
    },
  };
}
