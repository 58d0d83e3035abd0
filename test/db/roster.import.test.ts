import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, countRows, testServices } from '../support/services.ts';
import { importRoster, refused } from '../../src/registry/roster.import.ts';
import { exportRoster } from '../../src/registry/roster.export.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import {
  ENGLISH_CSV,
  MIXED_CSV,
  OPERATOR,
  SAMPLE_CSV,
  WENYUAN_GRID_2,
  seedRosterAreas,
  collect,
  csvRows,
  fileStream,
  snapshot,
  textStream,
  xlsxOf,
} from '../fixtures/roster.fixtures.ts';

const HEADER =
  '序号,社区,网格,楼栋,单元,门牌号,户主姓名,与户主关系,姓名,性别,身份证号,联系电话,是否独居老人,是否卧床,是否有智能手机,备注';

function faultList(faults: Array<{ row?: number; column?: string; code: string }>): string[] {
  return faults.map((f) => `${f.row}|${f.column}|${f.code}`).sort();
}

for (const { dialect, skip } of await dialects()) {
  describe(`roster import [${dialect}]`, { skip }, () => {
    test('the sample roster imports: 5 persons, 3 households, heads, the child without ID, care tags', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const r = await importRoster(s, OPERATOR, fileStream(SAMPLE_CSV), {
          fileName: 'household-roster.csv',
          format: 'csv',
        });
        assert.deepEqual(
          {
            rows: r.rows,
            imported: r.imported,
            rejected: r.rejected,
            households: r.households,
            buildings: r.buildings,
            faults: r.faults,
          },
          { rows: 5, imported: 5, rejected: 0, households: 3, buildings: 2, faults: [] },
        );
        const persons = await snapshot(s);
        assert.equal(persons.length, 5);
        const byName = Object.fromEntries(persons.map((p) => [p.name, p]));
        assert.equal(byName['张建国']!.isHead, true);
        assert.equal(byName['李秀兰']!.isHead, false);
        assert.equal(byName['王丽']!.isHead, true);
        assert.equal(byName['赵桂芝']!.isHead, true);
        assert.deepEqual(byName['刘子涵'], {
          name: '刘子涵',
          idType: 'none',
          idNumber: null,
          phone: null,
          sex: 'M',
          birthDate: null,
          relation: '子女',
          careTags: ['no_smartphone'],
          note: '未办理身份证(2016年出生)',
          area: AREAS.wenyuanGrid,
          building: '3号楼',
          unit: '1单元',
          door: '102',
          isHead: false,
        });
        assert.equal(byName['张建国']!.birthDate, '1953-04-12');
        assert.equal(byName['张建国']!.phone, '13804371234');
        assert.deepEqual(byName['张建国']!.careTags, []);
        assert.deepEqual(byName['李秀兰']!.careTags, ['no_smartphone']);
        assert.deepEqual(byName['赵桂芝']!.careTags, ['elderly_alone', 'bedridden', 'no_smartphone']);
        assert.equal(byName['赵桂芝']!.area, WENYUAN_GRID_2);
        const events = await s.db.selectFrom('audit_event').select(['action', 'detail']).orderBy('seq').execute();
        assert.deepEqual(
          events.map((e) => e.action),
          ['building.create', 'building.create', 'roster.import'],
        );
        assert.deepEqual(JSON.parse(events[2]!.detail), {
          file: 'household-roster.csv',
          format: 'csv',
          mode: 'whole',
          rows: 5,
          imported: 5,
          rejected: 0,
          households: 3,
          buildings: 2,
          householdsInFile: 3,
          buildingsInFile: 2,
        });
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await s.close();
      }
    });

    test('whole mode: good and bad rows → nothing written, each bad row reported by row, column and code', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const r = await importRoster(s, OPERATOR, fileStream(MIXED_CSV), { fileName: 'mixed.csv', format: 'csv' });
        assert.equal(refused(r), true);
        assert.deepEqual(faultList(r.faults), [
          '3|联系电话|PHONE_FORMAT',
          '4|身份证号|ID_NUMBER_CHECKSUM',
          '5|社区|AREA_UNKNOWN',
          '6|是否卧床|FLAG_INVALID',
          '6|网格|AREA_UNKNOWN',
        ]);
        assert.equal(r.imported, 0);
        assert.equal(r.rejected, 4);
        for (const table of ['person', 'household', 'building', 'audit_event'] as const)
          assert.equal(await countRows(s, table), 0, table);
      } finally {
        await s.close();
      }
    });

    test('partial mode writes the good rows and hands back the bad ones with an errors column', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const r = await importRoster(s, OPERATOR, fileStream(MIXED_CSV), {
          fileName: 'mixed.csv',
          format: 'csv',
          partial: true,
          lang: 'en',
        });
        assert.equal(refused(r), false);
        assert.deepEqual(
          { imported: r.imported, rejected: r.rejected, households: r.households, buildings: r.buildings },
          { imported: 2, rejected: 4, households: 2, buildings: 1 },
        );
        assert.deepEqual(
          (await snapshot(s)).map((p) => `${p.name}:${p.isHead}`),
          ['冯静:true', '孙立:true'],
        );
        const rejects = r
          .rejectsCsv!.replace(/^\uFEFF/, '')
          .trim()
          .split('\n');
        assert.equal(rejects[0], `${HEADER},Errors`);
        assert.deepEqual(
          rejects.slice(1).map((l) => l.split(',')[0]),
          ['2', '3', '4', '5'],
        );
        assert.match(rejects[1]!, /联系电话: /);
        const detail = await s.db
          .selectFrom('audit_event')
          .select('detail')
          .where('action', '=', 'roster.import')
          .executeTakeFirstOrThrow();
        assert.equal(JSON.parse(detail.detail).mode, 'partial');
      } finally {
        await s.close();
      }
    });

    test('a dry run validates against the registry and writes nothing', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const r = await importRoster(s, OPERATOR, fileStream(SAMPLE_CSV), {
          fileName: 'x.csv',
          format: 'csv',
          dryRun: true,
        });
        assert.deepEqual(
          { dryRun: r.dryRun, imported: r.imported, households: r.households, buildings: r.buildings },
          { dryRun: true, imported: 5, households: 3, buildings: 2 },
        );
        for (const table of ['person', 'household', 'building', 'audit_event'] as const)
          assert.equal(await countRows(s, table), 0, table);
        await importRoster(s, OPERATOR, fileStream(SAMPLE_CSV), { fileName: 'x.csv', format: 'csv' });
        const again = await importRoster(s, OPERATOR, fileStream(SAMPLE_CSV), {
          fileName: 'x.csv',
          format: 'csv',
          dryRun: true,
        });
        assert.equal(again.faults.filter((f) => f.code === 'ID_NUMBER_DUPLICATE').length, 4);
        assert.equal(await countRows(s, 'person'), 5);
      } finally {
        await s.close();
      }
    });

    // One database at a time: two open PostgreSQL test schemas confuse the migrator's table check.
    async function importedInto(
      file: Buffer | string,
      format: 'csv' | 'xlsx',
    ): Promise<Awaited<ReturnType<typeof snapshot>>> {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const r = await importRoster(s, OPERATOR, typeof file === 'string' ? fileStream(file) : textStream(file), {
          fileName: `r.${format}`,
          format,
        });
        assert.deepEqual(r.faults, [], format);
        return await snapshot(s);
      } finally {
        await s.close();
      }
    }

    test('XLSX imports the same persons as CSV, door numbers stored as numbers included', async () => {
      const fromCsv = await importedInto(SAMPLE_CSV, 'csv');
      const fromXlsx = await importedInto(await xlsxOf(csvRows(SAMPLE_CSV), [0, 5]), 'xlsx');
      assert.equal(fromXlsx.length, 5);
      assert.deepEqual(fromXlsx, fromCsv);
    });

    test('an English header (trimmed, any case) imports; unknown columns are one warning', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const r = await importRoster(s, OPERATOR, fileStream(ENGLISH_CSV), { fileName: 'en.csv', format: 'csv' });
        assert.deepEqual(r.faults, []);
        assert.deepEqual(
          r.warnings.map((w) => [w.code, w.params?.columns]),
          [['ROSTER_UNKNOWN_COLUMNS', 'Favourite colour']],
        );
        const persons = await snapshot(s);
        assert.deepEqual(
          persons.map((p) => [p.name, p.area, p.building, p.isHead, p.careTags.join('+')]),
          [
            ['Chen Na', AREAS.xingyangGrid, 'Block 2', false, ''],
            ['Li Wei', AREAS.xingyangGrid, 'Block 2', true, ''],
            ['Wang Fang', AREAS.xingyang, 'Block 2', true, 'bedridden+no_smartphone'],
          ],
        );
      } finally {
        await s.close();
      }
    });

    test('an ID number already stored or repeated in the file is a row fault naming the other', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        await importRoster(s, OPERATOR, fileStream(SAMPLE_CSV), { fileName: 'r.csv', format: 'csv' });
        const file = [
          HEADER,
          '1,兴阳社区,第一网格,9号楼,1单元,101,张三,本人,张三,男,220402195304120318,,否,否,是,',
          '2,兴阳社区,第一网格,9号楼,1单元,102,孙立,本人,孙立,男,220402198001011230,,否,否,是,',
          '3,兴阳社区,第一网格,9号楼,1单元,103,孙立二,本人,孙立二,男,220402198001011230,,否,否,是,',
        ].join('\n');
        const r = await importRoster(s, OPERATOR, textStream(file), { fileName: 'd.csv', format: 'csv' });
        assert.deepEqual(faultList(r.faults), [
          '2|身份证号|ID_NUMBER_DUPLICATE',
          '4|身份证号|ID_NUMBER_DUPLICATE_IN_FILE',
        ]);
        const dup = r.faults.find((f) => f.code === 'ID_NUMBER_DUPLICATE')!;
        assert.equal(dup.params?.name, '张建国');
        assert.equal(dup.params?.areaName, '第一网格');
        assert.equal(r.faults.find((f) => f.code === 'ID_NUMBER_DUPLICATE_IN_FILE')!.params?.otherRow, 3);
        assert.equal(await countRows(s, 'person'), 5);
      } finally {
        await s.close();
      }
    });

    test('a header without the required columns is ROSTER_HEADER naming them', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        await assert.rejects(
          importRoster(s, OPERATOR, textStream('序号,楼栋,单元,姓名\n1,3号楼,1单元,张三\n'), {
            fileName: 'h.csv',
            format: 'csv',
          }),
          (err: { code: string; params: { missing: string } }) => {
            assert.equal(err.code, 'ROSTER_HEADER');
            assert.deepEqual(err.params.missing.split('、').sort(), ['社区', '门牌号'].sort());
            return true;
          },
        );
      } finally {
        await s.close();
      }
    });

    test('a community worker of 兴阳社区 cannot import rows of 文苑社区', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const worker = {
          audit: { id: 'u1', name: 'worker', role: 'community_worker' },
          areaPath: `${AREAS.city}/${AREAS.district}/${AREAS.street}/${AREAS.xingyang}/`,
        };
        const r = await importRoster(s, worker, fileStream(SAMPLE_CSV), { fileName: 'r.csv', format: 'csv' });
        assert.equal(refused(r), true);
        assert.deepEqual(
          r.faults.map((f) => `${f.row}|${f.column}|${f.code}`),
          [2, 3, 4, 5, 6].map((row) => `${row}|社区|OUT_OF_SCOPE`),
        );
        assert.equal(await countRows(s, 'person'), 0);
        const own = await importRoster(s, worker, fileStream(ENGLISH_CSV), { fileName: 'en.csv', format: 'csv' });
        assert.equal(own.imported, 3);
      } finally {
        await s.close();
      }
    });

    test('a second import adds members to existing households and buildings', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        await importRoster(s, OPERATOR, fileStream(SAMPLE_CSV), { fileName: 'r.csv', format: 'csv' });
        const more = [
          HEADER,
          '1,文苑社区,第一网格,3号楼,1单元,101,张建国,孙子,张小明,男,220402201005055518,,否,否,否,',
        ].join('\n');
        const r = await importRoster(s, OPERATOR, textStream(more), { fileName: 'm.csv', format: 'csv' });
        assert.deepEqual(
          { imported: r.imported, households: r.households, buildings: r.buildings },
          { imported: 1, households: 0, buildings: 0 },
        );
        assert.equal(await countRows(s, 'household'), 3);
      } finally {
        await s.close();
      }
    });

    test('round trip: a revealed export imported into a fresh registry gives the same persons', async () => {
      const a = await testServices(dialect);
      const files: Partial<Record<'csv' | 'xlsx', Buffer>> = {};
      let original: Awaited<ReturnType<typeof snapshot>>;
      try {
        await seedRosterAreas(a);
        await importRoster(a, OPERATOR, fileStream(SAMPLE_CSV), { fileName: 'r.csv', format: 'csv' });
        await importRoster(a, OPERATOR, fileStream(ENGLISH_CSV), { fileName: 'en.csv', format: 'csv' });
        for (const format of ['csv', 'xlsx'] as const) {
          const out = await exportRoster(
            a,
            { audit: OPERATOR.audit, areaPath: '', areaId: null, mayReveal: true },
            { format, reveal: true, reason: 'migration' },
          );
          assert.equal(out.rows, 8);
          files[format] = await collect(out.stream);
        }
        original = await snapshot(a);
        const exports = await a.db
          .selectFrom('audit_event')
          .select(['detail', 'reason'])
          .where('action', '=', 'roster.export')
          .orderBy('seq')
          .execute();
        assert.deepEqual(JSON.parse(exports[0]!.detail), {
          format: 'csv',
          rows: 8,
          area: 'all',
          revealed: true,
          reason: 'migration',
        });
        assert.equal(exports[0]!.reason, 'migration');
      } finally {
        await a.close();
      }
      assert.deepEqual(await importedInto(files.csv!, 'csv'), original);
      assert.deepEqual(await importedInto(files.xlsx!, 'xlsx'), original);
    });
  });
}
