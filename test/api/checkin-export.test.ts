import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices, type Services } from '../../src/services.ts';
import type { App } from '../../src/platform/http.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { checkDigit } from '../../src/registry/registry.rules.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const idOf = (first17: string) => first17 + checkDigit(first17);
const ZHANG_ID = idOf('22040219530412031');
const WANG_ID = idOf('22040219880808002');

/** A small city with visits in 文苑 and 兴阳 on two days. */
async function seed(s: Services & { clock: FakeClock }, app: App) {
  const call = async (method: 'GET' | 'POST', url: string, who?: SignedIn, payload?: unknown) =>
    app.inject({
      method,
      url: `/api/v1${url}`,
      headers: who?.headers ?? {},
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
  const areas = await seedTestAreas(s);
  let worker = await signIn(s, 'community_worker', AREAS.street);
  const person = async (name: string, idNumber: string) => {
    const res = await call('POST', '/persons', worker, {
      areaId: areas[AREAS.wenyuanGrid],
      name,
      idNumber,
      phone: '13904371234',
    });
    assert.equal(res.statusCode, 201, res.body);
    return res.json().id as string;
  };
  const zhang = await person('张建国', ZHANG_ID);
  const wang = await person('王丽娟', WANG_ID);
  const venue = async (name: string, areaCode: string) => {
    const res = await call('POST', '/venues', worker, {
      areaId: areas[areaCode],
      name,
      category: 'residential_gate',
      capacity: 50,
    });
    assert.equal(res.statusCode, 201, res.body);
    const id = res.json().id as string;
    assert.equal((await call('POST', `/venues/${id}/approve`, await signIn(s, 'command', AREAS.city))).statusCode, 200);
    return { id, code: (await call('GET', `/venues/${id}/code`, worker)).json().url as string };
  };
  // A venue name that a spreadsheet would run as a formula is written as text.
  const gate = await venue('=文苑北门', AREAS.wenyuanGrid);
  const kiosk = await venue('兴阳报亭', AREAS.xingyangGrid);
  const checkIn = async (code: string, personId: string) => {
    const res = await call('POST', '/checkins', worker, { code, personId });
    assert.equal(res.statusCode, 201, res.body);
  };
  await checkIn(gate.code, zhang); // 2022-03-24 08:00
  await checkIn(gate.code, wang);
  await checkIn(kiosk.code, zhang);
  s.clock.advance(86_400_000); // 2022-03-25 08:00
  worker = await signIn(s, 'community_worker', AREAS.street); // sessions last 12 h
  await checkIn(gate.code, wang);
  return { call, areas, zhang, wang, gate, kiosk };
}

function assertNoIdentities(text: string): void {
  for (const secret of ['张建国', '王丽娟', ZHANG_ID, WANG_ID, '13904371234', '0318', '张', '王']) {
    assert.ok(!text.includes(secret), `the export contains ${secret}`);
  }
}

for (const { dialect, skip } of await dialects()) {
  describe(`check-in export [${dialect}]`, { skip }, () => {
    test('person references only, scoped, filtered, audited; checkin.export required', async () => {
      const s = await testServices(dialect);
      const app = await build(s, { serveWeb: false });
      try {
        const t = await seed(s, app);
        const analyst = await signIn(s, 'investigator', AREAS.street);

        const csv = await t.call('GET', '/checkins/export?format=csv', analyst);
        assert.equal(csv.statusCode, 200, csv.body);
        assert.match(String(csv.headers['content-type']), /^text\/csv/);
        assert.equal(csv.headers['x-checkin-rows'], '4');
        assertNoIdentities(csv.body);
        const rows = parse(csv.body.replace(/^\uFEFF/, '')) as string[][];
        assert.equal(rows.length, 5);
        assert.deepEqual(rows[0]!.slice(0, 5), ['扫码记录编号', '场所编号', '场所名称', '区域代码', '人员编号']);
        assert.deepEqual(
          rows
            .slice(1)
            .map((r) => r[4])
            .sort(),
          [t.zhang, t.zhang, t.wang, t.wang].sort(),
        );
        const gateRow = rows.find((r) => r[1] === t.gate.id)!;
        assert.equal(gateRow[2], "'=文苑北门", 'formula guarded');
        assert.equal(gateRow[6], '2022-03-24T08:00:00+08:00');
        assert.equal(gateRow[9], 'admitted');
        assert.equal(rows[0]!.at(-1), '扫码后送达（秒）');
        assert.equal(gateRow.at(-1), '0', 'sent at once');

        const audit = await s.db.selectFrom('audit_event').selectAll().where('action', '=', 'checkin.export').execute();
        assert.equal(audit.length, 1);
        assert.equal(JSON.parse(audit[0]!.detail).rows, 4);
        assert.equal(audit[0]!.actor_role, 'investigator');

        // Filters: a day (in the deployment's zone), a venue; English headers on request.
        const day = await t.call('GET', '/checkins/export?from=2022-03-25&to=2022-03-25', analyst);
        assert.equal(day.headers['x-checkin-rows'], '1');
        const first = await t.call('GET', '/checkins/export?to=2022-03-24T23:59:59%2B08:00', analyst);
        assert.equal(first.headers['x-checkin-rows'], '3');
        const one = await app.inject({
          method: 'GET',
          url: `/api/v1/checkins/export?venueId=${t.kiosk.id}`,
          headers: { ...analyst.headers, 'accept-language': 'en' },
        });
        assert.equal(one.headers['x-checkin-rows'], '1');
        assert.match(one.body, /Check-in,Venue,Venue name,Area code,Person/);
        assert.equal(
          (await t.call('GET', '/checkins/export?from=yesterday', analyst)).json().code,
          'CHECKIN_EXPORT_TIME_INVALID',
        );
        assert.equal(
          (await t.call('GET', '/checkins/export?from=2022-03-24T08:00', analyst)).json().code,
          'CHECKIN_EXPORT_TIME_INVALID',
          'a time needs its offset',
        );

        // XLSX, streamed, the same rows.
        const xlsx = await t.call('GET', '/checkins/export?format=xlsx', analyst);
        assert.equal(xlsx.statusCode, 200);
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
        const sheet = book.worksheets[0]!;
        assert.equal(sheet.rowCount, 5);
        const cells: string[] = [];
        sheet.eachRow((row) => row.eachCell((c) => cells.push(String(c.value))));
        assertNoIdentities(cells.join('\n'));

        // Scope: an analyst of 兴阳 sees 兴阳's venues only, and not 文苑's on request.
        const xingyang = await signIn(s, 'investigator', AREAS.xingyang);
        const scoped = await t.call('GET', '/checkins/export', xingyang);
        assert.equal(scoped.headers['x-checkin-rows'], '1');
        assert.ok(scoped.body.includes(t.kiosk.id) && !scoped.body.includes(t.gate.id));
        const outside = await t.call('GET', `/checkins/export?venueId=${t.gate.id}`, xingyang);
        assert.equal(outside.statusCode, 403);
        assert.equal(outside.json().code, 'OUT_OF_SCOPE');

        // Permission: community workers and residents may not export.
        for (const role of ['community_worker', 'resident', 'venue_operator'] as const) {
          const who = await signIn(s, role, AREAS.wenyuan);
          const res = await t.call('GET', '/checkins/export', who);
          assert.equal(res.statusCode, 403, role);
          assert.equal(res.json().code, 'FORBIDDEN');
        }
        assert.equal((await t.call('GET', '/checkins/export')).json().code, 'UNAUTHENTICATED');
        assert.equal(
          await s.db
            .selectFrom('audit_event')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('action', '=', 'checkin.export')
            .executeTakeFirstOrThrow()
            .then((r) => Number(r.n)),
          6,
        );
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}

describe('cordon export checkins', () => {
  test('writes a CSV with person references and audits the export', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-export-'));
    try {
      const s = (await createServices(loadConfig({}, { dataDir }), { clock: new FakeClock() })) as Services & {
        clock: FakeClock;
      };
      const app = await build(s, { serveWeb: false });
      let ids: { zhang: string; wang: string };
      try {
        const t = await seed(s, app);
        ids = { zhang: t.zhang, wang: t.wang };
      } finally {
        await app.close();
        await s.close();
      }
      const out = path.join(dataDir, 'checkins.csv');
      const env = { ...process.env, CORDON_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_US.UTF-8' };
      const run = spawnSync(
        process.execPath,
        ['bin/cordon.js', 'export', 'checkins', '--format', 'csv', '--out', out],
        { cwd: ROOT, env, encoding: 'utf8' },
      );
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stderr, /4 check-ins written/);
      const text = fs.readFileSync(out, 'utf8');
      assertNoIdentities(text);
      assert.ok(text.includes(ids.zhang) && text.includes(ids.wang));
      const bad = spawnSync(process.execPath, ['bin/cordon.js', 'export', 'checkins', '--format', 'pdf'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      assert.notEqual(bad.status, 0);
      assert.match(bad.stderr, /CHECKIN_EXPORT_FORMAT/);
      // The roster export still works beside it.
      const persons = spawnSync(process.execPath, ['bin/cordon.js', 'export', 'persons', '--format', 'csv'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      assert.equal(persons.status, 0, persons.stderr);
      const s2 = await createServices(loadConfig({}, { dataDir }));
      try {
        const events = await s2.db
          .selectFrom('audit_event')
          .select(['action', 'actor_name'])
          .where('action', '=', 'checkin.export')
          .execute();
        assert.equal(events.length, 1);
        assert.match(events[0]!.actor_name, /^cli:/);
      } finally {
        await s2.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
