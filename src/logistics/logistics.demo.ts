// The demo city's supply logistics: a few enterprises (the 保供 white list, medical supplies, food,
// energy), their vehicles and drivers, and passes in every state — issued, waiting for review,
// refused, revoked — so the portal, the review queue and the checkpoint have something to show. The
// demo's enterprise account acts for the first enterprise; everything goes through the services, so
// it is audited like any other change.
import type { Actor } from '../access/access.rules.ts';
import type { Services } from '../services.ts';
import { creditCheckChar, type EnterpriseCategory, type LicenceClass, type VehicleType } from './enterprises.rules.ts';
import { addDriver, addVehicle, createEnterprise, linkAccount } from './enterprises.service.ts';
import { applyForPass, issuePass, refusePass, revokePass } from './passes.service.ts';

interface DemoEnterprise {
  name: string;
  org: string;
  category: EnterpriseCategory;
  /** The community (by name) it is registered in; else the first community of the district. */
  community?: string;
  vehicles: Array<{ plate: string; type: VehicleType; loadKg: number; trailerPlate?: string }>;
  drivers: Array<{ name: string; idNumber: string; phone: string; licenceClass: LicenceClass }>;
  /** Passes by vehicle index: origin county, cargo, what becomes of it. */
  passes: Array<{
    vehicle: number;
    origin: string;
    cargo: string;
    note: string;
    fate: 'issued' | 'applied' | 'refused' | 'revoked';
  }>;
}

const DEMO: DemoEnterprise[] = [
  {
    name: '辽源市民生保供商贸有限公司',
    org: 'MA0DEM001',
    category: 'supply_whitelist',
    community: '文苑社区',
    vehicles: [
      { plate: '吉D3A518', type: 'refrigerated', loadKg: 8000 },
      { plate: '吉DD20931', type: 'light_truck', loadKg: 1500 },
      { plate: '吉D7K062', type: 'tractor_trailer', loadKg: 30000, trailerPlate: '吉D0815挂' },
    ],
    drivers: [
      { name: '李卫东', idNumber: 'P1234567', phone: '13804371101', licenceClass: 'B2' },
      { name: '孙国强', idNumber: 'P7654321', phone: '13804371102', licenceClass: 'A2' },
    ],
    passes: [
      { vehicle: 0, origin: '220104', cargo: 'food', note: '蔬菜 12 吨', fate: 'issued' },
      { vehicle: 1, origin: '220402', cargo: 'daily_necessities', note: '生活物资包 300 箱', fate: 'applied' },
      { vehicle: 2, origin: '210102', cargo: 'food', note: '大米 28 吨', fate: 'revoked' },
    ],
  },
  {
    name: '吉林东丰医药物流有限公司',
    org: 'MA0DEM002',
    category: 'medical_supplies',
    vehicles: [{ plate: '冀A6M215', type: 'van', loadKg: 5000 }],
    drivers: [{ name: '赵海涛', idNumber: 'P2345678', phone: '13904372201', licenceClass: 'B2' }],
    passes: [{ vehicle: 0, origin: '130102', cargo: 'medical_supplies', note: '医用口罩 800 箱', fate: 'issued' }],
  },
  {
    name: '辽源市粮油储备有限公司',
    org: 'MA0DEM003',
    category: 'food',
    vehicles: [{ plate: '吉D5F337', type: 'truck', loadKg: 15000 }],
    drivers: [{ name: '周立群', idNumber: 'P3456789', phone: '13604373301', licenceClass: 'B2' }],
    passes: [{ vehicle: 0, origin: '220182', cargo: 'food', note: '面粉 10 吨', fate: 'applied' }],
  },
  {
    name: '辽源热电能源运输有限公司',
    org: 'MA0DEM004',
    category: 'energy',
    vehicles: [{ plate: '蒙K8C771', type: 'truck', loadKg: 30000 }],
    drivers: [{ name: '王志刚', idNumber: 'P4567890', phone: '13504374401', licenceClass: 'A2' }],
    passes: [{ vehicle: 0, origin: '150781', cargo: 'energy', note: '电煤 30 吨', fate: 'refused' }],
  },
];

/** The unified social credit code of a demo enterprise: registered by 工商 (9), company (1), in the district. */
function creditCode(district: string, org: string): string {
  const first17 = `91${district}${org}`;
  return first17 + creditCheckChar(first17);
}

export interface DemoLogisticsSummary {
  enterprises: number;
  vehicles: number;
  drivers: number;
  passes: number;
}

/**
 * Seeds the demo enterprises under the city's first district; `enterpriseUserId` (the demo
 * enterprise account) is linked to the first of them. `actor` registers and reviews (the command
 * centre); `applicant` applies for the passes (the enterprise account, or the command centre).
 */
export async function seedDemoLogistics(
  s: Services,
  actor: Actor,
  options: { enterpriseUserId?: string } = {},
): Promise<DemoLogisticsSummary> {
  const district = await s.db
    .selectFrom('area')
    .select(['id', 'code', 'path'])
    .where('level', '=', 'district')
    .where('path', 'like', `${actor.areaPath}%`)
    .orderBy('code')
    .executeTakeFirst();
  if (!district) return { enterprises: 0, vehicles: 0, drivers: 0, passes: 0 };
  const summary: DemoLogisticsSummary = { enterprises: 0, vehicles: 0, drivers: 0, passes: 0 };
  for (const [i, e] of DEMO.entries()) {
    const area =
      (e.community
        ? await s.db
            .selectFrom('area')
            .select('id')
            .where('name', '=', e.community)
            .where('path', 'like', `${district.path}%`)
            .executeTakeFirst()
        : undefined) ??
      (await s.db
        .selectFrom('area')
        .select('id')
        .where('level', '=', 'community')
        .where('path', 'like', `${district.path}%`)
        .orderBy('code')
        .offset(i)
        .limit(1)
        .executeTakeFirst());
    const enterprise = await createEnterprise(s, actor, {
      name: e.name,
      creditCode: creditCode(district.code, e.org),
      category: e.category,
      areaId: area?.id ?? district.id,
      contactName: e.drivers[0]!.name,
      contactPhone: e.drivers[0]!.phone,
    });
    summary.enterprises++;
    if (i === 0 && options.enterpriseUserId)
      await linkAccount(s, s.db, options.enterpriseUserId, { enterpriseId: enterprise.id });
    const vehicles = [];
    for (const v of e.vehicles) {
      vehicles.push(await addVehicle(s, actor, enterprise.id, { ...v }));
      summary.vehicles++;
    }
    const drivers = [];
    for (const d of e.drivers) {
      drivers.push(await addDriver(s, actor, enterprise.id, { ...d, idType: 'passport' }));
      summary.drivers++;
    }
    for (const p of e.passes) {
      const pass = await applyForPass(s, actor, {
        vehicleId: vehicles[p.vehicle]!.id,
        driverIds: drivers.map((d) => d.id).slice(0, 2),
        origin: p.origin,
        destination: district.code,
        cargoCategory: p.cargo,
        cargoNote: p.note,
      });
      summary.passes++;
      if (p.fate === 'issued' || p.fate === 'revoked') await issuePass(s, actor, pass.id, '材料齐全，准予通行');
      if (p.fate === 'revoked') await revokePass(s, actor, pass.id, '该车改派他线，按一车一证收回');
      if (p.fate === 'refused') await refusePass(s, actor, pass.id, '起点为中风险区所在县，请补充核酸证明后重新申请');
    }
  }
  return summary;
}
