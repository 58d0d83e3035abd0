// Two imports at the same moment that both name a building not yet in the registry end with one
// building holding both households; households added through the API find it too.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { testServices } from '../support/services.ts';
import { importRoster } from '../../src/registry/roster.import.ts';
import { OPERATOR, seedRosterAreas, textStream } from '../fixtures/roster.fixtures.ts';

const HEADER =
  '序号,社区,网格,楼栋,单元,门牌号,户主姓名,与户主关系,姓名,性别,身份证号,联系电话,是否独居老人,是否卧床,是否有智能手机,备注';
const roster = (door: string, name: string) =>
  `${HEADER}\n1,文苑社区,第一网格,9号楼,1单元,${door},${name},本人,${name},男,,,否,否,是,\n`;

for (const { dialect, skip } of await dialects()) {
  describe(`concurrent roster imports [${dialect}]`, { skip }, () => {
    test('eight imports creating the same new building at once: one building, every household', async () => {
      const s = await testServices(dialect);
      try {
        await seedRosterAreas(s);
        const names = ['王一', '王二', '王三', '王四', '王五', '王六', '王七', '王八'];
        const reports = await Promise.all(
          names.map((name, i) =>
            importRoster(s, OPERATOR, textStream(roster(String(101 + i), name)), {
              fileName: `${i}.csv`,
              format: 'csv',
            }),
          ),
        );
        assert.deepEqual(
          reports.map((r) => r.imported),
          names.map(() => 1),
        );
        const buildings = await s.db.selectFrom('building').select('id').where('name', '=', '9号楼').execute();
        assert.equal(buildings.length, 1);
        const households = await s.db.selectFrom('household').select('building_id').execute();
        assert.equal(households.length, names.length);
        assert.ok(households.every((h) => h.building_id === buildings[0]!.id));
        const creations = await s.db
          .selectFrom('audit_event')
          .select('object_id')
          .where('action', '=', 'building.create')
          .execute();
        assert.deepEqual(
          creations.map((e) => e.object_id),
          [buildings[0]!.id],
        );
      } finally {
        await s.close();
      }
    });

    test('the area + name of a building is unique in the database', async () => {
      const s = await testServices(dialect);
      try {
        const areas = await seedRosterAreas(s);
        const areaId = Object.values(areas)[0]!;
        await s.db
          .insertInto('building')
          .values({ id: 'b1', area_id: areaId, name: '1号楼', compound: '', address: '', created_at: 0 })
          .execute();
        await assert.rejects(
          s.db
            .insertInto('building')
            .values({ id: 'b2', area_id: areaId, name: '1号楼', compound: '', address: '', created_at: 0 })
            .execute(),
        );
      } finally {
        await s.close();
      }
    });
  });
}
