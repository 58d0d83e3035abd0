// The demo city's trips, checkpoint and transfer station: a station and the highway-exit checkpoint of
// the district, trips pre-registered for the demo's issued passes (one approved to the station, one
// waiting for review), today's checks at the checkpoint (an unreported vehicle in the officer's queue,
// a red-code driver controlled with the cargo trans-shipped, a reported truck let on), and vehicles
// inside the station at different steps — so the review queue, the checkpoint page and the station
// board have life on first start. Everything goes through the services and is audited.
import type { Actor } from '../access/access.rules.ts';
import type { Services } from '../services.ts';
import { recordCheck, createCheckpoint } from './checkpoints.service.ts';
import * as enterprises from './enterprises.store.ts';
import { arrive, createStation, stamp } from './stations.service.ts';
import { decideTrip, reportTrip } from './trips.service.ts';
import * as passes from './passes.store.ts';

const H = 3_600_000;

export interface DemoTripsSummary {
  trips: number;
  checks: number;
  visits: number;
}

/** Seeds after seedDemoLogistics; `officerUserId` (the demo logistics account) answers the checkpoint's queue. */
export async function seedDemoTrips(
  s: Services,
  actor: Actor,
  options: { officerUsername?: string } = {},
): Promise<DemoTripsSummary> {
  const summary: DemoTripsSummary = { trips: 0, checks: 0, visits: 0 };
  const district = await s.db
    .selectFrom('area')
    .select(['id', 'code', 'path'])
    .where('level', '=', 'district')
    .where('path', 'like', `${actor.areaPath}%`)
    .orderBy('code')
    .executeTakeFirst();
  if (!district) return summary;
  const station = await createStation(s, actor, {
    name: '龙山区物资中转站（倒货区）',
    areaId: district.id,
    address: '伊开高速辽源出口东侧',
    windowMinutes: 240,
  });
  const checkpoint = await createCheckpoint(s, actor, {
    name: '伊开高速辽源出口卡口',
    areaId: district.id,
    ...(options.officerUsername ? { officer: options.officerUsername } : {}),
  });
  const now = s.clock.now();

  // Trips for the issued passes of the demo fleet.
  const plan = [
    { plate: '吉D3A518', cargo: '蔬菜', quantity: 12, unit: 't' as const, toStation: true, approve: true },
    { plate: '冀A6M215', cargo: '医用口罩', quantity: 800, unit: 'boxes' as const, toStation: false, approve: false },
  ];
  for (const [i, p] of plan.entries()) {
    const vehicle = await enterprises.vehicleByPlate(s.db, p.plate);
    if (!vehicle) continue;
    const pass = (await passes.holdingPasses(s.db, vehicle.id, '0000-00-00')).find((x) => x.status === 'issued');
    if (!pass) continue;
    const crew = JSON.parse(pass.driver_ids) as string[];
    if (!crew.length) continue;
    const target = p.toStation ? null : await closedLoopEnterprise(s, pass.destination);
    const trip = await reportTrip(s, actor, {
      passId: pass.id,
      vehicleId: vehicle.id,
      crew: crew.map((driverId, k) => ({ driverId, role: k === 0 ? 'driver' : 'escort' })),
      cargoCategory: pass.cargo_category,
      cargoName: p.cargo,
      quantity: p.quantity,
      unit: p.unit,
      origin: pass.origin,
      originRisk: i === 0 ? 'none' : 'low',
      destinationKind: p.toStation || !target ? 'transfer_station' : 'closed_loop_enterprise',
      destinationId: p.toStation || !target ? station.id : target,
      intent: p.toStation ? 'unload_return' : 'stay',
      arriveFrom: now + (50 + 4 * i) * H,
      arriveUntil: now + (54 + 4 * i) * H,
    });
    summary.trips++;
    if (p.approve) await decideTrip(s, actor, trip.id, 'approve', '已核验通行证与核酸证明，同意');
  }

  // Today's checks at the checkpoint.
  const recent = now - 10 * H;
  const checks = [
    {
      plate: '黑A2B819',
      vehicleClass: 'supply' as const,
      persons: [
        {
          name: '韩志勇',
          role: 'driver' as const,
          temperature: 36.4,
          colourShown: 'green' as const,
          testSampledAt: recent,
        },
      ],
      note: '未报备的保供车辆',
    },
    {
      plate: '辽B7H330',
      vehicleClass: 'supply' as const,
      persons: [
        {
          name: '马东',
          role: 'driver' as const,
          temperature: 36.6,
          colourShown: 'red' as const,
          testSampledAt: recent,
        },
        {
          name: '刘洋',
          role: 'escort' as const,
          temperature: 36.5,
          colourShown: 'green' as const,
          testSampledAt: recent,
        },
      ],
      note: '驾驶员红码，就地管控，货物转运',
    },
    {
      plate: '吉D9Q502',
      vehicleClass: 'non_essential' as const,
      persons: [
        {
          name: '陈晓',
          role: 'other' as const,
          temperature: 36.3,
          colourShown: 'green' as const,
          testSampledAt: recent,
        },
      ],
      note: '非必要出行车辆',
    },
  ];
  for (const [i, c] of checks.entries()) {
    await recordCheck(s, actor, checkpoint.id, {
      clientId: `demo-check-${i + 1}`,
      ...c,
      checkedAt: now - (3 - i) * 600_000,
    });
    summary.checks++;
  }

  // Vehicles inside the station.
  const first = await arrive(s, actor, station.id, { plate: '辽B7H330', crew: ['刘洋'] });
  await stamp(s, actor, first.id, { step: 'disinfected' });
  await stamp(s, actor, first.id, { step: 'crew_tested', results: [{ antigen: 'negative', pcrSampled: true }] });
  const second = await arrive(s, actor, station.id, { plate: '吉D6E204', crew: ['孙立军'] });
  await stamp(s, actor, second.id, { step: 'disinfected', note: '带人消杀，车窗紧闭' });
  summary.visits += 2;
  return summary;
}

async function closedLoopEnterprise(s: Services, county: string): Promise<string | null> {
  const e = await s.db
    .selectFrom('enterprise')
    .select('id')
    .where('county', '=', county)
    .where('category', '=', 'food')
    .orderBy('created_at')
    .executeTakeFirst();
  return e?.id ?? null;
}
