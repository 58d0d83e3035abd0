// The auditor's reading of the log: filters by action (or a family), actor, object and time range,
// a text search, paging by seq, objects named by what they are, and the export (CSV and XLSX),
// itself an audit event; only for audit.read over the whole area tree.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type TestServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { SYSTEM_ACTOR, verifyAuditChain } from '../../src/platform/audit.ts';
import { basisReason, reasonOf } from '../../src/audit/audit.rules.ts';
import { ruleSets } from '../../src/rules/ruleset.load.ts';
import { parse as parseCsv } from 'csv-parse/sync';

async function harness(dialect: 'sqlite' | 'postgres'): Promise<{ s: TestServices; app: App; close(): Promise<void> }> {
  const s = await testServices(dialect);
  await seedTestAreas(s);
  const app = await build(s, { serveWeb: false });
  return {
    s,
    app,
    close: async () => {
      await app.close();
      await s.close();
    },
  };
}

const HOUR = 3_600_000;

/** A household and its head in 文苑社区, and a run of events about them, an hour apart. */
async function seedEvents(s: TestServices): Promise<{ start: number }> {
  const now = s.clock.now();
  await s.db
    .insertInto('household')
    .values({
      id: 'hh1',
      building_id: null,
      area_id: `a_${AREAS.wenyuan}`,
      unit: '1单元',
      door: '101',
      address: '瑞景家园 3号楼1单元101',
      rooms: null,
      head_person_id: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  await s.db
    .insertInto('person')
    .values({
      id: 'p1',
      household_id: 'hh1',
      area_id: `a_${AREAS.wenyuan}`,
      name: '王立伟',
      id_type: 'none',
      id_enc: null,
      id_hmac: null,
      birth_date: null,
      sex: null,
      phone_enc: null,
      phone_hmac: null,
      relation: '本人',
      elderly_alone: 0,
      bedridden: 0,
      pregnant: 0,
      dialysis: 0,
      no_smartphone: 0,
      note: '',
      created_at: now,
      updated_at: now,
    })
    .execute();
  const start = now;
  const worker = { id: 'u-worker', name: 'wang.fang', role: 'community_worker' };
  const entries: Array<[typeof worker, Parameters<TestServices['audit']>[2]]> = [
    [worker, { action: 'household.update', objectType: 'household', objectId: 'hh1', detail: { changed: ['door'] } }],
    [worker, { action: 'person.update', objectType: 'person', objectId: 'p1', detail: { changed: ['note'] } }],
    [
      SYSTEM_ACTOR as typeof worker,
      { action: 'person.read', objectType: 'person', objectId: 'p1', reason: '流调核实 needle' },
    ],
    [worker, { action: 'person.search', objectType: 'person', objectId: null, detail: { kind: 'name', q: '王*' } }],
  ];
  for (const [actor, entry] of entries) {
    await s.db.transaction().execute((trx) => s.audit(trx, actor, entry));
    s.clock.advance(HOUR);
  }
  return { start };
}

for (const { dialect, skip } of await dialects()) {
  describe(`audit log for an auditor [${dialect}]`, { skip }, () => {
    test('filters by action, family, actor, object, time and text; pages by seq; names objects', async () => {
      const h = await harness(dialect);
      try {
        const { start } = await seedEvents(h.s);
        const auditor = await signIn(h.s, 'auditor', AREAS.city);
        const get = async (query: string) => {
          const res = await h.app.inject({
            method: 'GET',
            url: `/api/v1/audit/events?${query}`,
            headers: auditor.headers,
          });
          assert.equal(res.statusCode, 200, res.body);
          return res.json() as {
            items: Array<{
              seq: number;
              action: string;
              actorName: string;
              objectLabel: string | null;
              objectId: string | null;
            }>;
            nextBeforeSeq: number | null;
          };
        };
        const all = await get('limit=100');
        assert.deepEqual(
          all.items.slice(0, 4).map((e) => e.action),
          ['person.search', 'person.read', 'person.update', 'household.update'],
        );
        const household = all.items.find((e) => e.action === 'household.update')!;
        assert.equal(household.objectLabel, '瑞景家园 3号楼1单元101');
        assert.equal(all.items.find((e) => e.action === 'person.update')!.objectLabel, '王*伟');
        assert.equal(all.items.find((e) => e.action === 'person.search')!.objectLabel, null);
        assert.equal(JSON.stringify(all).includes('王立伟'), false, 'a person is never named in full');

        assert.deepEqual(
          (await get('action=person.update')).items.map((e) => e.action),
          ['person.update'],
        );
        assert.deepEqual(
          (await get('action=person.*')).items.map((e) => e.action),
          ['person.search', 'person.read', 'person.update'],
        );
        assert.deepEqual(
          (await get('actor=wang.fang')).items.map((e) => e.action),
          ['person.search', 'person.update', 'household.update'],
        );
        assert.deepEqual(
          (await get('actorId=u-worker&objectType=person')).items.map((e) => e.action),
          ['person.search', 'person.update'],
        );
        assert.deepEqual(
          (await get('objectType=person&objectId=p1')).items.map((e) => e.action),
          ['person.read', 'person.update'],
        );
        assert.deepEqual(
          (await get(`from=${start + HOUR}&to=${start + 3 * HOUR}`)).items.map((e) => e.action),
          ['person.read', 'person.update'],
        );
        const iso = new Date(start + 2 * HOUR).toISOString();
        assert.deepEqual(
          (await get(`from=${encodeURIComponent(iso)}&action=person.*`)).items.map((e) => e.action),
          ['person.search', 'person.read'],
        );
        assert.deepEqual(
          (await get('q=needle')).items.map((e) => e.action),
          ['person.read'],
        );
        assert.deepEqual(
          (await get('q=door')).items.map((e) => e.action),
          ['household.update'],
        );
        assert.deepEqual((await get('q=100%25')).items, [], 'a % in the search is a character, not a wildcard');

        const first = await get('limit=2&action=person.*');
        assert.equal(first.items.length, 2);
        assert.equal(first.nextBeforeSeq, first.items[1]!.seq);
        const second = await get(`limit=2&action=person.*&beforeSeq=${first.nextBeforeSeq}`);
        assert.deepEqual(
          second.items.map((e) => e.action),
          ['person.update'],
        );
        assert.equal(second.nextBeforeSeq, null);

        const bad = await h.app.inject({
          method: 'GET',
          url: '/api/v1/audit/events?from=yesterday',
          headers: auditor.headers,
        });
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().code, 'AUDIT_TIME_INVALID');
      } finally {
        await h.close();
      }
    });

    test('a service’s reason comes with its kind and params; a user’s own words and old sentences as written or read back', async () => {
      const h = await harness(dialect);
      try {
        const worker = { id: 'u-worker', name: 'wang.fang', role: 'community_worker' };
        await h.s.db.transaction().execute(async (trx) => {
          await h.s.audit(trx, SYSTEM_ACTOR, {
            action: 'checkin.purge',
            objectType: 'checkin',
            ...reasonOf('retention', { days: 28 }),
            detail: { checkins: 3 },
          });
          await h.s.audit(trx, worker, { action: 'person.read', objectType: 'person', reason: '核实身份' });
          // Written before kinds were stored: the sentence alone.
          await h.s.audit(trx, SYSTEM_ACTOR, { action: 'health.read', objectType: 'person', reason: 'own colour' });
        });
        const stored = await h.s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'checkin.purge')
          .executeTakeFirstOrThrow();
        assert.deepEqual(JSON.parse(stored.detail), {
          checkins: 3,
          reasonKind: 'retention',
          reasonParams: { days: 28 },
        });
        const auditor = await signIn(h.s, 'auditor', AREAS.city);
        const res = await h.app.inject({ method: 'GET', url: '/api/v1/audit/events', headers: auditor.headers });
        assert.equal(res.statusCode, 200, res.body);
        const items = (
          res.json() as {
            items: Array<{
              action: string;
              reason: string;
              reasonKind: string | null;
              reasonParams: unknown;
              detail: unknown;
            }>;
          }
        ).items;
        const by = (action: string) => items.find((e) => e.action === action)!;
        const { reason, reasonKind, reasonParams, detail } = by('checkin.purge');
        assert.deepEqual(
          { reason, reasonKind, reasonParams, detail },
          { reason: 'retention 28 days', reasonKind: 'retention', reasonParams: { days: 28 }, detail: { checkins: 3 } },
        );
        assert.equal(by('person.read').reasonKind, null);
        assert.equal(by('person.read').reason, '核实身份');
        assert.equal(by('health.read').reasonKind, 'own_colour');
        assert.equal((await verifyAuditChain(h.s.db)).ok, true);
      } finally {
        await h.close();
      }
    });

    test('the export streams the filtered log as CSV or XLSX and is itself audited', async () => {
      const h = await harness(dialect);
      try {
        await seedEvents(h.s);
        const auditor = await signIn(h.s, 'auditor', AREAS.city);
        const csv = await h.app.inject({
          method: 'GET',
          url: '/api/v1/audit/export?action=person.*&format=csv',
          headers: auditor.headers,
        });
        assert.equal(csv.statusCode, 200);
        assert.match(csv.headers['content-type'] as string, /text\/csv/);
        assert.match(csv.headers['content-disposition'] as string, /audit-log\.csv/);
        const lines = csv.body
          .replace(/^\uFEFF/, '')
          .trim()
          .split(/\r?\n/);
        assert.equal(lines.length, 4, 'a header and three person events');
        assert.ok(lines[0]!.startsWith('序号,时间,操作人'));
        assert.ok(lines.some((l) => l.includes('王*伟')));
        assert.equal(csv.body.includes('王立伟'), false);

        const xlsx = await h.app.inject({
          method: 'GET',
          url: '/api/v1/audit/export?format=xlsx&objectId=hh1',
          headers: { ...auditor.headers, 'accept-language': 'en' },
        });
        assert.equal(xlsx.statusCode, 200);
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
        const sheet = book.worksheets[0]!;
        assert.equal(sheet.getRow(1).getCell(1).value, 'Seq');
        assert.equal(sheet.actualRowCount, 2);
        assert.equal(sheet.getRow(2).getCell(9).value, '瑞景家园 3号楼1单元101');

        const exports = await h.s.db
          .selectFrom('audit_event')
          .select(['actor_id', 'detail'])
          .where('action', '=', 'audit.export')
          .orderBy('seq')
          .execute();
        assert.equal(exports.length, 2);
        assert.equal(exports[0]!.actor_id, auditor.userId);
        assert.deepEqual(JSON.parse(exports[0]!.detail), { format: 'csv', action: 'person.*' });
        assert.deepEqual(JSON.parse(exports[1]!.detail), { format: 'xlsx', objectId: 'hh1' });
      } finally {
        await h.close();
      }
    });

    test('the export says actions, roles and reasons as the page does, in the language asked for', async () => {
      const h = await harness(dialect);
      try {
        const set = ruleSets()[0]!;
        const worker = { id: 'u-worker', name: 'wang.fang', role: 'community_worker' };
        await h.s.db.transaction().execute(async (trx) => {
          await h.s.audit(trx, SYSTEM_ACTOR, {
            action: 'checkin.purge',
            objectType: 'checkin',
            ...reasonOf('retention', { days: 28 }),
          });
          await h.s.audit(trx, SYSTEM_ACTOR, {
            action: 'health.recompute',
            objectType: 'person',
            objectId: 'p9',
            ...basisReason({
              reason: `recomputed under rule set ${set.id} ${set.version}`,
              kind: 'recomputed',
              params: { ruleSet: set.id, version: set.version },
            }),
          });
          // Written before kinds were stored: the sentence alone, read back by its kind.
          await h.s.audit(trx, SYSTEM_ACTOR, { action: 'health.read', objectType: 'person', reason: 'own colour' });
          await h.s.audit(trx, worker, {
            action: 'person.read',
            objectType: 'person',
            reason: 'checking identity 核实',
          });
        });
        const auditor = await signIn(h.s, 'auditor', AREAS.city);
        const rows = async (lang: string) => {
          const res = await h.app.inject({
            method: 'GET',
            url: `/api/v1/audit/export?format=csv&lang=${lang}`,
            headers: { ...auditor.headers, 'accept-language': lang === 'en' ? 'zh-CN' : 'en' },
          });
          assert.equal(res.statusCode, 200, res.body);
          const [header, ...body] = parseCsv(res.body.replace(/^\uFEFF/, ''), {
            relaxColumnCount: false,
          }) as string[][];
          const col = (name: string) => header!.indexOf(name);
          return { header: header!, body, col };
        };

        const zh = await rows('zh');
        const zhBy = (code: string) => zh.body.find((r) => r[zh.col('操作代码')] === code)!;
        assert.deepEqual(zh.header.slice(0, 6), ['序号', '时间', '操作人', '角色', '操作', '操作代码']);
        assert.equal(zhBy('checkin.purge')[zh.col('原因')], '超过 28 天保存期限');
        assert.equal(zhBy('checkin.purge')[zh.col('操作人')], '系统');
        assert.equal(zhBy('checkin.purge')[zh.col('操作')], '清理过期扫码记录');
        assert.equal(zhBy('health.recompute')[zh.col('原因')], `按防控方案“${set.name.zh}”重新赋码`);
        assert.equal(zhBy('health.read')[zh.col('原因')], '本人查看健康码');
        assert.equal(zhBy('person.read')[zh.col('原因')], 'checking identity 核实', "a user's own words as written");
        assert.equal(zhBy('person.read')[zh.col('角色')], '社区工作者');

        const en = await rows('en');
        const enBy = (code: string) => en.body.find((r) => r[en.col('Action code')] === code)!;
        assert.equal(enBy('checkin.purge')[en.col('Reason')], 'Older than the 28-day retention period');
        assert.equal(enBy('checkin.purge')[en.col('Action')], 'Purge old check-ins');
        assert.equal(enBy('health.recompute')[en.col('Reason')], `recomputed under the rule set “${set.name.en}”`);
        assert.equal(enBy('health.read')[en.col('Reason')], 'Own colour');
      } finally {
        await h.close();
      }
    });

    test('an auditor or administrator of a community and a role without audit.read are refused the log and the export', async () => {
      const h = await harness(dialect);
      try {
        await seedEvents(h.s);
        const refusals: Array<[string, Awaited<ReturnType<typeof signIn>>, string]> = [
          ['auditor of 文苑社区', await signIn(h.s, 'auditor', AREAS.wenyuan), 'OUT_OF_SCOPE'],
          ['admin of 兴阳社区', await signIn(h.s, 'admin', AREAS.xingyang), 'OUT_OF_SCOPE'],
          ['community worker', await signIn(h.s, 'community_worker', AREAS.city), 'FORBIDDEN'],
          ['command', await signIn(h.s, 'command', AREAS.city), 'FORBIDDEN'],
        ];
        for (const [who, user, code] of refusals) {
          for (const url of ['/api/v1/audit/events', '/api/v1/audit/export?format=csv']) {
            const res = await h.app.inject({ method: 'GET', url, headers: user.headers });
            assert.equal(res.statusCode, 403, `${who} ${url}`);
            assert.equal(res.json().code, code, `${who} ${url}`);
          }
        }
        const exports = await h.s.db
          .selectFrom('audit_event')
          .select('seq')
          .where('action', '=', 'audit.export')
          .execute();
        assert.equal(exports.length, 0);
        const admin = await signIn(h.s, 'admin', AREAS.city);
        assert.equal(
          (await h.app.inject({ method: 'GET', url: '/api/v1/audit/events', headers: admin.headers })).statusCode,
          200,
        );
      } finally {
        await h.close();
      }
    });
  });
}
