// Supply reserves over HTTP on both dialects: warehouses, stock in the item's units (a unit it does not
// use refused), out / transfer / distribution per household, stock never below zero (coded, nothing
// written, and under concurrent movements), the movements list, days of supply per item and district,
// the alert sweep, an import that keeps all or nothing, and who may read and write.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { insertHousehold } from '../support/quarantine.fixtures.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import type { Actor } from '../../src/access/access.rules.ts';
import { importMovements, sweepReserveAlerts } from '../../src/logistics/reserves.service.ts';
import { movementsFromCsv } from '../../src/logistics/reserves.cli.ts';

const DAY = 86_400_000;

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set('2022-03-23T09:00:00+08:00');
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who: SignedIn, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
  const staff = await signIn(s, 'warehouse', AREAS.district);
  const w = await call('POST', '/logistics/warehouses', staff, {
    name: '龙山区应急物资储备库',
    areaId: areas[AREAS.district]!,
    ownerUnit: '龙山区商务局',
  });
  assert.equal(w.statusCode, 201, w.body);
  const w2 = await call('POST', '/logistics/warehouses', staff, {
    name: '文苑社区物资周转点',
    areaId: areas[AREAS.wenyuan]!,
    ownerUnit: '文苑社区居委会',
  });
  assert.equal(w2.statusCode, 201, w2.body);
  return { s, areas, app, call, staff, main: w.json().id as string, point: w2.json().id as string };
}

type T = Awaited<ReturnType<typeof setup>>;

async function move(t: T, body: object, status = 201) {
  const res = await t.call('POST', '/logistics/stock/movements', t.staff, body);
  assert.equal(res.statusCode, status, res.body);
  return res.json();
}

async function stockOf(t: T, warehouseId: string): Promise<Record<string, number>> {
  const res = await t.call('GET', `/logistics/warehouses/${warehouseId}`, t.staff);
  assert.equal(res.statusCode, 200, res.body);
  return Object.fromEntries(res.json().stock.map((l: { item: string; quantity: number }) => [l.item, l.quantity]));
}

for (const { dialect, skip } of await dialects()) {
  describe(`supply reserves [${dialect}]`, { skip }, () => {
    test('in, out, transfer, distribution per household; units; never below zero; movements; days of supply', async () => {
      const t = await setup(dialect);
      try {
        const opened = t.s.clock.now() - 8 * DAY;
        await move(t, {
          kind: 'in',
          warehouseId: t.main,
          item: 'vegetables',
          unit: 't',
          quantity: 1172.54,
          reference: '期初库存',
          occurredAt: opened,
        });
        await move(t, {
          kind: 'in',
          warehouseId: t.main,
          item: 'rice',
          unit: 't',
          quantity: 2543.06,
          occurredAt: opened,
        });
        // 200 boxes of 5 kg are 1 t.
        const boxes = await move(t, {
          kind: 'in',
          warehouseId: t.main,
          item: 'vegetables',
          unit: 'box',
          quantity: 200,
          reference: 'TRIP-20220322-0007',
        });
        assert.equal(boxes.quantity, 1);
        assert.equal(boxes.baseUnit, 't');
        assert.deepEqual(await stockOf(t, t.main), { rice: 2543.06, vegetables: 1173.54 });

        // A unit the item does not use, an unknown item, a quantity finer than the base unit's thousandth.
        let bad = await move(t, { kind: 'in', warehouseId: t.main, item: 'rice', unit: 'piece', quantity: 3 }, 400);
        assert.equal(bad.code, 'STOCK_UNIT_NOT_USED');
        assert.equal(bad.errors[0].field, 'unit');
        bad = await move(t, { kind: 'in', warehouseId: t.main, item: 'caviar', unit: 't', quantity: 3 }, 400);
        assert.equal(bad.code, 'STOCK_ITEM_UNKNOWN');
        bad = await move(t, { kind: 'in', warehouseId: t.main, item: 'rice', unit: 't', quantity: 0.0001 }, 400);
        assert.equal(bad.code, 'STOCK_QUANTITY_INVALID');
        bad = await move(t, { kind: 'transfer', warehouseId: t.main, item: 'rice', unit: 't', quantity: 1 }, 400);
        assert.equal(bad.code, 'STOCK_MOVEMENT_INCOMPLETE');
        assert.equal(bad.errors[0].field, 'toWarehouseId');

        // Out more than on hand: refused, nothing written.
        const before = await t.call('GET', `/logistics/warehouses/${t.main}/movements`, t.staff);
        bad = await move(t, { kind: 'out', warehouseId: t.main, item: 'rice', unit: 't', quantity: 2600 }, 409);
        assert.equal(bad.code, 'STOCK_INSUFFICIENT');
        const after = await t.call('GET', `/logistics/warehouses/${t.main}/movements`, t.staff);
        assert.equal(after.json().total, before.json().total);
        assert.equal((await stockOf(t, t.main)).rice, 2543.06);

        // Transfer to the community's point, then vegetables out of the main warehouse over the last week.
        await move(t, {
          kind: 'transfer',
          warehouseId: t.main,
          toWarehouseId: t.point,
          item: 'vegetables',
          unit: 't',
          quantity: 10,
        });
        for (let d = 1; d <= 7; d++)
          await move(t, {
            kind: 'out',
            warehouseId: t.main,
            item: 'vegetables',
            unit: 't',
            quantity: 70,
            occurredAt: t.s.clock.now() - d * DAY + 3_600_000,
          });
        // Distribution to the sealed community: 2 boxes per household, households counted by the registry.
        for (let i = 0; i < 3; i++) await insertHousehold(t.s, t.areas[AREAS.wenyuanGrid]!, `文苑小区${i + 1}号`);
        const dist = await move(t, {
          kind: 'distribution',
          warehouseId: t.point,
          item: 'vegetables',
          unit: 'box',
          perHousehold: 2,
          communityId: t.areas[AREAS.wenyuan]!,
        });
        assert.equal(dist.households, 3);
        assert.equal(dist.unitQuantity, 6);
        assert.equal(dist.quantity, 0.03);
        assert.equal(dist.communityName, '文苑社区');
        bad = await move(
          t,
          {
            kind: 'distribution',
            warehouseId: t.point,
            item: 'vegetables',
            unit: 'box',
            perHousehold: 1,
            communityId: t.areas[AREAS.street]!,
          },
          400,
        );
        assert.equal(bad.code, 'STOCK_COMMUNITY_INVALID');

        assert.deepEqual(await stockOf(t, t.main), { rice: 2543.06, vegetables: 673.54 });
        assert.deepEqual(await stockOf(t, t.point), { vegetables: 9.97 });

        const page = await t.call('GET', `/logistics/warehouses/${t.main}/movements?limit=5&offset=0`, t.staff);
        assert.equal(page.statusCode, 200, page.body);
        assert.equal(page.json().total, 11);
        assert.equal(page.json().items.length, 5);
        const transfers = await t.call('GET', `/logistics/warehouses/${t.point}/movements?kind=transfer`, t.staff);
        assert.equal(transfers.json().items[0].toWarehouseName, '文苑社区物资周转点');

        // Days of supply: 490.03 t left the district in 7 days = 70.004 t a day; 683.51 t on hand.
        const report = await t.call('GET', '/logistics/reserves', t.staff);
        assert.equal(report.statusCode, 200, report.body);
        const veg = report.json().rows.find((r: { item: string }) => r.item === 'vegetables');
        assert.equal(veg.areaName, '龙山区');
        assert.equal(veg.stock, 683.51);
        assert.equal(veg.outflow7d, 490.03);
        assert.equal(veg.basis, 'outflow');
        assert.equal(veg.daysOfSupply, 9.8);
        assert.equal(veg.level, 'ok');
        const command = await signIn(t.s, 'command', AREAS.city);
        const city = await t.call('GET', '/logistics/reserves', command);
        const rows = city.json().rows.filter((r: { item: string }) => r.item === 'vegetables');
        assert.deepEqual(
          rows.map((r: { areaId: string | null; stock: number }) => [r.areaId === null, r.stock]),
          [
            [false, 683.51],
            [true, 683.51],
          ],
        );

        // The sweep: 3 more days of heavy outflow bring vegetables under 7 days (warn).
        await move(t, { kind: 'out', warehouseId: t.main, item: 'vegetables', unit: 't', quantity: 300 });
        let sweep = await sweepReserveAlerts(t.s, t.s.clock.now());
        assert.ok(sweep.raised >= 1);
        const alerts = await t.call('GET', '/logistics/reserves/alerts', command);
        assert.equal(alerts.statusCode, 200, alerts.body);
        const vegAlert = alerts
          .json()
          .find((a: { item: string; areaName: string }) => a.item === 'vegetables' && a.areaName === '龙山区');
        assert.equal(vegAlert.level, 'warn');
        // Replenished: the alert clears on the next sweep.
        await move(t, { kind: 'in', warehouseId: t.main, item: 'vegetables', unit: 't', quantity: 2000 });
        sweep = await sweepReserveAlerts(t.s, t.s.clock.now());
        assert.ok(sweep.cleared >= 1);
        const left = await t.call('GET', '/logistics/reserves/alerts', command);
        assert.equal(left.json().filter((a: { item: string }) => a.item === 'vegetables').length, 0);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('concurrent movements never take the same stock twice', async () => {
      const t = await setup(dialect);
      try {
        await move(t, { kind: 'in', warehouseId: t.main, item: 'masks', unit: 'box', quantity: 10 });
        const results = await Promise.all(
          Array.from({ length: 16 }, () =>
            t.call('POST', '/logistics/stock/movements', t.staff, {
              kind: 'out',
              warehouseId: t.main,
              item: 'masks',
              unit: 'piece',
              quantity: 50,
            }),
          ),
        );
        const codes = results.map((r) => r.statusCode).sort();
        assert.equal(codes.filter((c) => c === 201).length, 10, JSON.stringify(codes));
        assert.ok(results.filter((r) => r.statusCode !== 201).every((r) => r.json().code === 'STOCK_INSUFFICIENT'));
        assert.equal((await stockOf(t, t.main)).masks, 0);
        const list = await t.call('GET', `/logistics/warehouses/${t.main}/movements?kind=out`, t.staff);
        assert.equal(list.json().total, 10);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('an import keeps all rows or none, each fault with its row', async () => {
      const t = await setup(dialect);
      try {
        const actor: Actor = {
          userId: t.staff.userId,
          username: 'staff',
          displayName: '仓储管理员',
          role: 'warehouse',
          areaId: t.areas[AREAS.district]!,
          areaPath: `${AREAS.city}/${AREAS.district}/`,
          via: 'token',
        };
        await assert.rejects(
          importMovements(t.s, actor, [
            { row: 2, body: { kind: 'in', warehouseId: t.main, item: 'flour', unit: 't', quantity: 39.38 } },
            { row: 3, body: { kind: 'in', warehouseId: t.main, item: 'flour', unit: 'piece', quantity: 1 } },
            { row: 4, body: { kind: 'in', warehouseId: 'nope', item: 'oil', unit: 'barrel', quantity: 1 } },
          ]),
          (err: { code: string; faults: Array<{ row: number; code: string; field: string }> }) => {
            assert.equal(err.code, 'STOCK_IMPORT_INVALID');
            assert.deepEqual(
              err.faults.map((f) => [f.row, f.code, f.field]),
              [
                [3, 'STOCK_UNIT_NOT_USED', 'unit'],
                [4, 'WAREHOUSE_NOT_FOUND', 'warehouseId'],
              ],
            );
            return true;
          },
        );
        // Valid rows, but the last takes more than the file brought in: none is kept.
        await assert.rejects(
          importMovements(t.s, actor, [
            { row: 2, body: { kind: 'in', warehouseId: t.main, item: 'oil', unit: 'barrel', quantity: 100 } },
            { row: 3, body: { kind: 'out', warehouseId: t.main, item: 'oil', unit: 'barrel', quantity: 101 } },
          ]),
          (err: { faults: Array<{ row: number; code: string }> }) => {
            assert.deepEqual(
              err.faults.map((f) => [f.row, f.code]),
              [[3, 'STOCK_INSUFFICIENT']],
            );
            return true;
          },
        );
        assert.deepEqual(await stockOf(t, t.main), {});
        // The CSV the CLI reads: warehouses by name, communities by code; bad cells named by row and column.
        await assert.rejects(
          movementsFromCsv(
            t.s,
            actor,
            'kind,warehouse,item,unit,quantity,community,occurred_at\n' +
              'in,龙山区应急物资储备库,rice,t,abc,,\n' +
              'lend,龙山区应急物资储备库,rice,t,1,,\n' +
              `distribution,龙山区应急物资储备库,rice,t,1,999999,yesterday\n`,
          ),
          (err: { faults: Array<{ row: number; column: string; code: string }> }) => {
            assert.deepEqual(
              err.faults.map((f) => [f.row, f.column, f.code]),
              [
                [2, 'quantity', 'STOCK_QUANTITY_INVALID'],
                [3, 'kind', 'VALIDATION'],
                [4, 'occurred_at', 'VALIDATION'],
                [4, 'community', 'AREA_NOT_FOUND'],
              ],
            );
            return true;
          },
        );
        const parsed = await movementsFromCsv(
          t.s,
          actor,
          '\uFEFFkind,warehouse,item,unit,quantity,reference\nin,龙山区应急物资储备库,flour,t,39.38,期初库存\n',
        );
        assert.deepEqual(parsed[0]!.body, {
          kind: 'in',
          warehouseId: t.main,
          item: 'flour',
          unit: 't',
          quantity: 39.38,
          reference: '期初库存',
        });
        const ok = await importMovements(t.s, actor, [
          { row: 2, body: { kind: 'in', warehouseId: t.main, item: 'oil', unit: 'barrel', quantity: 133000 } },
          { row: 3, body: { kind: 'out', warehouseId: t.main, item: 'oil', unit: 'barrel', quantity: 1000 } },
        ]);
        assert.equal(ok.imported, 2);
        assert.deepEqual(await stockOf(t, t.main), { oil: 132000 });
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('who may read and write', async () => {
      const t = await setup(dialect);
      try {
        const command = await signIn(t.s, 'command', AREAS.city);
        const enterprise = await signIn(t.s, 'enterprise', AREAS.wenyuan);
        const body = { kind: 'in', warehouseId: t.main, item: 'rice', unit: 't', quantity: 1 };
        let res = await t.call('POST', '/logistics/stock/movements', command, body);
        assert.equal(res.json().code, 'FORBIDDEN');
        res = await t.call('GET', `/logistics/warehouses/${t.main}`, command);
        assert.equal(res.statusCode, 200);
        res = await t.call('GET', '/logistics/reserves', enterprise);
        assert.equal(res.json().code, 'FORBIDDEN');
        const community = await signIn(t.s, 'warehouse', AREAS.xingyang);
        res = await t.call('POST', '/logistics/stock/movements', community, body);
        assert.equal(res.json().code, 'OUT_OF_SCOPE');
        res = await t.call('GET', '/logistics/reserves/catalogue', community);
        assert.equal(res.statusCode, 200);
        assert.deepEqual(res.json().items.find((i: { code: string }) => i.code === 'vegetables').units, ['t', 'box']);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });
  });
}
