// Logistics, first slice, over HTTP on both dialects: enterprises, vehicles and drivers with their
// validators, a pass applied for, issued with the county's next number, verified by a checkpoint
// (scanned token or typed number), printed, revoked; bad input with coded errors naming the field;
// an enterprise seeing only its own records; the department rule; serials under concurrency.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { linkAccount } from '../../src/logistics/enterprises.service.ts';
import { verifyPassCode } from '../../src/logistics/pass.codes.ts';

const PHONE = '13904371234';

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set('2022-05-10T09:00:00+08:00');
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = (method: 'GET' | 'POST', url: string, who: SignedIn, payload?: object) =>
    app.inject({ method, url: `/api/v1${url}`, headers: who.headers, ...(payload ? { payload } : {}) });
  const reviewer = await signIn(s, 'logistics', AREAS.district);
  const checkpoint = await signIn(s, 'checkpoint', AREAS.wenyuan);
  const enterpriseBody = {
    name: '辽源市民生保供商贸有限公司',
    creditCode: '91350100M000100Y43',
    category: 'supply_whitelist',
    areaId: areas[AREAS.wenyuan]!,
    contactName: '王建国',
    contactPhone: PHONE,
  };
  return { s, areas, app, call, reviewer, checkpoint, enterpriseBody };
}

type T = Awaited<ReturnType<typeof setup>>;

/** An enterprise with a vehicle and a driver, and its own account. */
async function enterpriseWithFleet(t: T, body = t.enterpriseBody, plate = '吉D12345') {
  const e = await t.call('POST', '/logistics/enterprises', t.reviewer, body);
  assert.equal(e.statusCode, 201, e.body);
  const enterprise = e.json();
  const account = await signIn(t.s, 'enterprise', AREAS.wenyuan);
  await linkAccount(t.s, t.s.db, account.userId, { enterpriseId: enterprise.id });
  const v = await t.call('POST', `/logistics/enterprises/${enterprise.id}/vehicles`, account, {
    plate,
    type: 'refrigerated',
    loadKg: 8000,
  });
  assert.equal(v.statusCode, 201, v.body);
  const d = await t.call('POST', `/logistics/enterprises/${enterprise.id}/drivers`, account, {
    name: '李卫东',
    idType: 'resident_id',
    idNumber: '220402198001010019',
    phone: '13804371111',
    licenceClass: 'B2',
  });
  assert.equal(d.statusCode, 201, d.body);
  return { enterprise, account, vehicle: v.json(), driver: d.json() };
}

function application(vehicleId: string, driverId: string) {
  return {
    vehicleId,
    driverIds: [driverId],
    origin: '130102',
    destination: '220402',
    cargoCategory: 'medical_supplies',
  };
}

for (const { dialect, skip } of await dialects()) {
  describe(`logistics passes [${dialect}]`, { skip }, () => {
    test('enterprise, vehicle, driver; apply, issue with the county number, verify, print, revoke', async () => {
      const t = await setup(dialect);
      try {
        const { enterprise, account, vehicle, driver } = await enterpriseWithFleet(t);
        assert.equal(enterprise.county, '220402');
        assert.equal(enterprise.countyName, '龙山区');
        assert.equal(enterprise.contactPhone, '139****1234');
        assert.equal(vehicle.plateKind, 'standard');
        assert.equal(driver.idNumber, '220402********0019');
        assert.equal(driver.phone, '138****1111');
        assert.equal(driver.resident, false);

        const applied = await t.call('POST', '/logistics/passes', account, application(vehicle.id, driver.id));
        assert.equal(applied.statusCode, 201, applied.body);
        const p = applied.json();
        assert.equal(p.status, 'applied');
        assert.equal(p.number, null);
        assert.equal(p.department, 'health');
        assert.equal(p.validFrom, '2022-05-10');
        assert.equal(p.validUntil, '2022-05-23');
        assert.equal(p.origin.name, '石家庄市长安区');
        // One vehicle, one pass.
        const again = await t.call('POST', '/logistics/passes', account, application(vehicle.id, driver.id));
        assert.equal(again.json().code, 'PASS_VEHICLE_HELD');
        // The enterprise may not issue its own pass.
        assert.equal((await t.call('POST', `/logistics/passes/${p.id}/issue`, account, {})).statusCode, 403);
        // No code before it is issued.
        assert.equal((await t.call('GET', `/logistics/passes/${p.id}/code`, account)).json().code, 'PASS_NOT_ISSUED');

        const queue = await t.call('GET', '/logistics/passes?status=applied', t.reviewer);
        assert.deepEqual(
          queue.json().items.map((x: { id: string }) => x.id),
          [p.id],
        );
        const issued = await t.call('POST', `/logistics/passes/${p.id}/issue`, t.reviewer, { note: '材料齐全' });
        assert.equal(issued.statusCode, 200, issued.body);
        assert.equal(issued.json().number, '220402000001');
        assert.equal(issued.json().state, 'issued');
        assert.equal(
          (await t.call('POST', `/logistics/passes/${p.id}/issue`, t.reviewer, {})).json().code,
          'PASS_STATE',
        );

        const code = await t.call('GET', `/logistics/passes/${p.id}/code`, account);
        assert.equal(code.statusCode, 200, code.body);
        const token = code.json().token as string;
        // Offline: the public key alone verifies it.
        const offline = verifyPassCode(t.s.signing.personalPublicKeyPem, token, '2022-05-12');
        assert.ok(offline.ok && offline.number === '220402000001' && offline.plate === '吉D12345');
        assert.equal(verifyPassCode(t.s.signing.personalPublicKeyPem, token, '2022-05-24').ok, false);

        const ok = await t.call('POST', '/logistics/passes/verify', t.checkpoint, { code: token, plate: '吉D·12345' });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal(ok.json().pass.number, '220402000001');
        assert.equal(ok.json().pass.drivers[0].name, '李*东');
        const byNumber = await t.call('POST', '/logistics/passes/verify', t.checkpoint, { number: '220402000001' });
        assert.equal(byNumber.statusCode, 200, byNumber.body);
        const other = await t.call('POST', '/logistics/passes/verify', t.checkpoint, {
          code: token,
          plate: '吉D54321',
        });
        assert.equal(other.json().code, 'PASS_OTHER_VEHICLE');
        // An altered payload or signature is refused.
        const [pre, payload, sig] = token.split('.');
        const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
        claims.u = '2022-12-31';
        const altered = `${pre}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${sig}`;
        assert.equal(
          (await t.call('POST', '/logistics/passes/verify', t.checkpoint, { code: altered })).json().code,
          'PASS_CODE_INVALID',
        );
        const forged = `${pre}.${payload}.${sig!.slice(0, -4)}AAAA`;
        assert.equal(
          (await t.call('POST', '/logistics/passes/verify', t.checkpoint, { code: forged })).json().code,
          'PASS_CODE_INVALID',
        );
        assert.equal(
          (await t.call('POST', '/logistics/passes/verify', t.checkpoint, {})).json().code,
          'PASS_VERIFY_INPUT',
        );
        assert.equal(
          (await t.call('POST', '/logistics/passes/verify', t.checkpoint, { number: '12345' })).json().code,
          'PASS_NUMBER_FORMAT',
        );
        // Checkpoint staff cannot read the enterprise's records.
        assert.equal((await t.call('GET', `/logistics/passes/${p.id}`, t.checkpoint)).statusCode, 403);

        const pdf = await t.call('GET', `/logistics/passes/${p.id}/pass.pdf`, account);
        assert.equal(pdf.statusCode, 200);
        assert.equal(pdf.headers['content-type'], 'application/pdf');
        assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');

        const noReason = await t.call('POST', `/logistics/passes/${p.id}/revoke`, t.reviewer, { reason: ' ' });
        assert.equal(noReason.json().code, 'PASS_REASON_REQUIRED');
        const revoked = await t.call('POST', `/logistics/passes/${p.id}/revoke`, t.reviewer, {
          reason: '车辆转作他用',
        });
        assert.equal(revoked.json().status, 'revoked');
        assert.equal(
          (await t.call('POST', '/logistics/passes/verify', t.checkpoint, { code: token })).json().code,
          'PASS_REVOKED',
        );
        // The vehicle is free again: a new application, issued with the next serial.
        const next = await t.call('POST', '/logistics/passes', account, application(vehicle.id, driver.id));
        assert.equal(next.statusCode, 201, next.body);
        const issued2 = await t.call('POST', `/logistics/passes/${next.json().id}/issue`, t.reviewer, {});
        assert.equal(issued2.json().number, '220402000002');

        const actions = await t.s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', 'like', 'logistics.%')
          .execute();
        assert.deepEqual(actions.map((a) => a.action).sort(), [
          'logistics.driver.create',
          'logistics.enterprise.create',
          'logistics.pass.apply',
          'logistics.pass.apply',
          'logistics.pass.issue',
          'logistics.pass.issue',
          'logistics.pass.revoke',
          'logistics.vehicle.create',
        ]);
        const audit = await t.s.db.selectFrom('audit_event').select('detail').execute();
        assert.ok(!audit.some((a) => String(a.detail).includes(PHONE) || String(a.detail).includes('198001010019')));

        // The second pass, expired by the calendar.
        const token2 = (await t.call('GET', `/logistics/passes/${next.json().id}/code`, account)).json().token;
        t.s.clock.set('2022-05-24T09:00:00+08:00');
        const later = await signIn(t.s, 'checkpoint', AREAS.wenyuan);
        assert.equal(
          (await t.call('POST', '/logistics/passes/verify', later, { code: token2 })).json().code,
          'PASS_EXPIRED',
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('bad input: coded errors naming the field, nothing written', async () => {
      const t = await setup(dialect);
      try {
        const bad = async (url: string, who: SignedIn, body: object, code: string, field?: string) => {
          const res = await t.call('POST', url, who, body);
          assert.equal(res.json().code, code, `${url} ${JSON.stringify(body)}: ${res.body}`);
          if (field) assert.equal(res.json().errors?.[0]?.field, field);
        };
        const eb = t.enterpriseBody;
        await bad(
          '/logistics/enterprises',
          t.reviewer,
          { ...eb, creditCode: '91350100M000100Y44' },
          'CREDIT_CODE_CHECKSUM',
          'creditCode',
        );
        await bad(
          '/logistics/enterprises',
          t.reviewer,
          { ...eb, creditCode: '91350100M0001' },
          'CREDIT_CODE_FORMAT',
          'creditCode',
        );
        await bad(
          '/logistics/enterprises',
          t.reviewer,
          { ...eb, contactPhone: '12345' },
          'PHONE_FORMAT',
          'contactPhone',
        );
        await bad('/logistics/enterprises', t.reviewer, { ...eb, areaId: t.areas[AREAS.city] }, 'OUT_OF_SCOPE');
        assert.equal((await t.s.db.selectFrom('enterprise').select('id').execute()).length, 0);
        const { enterprise, account, vehicle, driver } = await enterpriseWithFleet(t);
        await bad('/logistics/enterprises', t.reviewer, eb, 'CREDIT_CODE_TAKEN', 'creditCode');
        const vehicles = `/logistics/enterprises/${enterprise.id}/vehicles`;
        await bad(vehicles, account, { plate: '吉DI2345', type: 'truck', loadKg: 1 }, 'PLATE_FORMAT', 'plate');
        await bad(vehicles, account, { plate: '港D12345', type: 'truck', loadKg: 1 }, 'PLATE_PROVINCE', 'plate');
        await bad(vehicles, account, { plate: '吉D12345', type: 'truck', loadKg: 1 }, 'PLATE_TAKEN', 'plate');
        await bad(
          vehicles,
          account,
          { plate: '吉D22222', trailerPlate: '吉D1234挂', type: 'truck', loadKg: 1 },
          'PLATE_TRAILER_MISPLACED',
          'trailerPlate',
        );
        await bad(
          vehicles,
          account,
          { plate: '吉D22222', type: 'tractor_trailer', loadKg: 1 },
          'PLATE_TRAILER_REQUIRED',
          'trailerPlate',
        );
        const nev = await t.call('POST', vehicles, account, { plate: '吉DD12345', type: 'light_truck', loadKg: 1500 });
        assert.equal(nev.json().plateKind, 'new_energy');
        const drivers = `/logistics/enterprises/${enterprise.id}/drivers`;
        const d = {
          name: '赵一',
          idType: 'resident_id',
          idNumber: '220402198001010017',
          phone: '13800000000',
          licenceClass: 'A2',
        };
        await bad(drivers, account, d, 'ID_NUMBER_CHECKSUM', 'idNumber');
        await bad(drivers, account, { ...d, idNumber: '220402198001010019' }, 'DRIVER_TAKEN', 'idNumber');
        await bad(drivers, account, { ...d, idNumber: '110101199003070011', phone: '1' }, 'PHONE_FORMAT', 'phone');
        const app = application(vehicle.id, driver.id);
        await bad('/logistics/passes', account, { ...app, origin: '130100' }, 'DIVISION_CODE_INVALID', 'origin');
        await bad(
          '/logistics/passes',
          account,
          { ...app, destination: '999999' },
          'DIVISION_CODE_INVALID',
          'destination',
        );
        await bad(
          '/logistics/passes',
          account,
          { ...app, cargoCategory: 'gold' },
          'PASS_CARGO_UNKNOWN',
          'cargoCategory',
        );
        await bad('/logistics/passes', account, { ...app, validFrom: '2022-05-09' }, 'PASS_VALIDITY_PAST', 'validFrom');
        await bad(
          '/logistics/passes',
          account,
          { ...app, validUntil: '2022-07-01' },
          'PASS_VALIDITY_TOO_LONG',
          'validUntil',
        );
        await bad(
          '/logistics/passes',
          account,
          { ...app, validUntil: '2022-02-30' },
          'PASS_VALIDITY_DATE',
          'validUntil',
        );
        await bad('/logistics/passes', account, { ...app, driverIds: ['nope'] }, 'PASS_DRIVER_OTHER', 'driverIds');
        await bad('/logistics/passes', account, { ...app, vehicleId: 'nope' }, 'VEHICLE_NOT_FOUND');
        assert.equal((await t.s.db.selectFrom('vehicle_pass').select('id').execute()).length, 0);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('scope: an enterprise sees only its own; a reviewer of another department cannot decide', async () => {
      const t = await setup(dialect);
      try {
        const a = await enterpriseWithFleet(t);
        const b = await enterpriseWithFleet(
          t,
          { ...t.enterpriseBody, name: '辽源市东丰医药物流有限公司', creditCode: '91220402MA0XK7LQ32' },
          '吉D66666',
        );
        const pa = (
          await t.call('POST', '/logistics/passes', a.account, application(a.vehicle.id, a.driver.id))
        ).json();
        // A's account: B's enterprise, vehicles, drivers and passes are out of reach.
        assert.equal(
          (await t.call('GET', `/logistics/enterprises/${b.enterprise.id}`, a.account)).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal((await t.call('GET', `/logistics/passes/${pa.id}`, b.account)).json().code, 'OUT_OF_SCOPE');
        assert.equal(
          (await t.call('GET', `/logistics/vehicles?enterpriseId=${a.enterprise.id}`, b.account)).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal(
          (
            await t.call('POST', `/logistics/enterprises/${a.enterprise.id}/vehicles`, b.account, {
              plate: '吉D77777',
              type: 'truck',
              loadKg: 1,
            })
          ).json().code,
          'OUT_OF_SCOPE',
        );
        assert.equal(
          (await t.call('POST', '/logistics/passes', b.account, application(a.vehicle.id, b.driver.id))).json().code,
          'OUT_OF_SCOPE',
        );
        const listed = await t.call('GET', '/logistics/enterprises', b.account);
        assert.deepEqual(
          listed.json().items.map((e: { id: string }) => e.id),
          [b.enterprise.id],
        );
        assert.deepEqual(
          (await t.call('GET', '/logistics/vehicles', b.account)).json().items.map((v: { plate: string }) => v.plate),
          ['吉D66666'],
        );
        assert.equal((await t.call('GET', '/logistics/passes', b.account)).json().total, 0);
        assert.equal((await t.call('GET', '/logistics/drivers', b.account)).json().total, 1);
        // Both enterprises to the district reviewer.
        assert.equal((await t.call('GET', '/logistics/enterprises', t.reviewer)).json().total, 2);
        // An unlinked enterprise account is refused.
        const stray = await signIn(t.s, 'enterprise', AREAS.wenyuan);
        assert.equal((await t.call('GET', '/logistics/vehicles', stray)).json().code, 'ENTERPRISE_ACCOUNT_UNLINKED');
        // A commerce reviewer cannot issue a medical-supplies pass; the health reviewer can.
        const commerce = await signIn(t.s, 'logistics', AREAS.district);
        await linkAccount(t.s, t.s.db, commerce.userId, { department: 'commerce' });
        assert.equal(
          (await t.call('POST', `/logistics/passes/${pa.id}/issue`, commerce, {})).json().code,
          'PASS_DEPARTMENT',
        );
        assert.equal((await t.call('GET', '/logistics/passes?mine=true', commerce)).json().total, 0);
        const health = await signIn(t.s, 'logistics', AREAS.district);
        await linkAccount(t.s, t.s.db, health.userId, { department: 'health' });
        assert.equal((await t.call('GET', '/logistics/passes?mine=true', health)).json().total, 1);
        assert.equal((await t.call('POST', `/logistics/passes/${pa.id}/issue`, health, {})).statusCode, 200);
        // A reviewer of another community's subtree sees neither.
        const outside = await signIn(t.s, 'logistics', AREAS.xingyang);
        assert.equal((await t.call('GET', `/logistics/passes/${pa.id}`, outside)).json().code, 'OUT_OF_SCOPE');
        // The enterprise withdraws its own application, not after issue.
        assert.equal(
          (await t.call('POST', `/logistics/passes/${pa.id}/withdraw`, a.account)).json().code,
          'PASS_STATE',
        );
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });

    test('serials: issued concurrently, one county numbers its passes without gaps or duplicates', async () => {
      const t = await setup(dialect);
      try {
        const { enterprise, account, driver } = await enterpriseWithFleet(t);
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const v = await t.call('POST', `/logistics/enterprises/${enterprise.id}/vehicles`, account, {
            plate: `吉D8000${i}`,
            type: 'van',
            loadKg: 3000,
          });
          const p = await t.call('POST', '/logistics/passes', account, application(v.json().id, driver.id));
          assert.equal(p.statusCode, 201, p.body);
          ids.push(p.json().id);
        }
        // One fails inside its transaction (refused first, then issued): its serial is not consumed.
        await t.call('POST', `/logistics/passes/${ids[5]}/refuse`, t.reviewer, { reason: '材料不全' });
        const results = await Promise.all(
          ids.map((id) => t.call('POST', `/logistics/passes/${id}/issue`, t.reviewer, {})),
        );
        const numbers = results
          .filter((r) => r.statusCode === 200)
          .map((r) => r.json().number as string)
          .sort();
        assert.deepEqual(numbers, ['220402000001', '220402000002', '220402000003', '220402000004', '220402000005']);
        assert.equal(results.filter((r) => r.statusCode !== 200).length, 1);
      } finally {
        await t.app.close();
        await t.s.close();
      }
    });
  });
}
