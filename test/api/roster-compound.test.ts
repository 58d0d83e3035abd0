// The roster's 小区 column: buildings a file creates take their compound, buildings registered without
// one get it (audited), a compound already recorded is kept; the export carries the column back.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dialects } from '../support/dialects.ts';
import { AREAS, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { SAMPLE_CSV, seedRosterAreas, WENYUAN_GRID_2 } from '../fixtures/roster.fixtures.ts';
import type { TestServices } from '../support/services.ts';

async function compounds(s: TestServices): Promise<Record<string, string>> {
  return Object.fromEntries(
    (await s.db.selectFrom('building').select(['name', 'compound']).execute()).map((b) => [b.name, b.compound]),
  );
}

function multipart(fileName: string, content: string, headers: Record<string, string>) {
  const boundary = '----cordon-roster-compound';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    Buffer.from(content),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** The sample roster with a 小区 column: 3号楼 in `three`, 5号楼 in `five`. */
function withCompounds(three: string, five: string): string {
  const lines = fs
    .readFileSync(SAMPLE_CSV, 'utf8')
    .replace(/^\uFEFF/, '')
    .trim()
    .split('\n');
  return (
    [`${lines[0]},小区`, ...lines.slice(1).map((l) => `${l},${l.includes(',3号楼,') ? three : five}`)].join('\n') + '\n'
  );
}

for (const { dialect, skip } of await dialects()) {
  describe(`roster compounds [${dialect}]`, { skip }, () => {
    test("buildings an import creates take the file's compounds; the export carries them; the search finds them", async () => {
      const s = await testServices(dialect);
      const areas = await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const dry = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?dryRun=true',
          ...multipart('花名册.csv', withCompounds('文苑小区', '瑞景家园'), worker.headers),
        });
        assert.equal(dry.statusCode, 200, dry.body);
        assert.equal(dry.json().buildings, 2);
        assert.deepEqual(await compounds(s), {}, 'a dry run writes nothing');

        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('花名册.csv', withCompounds('文苑小区', '瑞景家园'), worker.headers),
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.deepEqual(await compounds(s), { '3号楼': '文苑小区', '5号楼': '瑞景家园' });
        const created = await s.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'building.create')
          .execute();
        assert.deepEqual(created.map((e) => JSON.parse(e.detail).compound).sort(), ['文苑小区', '瑞景家园'].sort());

        const search = await app.inject({
          method: 'GET',
          url: `/api/v1/areas/${areas[AREAS.wenyuan]}/buildings?q=${encodeURIComponent('瑞景 5')}`,
          headers: worker.headers,
        });
        assert.deepEqual(
          search.json().items.map((b: { label: string }) => b.label),
          ['瑞景家园 5号楼'],
        );

        const csv = await app.inject({
          method: 'GET',
          url: '/api/v1/registry/export?format=csv',
          headers: worker.headers,
        });
        assert.equal(csv.statusCode, 200, csv.body);
        const rows = csv.body
          .replace(/^\uFEFF/, '')
          .trim()
          .split('\n')
          .map((l) => l.split(','));
        const at = rows[0]!.indexOf('小区');
        assert.ok(at > 0, rows[0]!.join(','));
        assert.deepEqual([...new Set(rows.slice(1).map((r) => `${r[3]}:${r[at]}`))].sort(), [
          '3号楼:文苑小区',
          '5号楼:瑞景家园',
        ]);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test("a building registered without a compound gets the file's (audited); a recorded compound is kept", async () => {
      const s = await testServices(dialect);
      const areas = await seedRosterAreas(s);
      await s.db
        .insertInto('building')
        .values([
          {
            id: 'b-old-3',
            area_id: areas[AREAS.wenyuanGrid]!,
            name: '3号楼',
            compound: '',
            address: '',
            created_at: 0,
          },
          {
            id: 'b-old-5',
            area_id: areas[WENYUAN_GRID_2]!,
            name: '5号楼',
            compound: '瑞景家园',
            address: '',
            created_at: 0,
          },
        ])
        .execute();
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const res = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('花名册.csv', withCompounds('文苑小区', '别的家园'), worker.headers),
        });
        assert.equal(res.statusCode, 200, res.body);
        assert.equal(res.json().buildings, 0, 'both buildings exist');
        assert.deepEqual(await compounds(s), { '3号楼': '文苑小区', '5号楼': '瑞景家园' });
        const updates = await s.db
          .selectFrom('audit_event')
          .selectAll()
          .where('action', '=', 'building.update')
          .execute();
        assert.deepEqual(
          updates.map((e) => [e.object_id, JSON.parse(e.detail).compound]),
          [['b-old-3', '文苑小区']],
        );
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
