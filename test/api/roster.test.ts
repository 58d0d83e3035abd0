import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import ExcelJS from 'exceljs';
import { dialects } from '../support/dialects.ts';
import { AREAS, countRows, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import {
  ENGLISH_CSV,
  MIXED_CSV,
  SAMPLE_CSV,
  csvRows,
  seedRosterAreas,
  snapshot,
  xlsxOf,
} from '../fixtures/roster.fixtures.ts';

const ROOT = path.resolve(new URL('../..', import.meta.url).pathname);
const FULL_ID = /\d{17}[\dX]/;

function multipart(fileName: string, content: Buffer | string, headers: Record<string, string>) {
  const boundary = '----cordon-roster-test';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    Buffer.isBuffer(content) ? content : Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

const sample = () => fs.readFileSync(SAMPLE_CSV);

for (const { dialect, skip } of await dialects()) {
  describe(`roster HTTP [${dialect}]`, { skip }, () => {
    test('a community worker imports the sample roster; the import is audited once', async () => {
      const s = await testServices(dialect);
      await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('花名册.csv', sample(), worker.headers),
        });
        assert.equal(res.statusCode, 200, res.body);
        const body = res.json();
        assert.deepEqual(
          {
            rows: body.rows,
            imported: body.imported,
            rejected: body.rejected,
            households: body.households,
            buildings: body.buildings,
            errors: body.errors,
            rejectsCsv: body.rejectsCsv,
          },
          { rows: 5, imported: 5, rejected: 0, households: 3, buildings: 2, errors: [], rejectsCsv: null },
        );
        const event = await s.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'roster.import')
          .executeTakeFirstOrThrow();
        assert.equal(event.actor_id, worker.userId);
        assert.equal(JSON.parse(event.detail).file, '花名册.csv');
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('whole mode with bad rows is 422 ROSTER_INVALID with row, column and code, and writes nothing', async () => {
      const s = await testServices(dialect);
      await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.street);
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('mixed.csv', fs.readFileSync(MIXED_CSV), worker.headers),
        });
        assert.equal(res.statusCode, 422);
        const problem = res.json();
        assert.equal(problem.code, 'ROSTER_INVALID');
        assert.equal(problem.totalErrors, 5);
        assert.deepEqual(
          problem.errors
            .map((e: { row: number; column: string; code: string }) => `${e.row}|${e.column}|${e.code}`)
            .sort(),
          [
            '3|联系电话|PHONE_FORMAT',
            '4|身份证号|ID_NUMBER_CHECKSUM',
            '5|社区|AREA_UNKNOWN',
            '6|是否卧床|FLAG_INVALID',
            '6|网格|AREA_UNKNOWN',
          ],
        );
        assert.ok(problem.errors.every((e: { message: string }) => e.message.length > 0));
        assert.equal(await countRows(s, 'person'), 0);
        assert.equal(await countRows(s, 'audit_event'), 0);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('?partial=true writes the good rows and returns the rejects CSV; ?dryRun=true writes nothing', async () => {
      const s = await testServices(dialect);
      await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.street);
        const dry = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?dryRun=true&partial=true',
          ...multipart('mixed.csv', fs.readFileSync(MIXED_CSV), worker.headers),
        });
        assert.equal(dry.statusCode, 200);
        assert.deepEqual([dry.json().dryRun, dry.json().imported, dry.json().rejected], [true, 2, 4]);
        assert.equal(await countRows(s, 'person'), 0);
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?partial=true',
          ...multipart('mixed.csv', fs.readFileSync(MIXED_CSV), worker.headers),
        });
        assert.equal(res.statusCode, 200);
        const body = res.json();
        assert.deepEqual([body.imported, body.rejected, body.totalErrors], [2, 4, 5]);
        const lines = (body.rejectsCsv as string)
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\n');
        assert.match(lines[0]!, /,错误$/);
        assert.equal(lines.length, 5);
        assert.equal(await countRows(s, 'person'), 2);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test("an address whose household has another head refuses the file's rows (row and column named), the dry run lists them, ?newHousehold=true makes a new household", async () => {
      const s = await testServices(dialect);
      await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const head = '序号,社区,网格,楼栋,单元,门牌号,户主姓名,与户主关系,姓名,性别,身份证号\n';
        const wang =
          `${head}1,文苑社区,第一网格,3号楼,1单元,101,王立伟,本人,王立伟,男,220402197001010014\n` +
          '2,文苑社区,第一网格,3号楼,1单元,101,王立伟,配偶,陈芳,女,220402197202020024\n' +
          '3,文苑社区,第一网格,3号楼,1单元,101,王立伟,子女,王浩,男,220402199503030030\n';
        const first = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('wang.csv', wang, worker.headers),
        });
        assert.equal(first.statusCode, 200, first.body);
        const wangHousehold = (
          await s.db.selectFrom('person').select('household_id').where('name', '=', '王立伟').executeTakeFirstOrThrow()
        ).household_id!;

        const refusedRes = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('花名册.csv', sample(), worker.headers),
        });
        assert.equal(refusedRes.statusCode, 422, refusedRes.body);
        const problem = refusedRes.json();
        assert.deepEqual(
          problem.errors.map((e: { row: number; column: string; code: string }) => `${e.row}|${e.column}|${e.code}`),
          ['2|户主姓名|HOUSEHOLD_HEAD_MISMATCH', '3|户主姓名|HOUSEHOLD_HEAD_MISMATCH'],
        );
        assert.equal(problem.errors[0].params.head, '王*伟');
        assert.equal(await countRows(s, 'person'), 3);

        const dry = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?dryRun=true',
          ...multipart('花名册.csv', sample(), worker.headers),
        });
        assert.deepEqual(
          dry.json().errors.map((e: { row: number; code: string }) => `${e.row}|${e.code}`),
          ['2|HOUSEHOLD_HEAD_MISMATCH', '3|HOUSEHOLD_HEAD_MISMATCH'],
        );
        const dryNew = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?dryRun=true&newHousehold=true',
          ...multipart('花名册.csv', sample(), worker.headers),
        });
        assert.deepEqual([dryNew.json().rejected, dryNew.json().households], [0, 3]);
        assert.deepEqual(
          dryNew.json().warnings.map((e: { row: number; code: string }) => `${e.row}|${e.code}`),
          ['2|HOUSEHOLD_NEW_AT_ADDRESS', '3|HOUSEHOLD_NEW_AT_ADDRESS'],
        );

        const made = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?newHousehold=true',
          ...multipart('花名册.csv', sample(), worker.headers),
        });
        assert.equal(made.statusCode, 200, made.body);
        assert.deepEqual([made.json().imported, made.json().households], [5, 3]);
        const members = async (householdId: string) =>
          (
            await s.db
              .selectFrom('person')
              .select('name')
              .where('household_id', '=', householdId)
              .orderBy('name')
              .execute()
          ).map((p) => p.name);
        assert.deepEqual(await members(wangHousehold), ['王浩', '王立伟', '陈芳'].sort());
        const zhang = (
          await s.db.selectFrom('person').select('household_id').where('name', '=', '张建国').executeTakeFirstOrThrow()
        ).household_id!;
        assert.notEqual(zhang, wangHousehold);
        assert.deepEqual(await members(zhang), ['张建国', '李秀兰'].sort());
        const zhangHousehold = await s.db
          .selectFrom('household')
          .select(['head_person_id', 'door'])
          .where('id', '=', zhang)
          .executeTakeFirstOrThrow();
        assert.equal(zhangHousehold.door, '101');
        assert.ok(zhangHousehold.head_person_id);

        // Rows naming the registered head join that household; a 户主证件号 that is not the head's is refused.
        const joins = `${head.trimEnd()},户主证件号\n1,文苑社区,第一网格,3号楼,1单元,101,王立伟,父母,王德,男,220402194001010010,220402197001010014\n`;
        const wrongId = `${head.trimEnd()},户主证件号\n1,文苑社区,第一网格,3号楼,1单元,101,王立伟,父母,王德,男,220402194001010010,220402195304120318\n`;
        const bad = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('wrong.csv', wrongId, worker.headers),
        });
        assert.equal(bad.statusCode, 422, bad.body);
        assert.deepEqual(
          bad.json().errors.map((e: { row: number; column: string; code: string }) => `${e.row}|${e.column}|${e.code}`),
          ['2|户主证件号|HOUSEHOLD_HEAD_MISMATCH'],
        );
        const ok = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('join.csv', joins, worker.headers),
        });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.ok((await members(wangHousehold)).includes('王德'));
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('a worker of 兴阳社区 gets OUT_OF_SCOPE for 文苑社区 rows; roles without registry.import are refused; only .csv/.xlsx; XLSX uploads', async () => {
      const s = await testServices(dialect);
      await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const xingyang = await signIn(s, 'community_worker', AREAS.xingyang);
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('r.csv', sample(), xingyang.headers),
        });
        assert.equal(res.statusCode, 422);
        assert.deepEqual([...new Set(res.json().errors.map((e: { code: string }) => e.code))], ['OUT_OF_SCOPE']);
        assert.equal(res.json().errors.length, 5);
        const lab = await signIn(s, 'lab', AREAS.city);
        const denied = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('r.csv', sample(), lab.headers),
        });
        assert.equal(denied.statusCode, 403);
        assert.equal(denied.json().code, 'FORBIDDEN');
        const xls = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('r.xls', sample(), xingyang.headers),
        });
        assert.equal(xls.json().code, 'ROSTER_FORMAT');
        const header = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('h.csv', 'a,b\n1,2\n', xingyang.headers),
        });
        assert.equal(header.statusCode, 400);
        assert.equal(header.json().code, 'ROSTER_HEADER');
        assert.equal(await countRows(s, 'person'), 0);
        const book = await xlsxOf(csvRows(ENGLISH_CSV));
        const xlsx = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('roster.xlsx', book, xingyang.headers),
        });
        assert.equal(xlsx.statusCode, 200, xlsx.body);
        assert.equal(xlsx.json().imported, 3);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('a file that is not a workbook, or a CSV the parser cannot follow, is refused with a code of ours in zh and en', async () => {
      const s = await testServices(dialect);
      await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const fake = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('roster.xlsx', 'this is not a workbook', worker.headers),
        });
        assert.equal(fake.statusCode, 400);
        assert.equal(fake.json().code, 'ROSTER_XLSX_INVALID');
        assert.doesNotMatch(fake.json().detail, /signature|0x/, 'the zh message has no library words');
        const en = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('roster.xlsx', 'this is not a workbook', { ...worker.headers, 'accept-language': 'en' }),
        });
        assert.equal(en.json().code, 'ROSTER_XLSX_INVALID');
        assert.doesNotMatch(en.json().detail, /signature/);
        const quotes = `${csvRows(SAMPLE_CSV)[0]!.join(',')}\n1,"文苑社区,第一网格\n`;
        const csv = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('roster.csv', quotes, worker.headers),
        });
        assert.equal(csv.statusCode, 400, csv.body);
        assert.equal(csv.json().code, 'ROSTER_CSV_INVALID');
        assert.equal(await countRows(s, 'person'), 0);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('export is masked by default (CSV and XLSX), scoped, audited; reveal needs the permission and a reason', async () => {
      const s = await testServices(dialect);
      const areas = await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.street);
        for (const file of [SAMPLE_CSV, ENGLISH_CSV]) {
          const r = await app.inject({
            method: 'POST',
            url: '/api/v1/registry/import',
            ...multipart(path.basename(file), fs.readFileSync(file), worker.headers),
          });
          assert.equal(r.statusCode, 200, r.body);
        }
        const csv = await app.inject({
          method: 'GET',
          url: '/api/v1/registry/export?format=csv',
          headers: worker.headers,
        });
        assert.equal(csv.statusCode, 200);
        assert.match(String(csv.headers['content-type']), /text\/csv/);
        const text = csv.body.replace(/^\uFEFF/, '');
        assert.equal(
          text.split('\n')[0],
          '序号,社区,网格,楼栋,单元,门牌号,户主姓名,与户主关系,姓名,性别,身份证号,联系电话,是否独居老人,是否卧床,是否有智能手机,备注,证件类型,出生日期,是否孕妇,是否透析,地址,小区',
        );
        assert.equal(text.trim().split('\n').length, 9);
        assert.doesNotMatch(text, FULL_ID);
        assert.match(text, /220402\*{8}0318/);
        assert.match(text, /138\*{4}1234/);
        assert.match(text, /,'=to be checked,/);

        const xlsx = await app.inject({
          method: 'GET',
          url: '/api/v1/registry/export?format=xlsx&lang=en',
          headers: worker.headers,
        });
        assert.equal(xlsx.statusCode, 200);
        const book = new ExcelJS.Workbook();
        await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
        const cells: string[] = [];
        book.worksheets[0]!.eachRow((row) => cells.push((row.values as unknown[]).slice(1).map(String).join('|')));
        assert.equal(cells.length, 9);
        assert.match(cells[0]!, /^No\|Community\|Grid\|Building/);
        assert.doesNotMatch(cells.join('\n'), FULL_ID);

        const scoped = await signIn(s, 'community_worker', AREAS.xingyang);
        const own = await app.inject({ method: 'GET', url: '/api/v1/registry/export', headers: scoped.headers });
        assert.equal(own.body.trim().split('\n').length, 4);
        assert.doesNotMatch(own.body, /文苑社区/);
        const other = await app.inject({
          method: 'GET',
          url: `/api/v1/registry/export?areaId=${areas[AREAS.wenyuan]}`,
          headers: scoped.headers,
        });
        assert.equal(other.statusCode, 403);
        assert.equal(other.json().code, 'OUT_OF_SCOPE');

        const noReason = await app.inject({
          method: 'GET',
          url: '/api/v1/registry/export?reveal=1',
          headers: worker.headers,
        });
        assert.equal(noReason.json().code, 'REASON_REQUIRED');
        const admin = await signIn(s, 'admin', AREAS.city);
        const adminReveal = await app.inject({
          method: 'GET',
          url: '/api/v1/registry/export?reveal=1&reason=check',
          headers: admin.headers,
        });
        assert.equal(adminReveal.statusCode, 403);
        assert.equal(adminReveal.json().code, 'FORBIDDEN');
        const revealed = await app.inject({
          method: 'GET',
          url: `/api/v1/registry/export?reveal=1&reason=${encodeURIComponent('核酸筛查名单')}`,
          headers: worker.headers,
        });
        assert.equal(revealed.statusCode, 200);
        assert.match(revealed.body, /220402195304120318/);

        const events = await s.db
          .selectFrom('audit_event')
          .select(['detail', 'reason', 'actor_id'])
          .where('action', '=', 'roster.export')
          .orderBy('seq')
          .execute();
        assert.deepEqual(
          events.map((e) => JSON.parse(e.detail)),
          [
            { format: 'csv', rows: 8, area: AREAS.street, revealed: false, reason: '' },
            { format: 'xlsx', rows: 8, area: AREAS.street, revealed: false, reason: '' },
            { format: 'csv', rows: 3, area: AREAS.xingyang, revealed: false, reason: '' },
            { format: 'csv', rows: 8, area: AREAS.street, revealed: true, reason: '核酸筛查名单' },
          ],
        );
        assert.equal(events[3]!.reason, '核酸筛查名单');
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}

describe('cordon import persons / export persons', () => {
  test('the CLI imports a roster into a data dir and exports it, masked', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-roster-'));
    try {
      const s = await createServices(loadConfig({}, { dataDir }));
      try {
        await seedRosterAreas(s);
      } finally {
        await s.close();
      }
      const env = { ...process.env, DATABASE_URL: '', LANG: 'C' };
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/cordon.js', '--data-dir', dataDir, ...args], {
          cwd: ROOT,
          env,
          encoding: 'utf8',
        });

      const mixed = path.join(dataDir, 'mixed.csv');
      fs.copyFileSync(MIXED_CSV, mixed);
      const refused = cli('import', 'persons', mixed, '--json');
      assert.equal(refused.status, 1, refused.stderr);
      const report = JSON.parse(refused.stdout);
      assert.deepEqual([report.imported, report.rejected, report.totalErrors], [0, 4, 5]);
      assert.ok(fs.existsSync(`${mixed}.rejects.csv`));

      const imported = cli('import', 'persons', SAMPLE_CSV, '--json');
      assert.equal(imported.status, 0, imported.stderr);
      assert.deepEqual([JSON.parse(imported.stdout).imported, JSON.parse(imported.stdout).households], [5, 3]);

      const out = path.join(dataDir, 'out.csv');
      const exported = cli('export', 'persons', '--format', 'csv', '--out', out, '--area', AREAS.wenyuan);
      assert.equal(exported.status, 0, exported.stderr);
      const text = fs.readFileSync(out, 'utf8');
      assert.equal(text.trim().split('\n').length, 6);
      assert.doesNotMatch(text, FULL_ID);

      const check = await createServices(loadConfig({}, { dataDir }));
      try {
        assert.equal((await snapshot(check)).length, 5);
        const actions = await check.db.selectFrom('audit_event').select('action').orderBy('seq').execute();
        assert.deepEqual(
          actions.map((a) => a.action).filter((a) => a.startsWith('roster.')),
          ['roster.import', 'roster.export'],
        );
      } finally {
        await check.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
