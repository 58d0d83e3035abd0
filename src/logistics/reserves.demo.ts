// The demo city's supply reserves: the seed's figures as opening stock (辽源日报 2022-03-24: by 23 March
// the city held 1,172.54 t of vegetables, 2,543.06 t of rice, 39.38 t of flour and 133,000 barrels of
// cooking oil) in the warehouses of its two urban districts, a week of trucks in and goods out,
// vegetables delivered to a sealed community per household, a medical store whose antigen kits run
// low — and the alert sweep run once, so the warehouse page, the reserves view and the command
// centre's alerts all show something on the first start. Everything goes through the services.
import type { Actor } from '../access/access.rules.ts';
import { areaByNameAndLevel } from '../registry/registry.store.ts';
import type { Services } from '../services.ts';
import { createWarehouse, recordMovement, sweepReserveAlerts } from './reserves.service.ts';

const DAY = 86_400_000;

interface DemoWarehouse {
  name: string;
  district: string;
  ownerUnit: string;
  /** Opening stock: item, unit, quantity. */
  opening: Array<[string, string, number]>;
  /** Each of the last 7 days: item, unit, out, in (a truck with its trip reference). */
  daily: Array<[string, string, number, number]>;
}

const DEMO: DemoWarehouse[] = [
  {
    name: '龙山区蔬菜保供仓',
    district: '龙山区',
    ownerUnit: '辽源市商务局',
    opening: [
      ['vegetables', 't', 772.54],
      ['pork', 't', 36.5],
      ['milk', 'box', 12_000],
    ],
    daily: [
      ['vegetables', 't', 48, 45],
      ['pork', 't', 2.4, 2],
      ['milk', 'box', 900, 900],
    ],
  },
  {
    name: '西安区蔬菜保供仓',
    district: '西安区',
    ownerUnit: '西安区商务局',
    opening: [['vegetables', 't', 400]],
    daily: [['vegetables', 't', 26, 26]],
  },
  {
    name: '龙山区粮油储备库',
    district: '龙山区',
    ownerUnit: '辽源市粮食和物资储备局',
    opening: [
      ['rice', 't', 1543.06],
      ['flour', 't', 39.38],
      ['oil', 'barrel', 80_000],
    ],
    daily: [
      ['rice', 't', 30, 20],
      ['flour', 't', 1.2, 1],
      ['oil', 'barrel', 1500, 1000],
    ],
  },
  {
    name: '西安区粮油储备库',
    district: '西安区',
    ownerUnit: '西安区发展和改革局',
    opening: [
      ['rice', 't', 1000],
      ['oil', 'barrel', 53_000],
    ],
    daily: [
      ['rice', 't', 15, 15],
      ['oil', 'barrel', 800, 800],
    ],
  },
  {
    name: '辽源市医疗防疫物资储备库',
    district: '龙山区',
    ownerUnit: '辽源市卫生健康委员会',
    opening: [
      ['masks', 'box', 8_000],
      ['protective_suits', 'box', 1_500],
      ['antigen_kits', 'box', 2_000],
      ['medicines', 'box', 3_000],
    ],
    daily: [
      ['masks', 'box', 300, 300],
      ['protective_suits', 'box', 40, 30],
      ['antigen_kits', 'box', 250, 50],
      ['medicines', 'box', 60, 40],
    ],
  },
];

export interface DemoReservesSummary {
  warehouses: number;
  movements: number;
  alerts: number;
}

/** Seeds the demo reserves; `actor` records them (an account with logistics.stock over the city). */
export async function seedDemoReserves(
  s: Services,
  actor: Actor,
  options: { sealedCommunity?: string } = {},
): Promise<DemoReservesSummary> {
  const now = s.clock.now();
  const summary: DemoReservesSummary = { warehouses: 0, movements: 0, alerts: 0 };
  const opened = now - 8 * DAY;
  let trip = 1;
  for (const w of DEMO) {
    const district = await areaByNameAndLevel(s.db, w.district, 'district');
    if (!district) continue;
    const warehouse = await createWarehouse(s, actor, { name: w.name, areaId: district.id, ownerUnit: w.ownerUnit });
    summary.warehouses++;
    for (const [item, unit, quantity] of w.opening) {
      await recordMovement(s, actor, {
        kind: 'in',
        warehouseId: warehouse.id,
        item,
        unit,
        quantity,
        reference: '期初库存（截至3月23日）',
        occurredAt: opened,
      });
      summary.movements++;
    }
    for (let d = 7; d >= 1; d--) {
      const day = now - d * DAY;
      for (const [item, unit, out, inn] of w.daily) {
        await recordMovement(s, actor, {
          kind: 'in',
          warehouseId: warehouse.id,
          item,
          unit,
          quantity: inn,
          reference: `报备车次 ${String(trip++).padStart(4, '0')}`,
          occurredAt: day + 7 * 3_600_000,
        });
        await recordMovement(s, actor, {
          kind: 'out',
          warehouseId: warehouse.id,
          item,
          unit,
          quantity: out,
          reference: '社区保供配送',
          occurredAt: day + 14 * 3_600_000,
        });
        summary.movements += 2;
      }
    }
    // The sealed community's vegetables: two boxes per household, from the district's vegetable store.
    const sealed = options.sealedCommunity && (await areaByNameAndLevel(s.db, options.sealedCommunity, 'community'));
    if (sealed && sealed.path.startsWith(district.path) && w.opening.some(([item]) => item === 'vegetables')) {
      await recordMovement(s, actor, {
        kind: 'distribution',
        warehouseId: warehouse.id,
        item: 'vegetables',
        unit: 'box',
        perHousehold: 2,
        communityId: sealed.id,
        reference: '封控区蔬菜包',
        note: '每户两箱，由楼栋长接收后送到门口',
        occurredAt: now - 3_600_000,
      });
      summary.movements++;
    }
  }
  summary.alerts = (await sweepReserveAlerts(s, now)).open;
  return summary;
}
