// The import summary counts the file's households and buildings, not only the ones it creates: the
// sample roster (3 households in 2 buildings) into a registry that already has 3号楼 and its 101 (no
// head yet) says 3 households (2 new) and 2 buildings (1 new), on the dry run and on the import alike.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { dialects } from '../support/dialects.ts';
import { AREAS, signIn, testServices } from '../support/services.ts';
import { build } from '../../src/app.ts';
import { SAMPLE_CSV, seedRosterAreas } from '../fixtures/roster.fixtures.ts';

function multipart(fileName: string, content: Buffer, headers: Record<string, string>) {
  const boundary = '----cordon-roster-summary';
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return { payload: body, headers: { ...headers, 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

for (const { dialect, skip } of await dialects()) {
  describe(`roster import summary [${dialect}]`, { skip }, () => {
    test('households and buildings of the file are counted, new or registered before; dry run and import agree', async () => {
      const s = await testServices(dialect);
      const areas = await seedRosterAreas(s);
      const app = await build(s, { serveWeb: false });
      try {
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const home = await app.inject({
          method: 'POST',
          url: '/api/v1/households',
          headers: worker.headers,
          payload: { areaId: areas[AREAS.wenyuanGrid], buildingName: '3号楼', unit: '1单元', door: '101' },
        });
        assert.equal(home.statusCode, 201, home.body);
        const figures = (b: Record<string, unknown>) => [
          b.rows,
          b.imported,
          b.rejected,
          b.householdsInFile,
          b.households,
          b.buildingsInFile,
          b.buildings,
        ];

        const dry = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?dryRun=true',
          ...multipart('花名册.csv', fs.readFileSync(SAMPLE_CSV), worker.headers),
        });
        assert.equal(dry.statusCode, 200, dry.body);
        assert.deepEqual(
          figures(dry.json()),
          [5, 5, 0, 3, 2, 2, 1],
          'the dry run: 3 households (2 new), 2 buildings (1 new)',
        );

        const done = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import',
          ...multipart('花名册.csv', fs.readFileSync(SAMPLE_CSV), worker.headers),
        });
        assert.equal(done.statusCode, 200, done.body);
        assert.deepEqual(figures(done.json()), [5, 5, 0, 3, 2, 2, 1], 'the import says what its dry run said');
        const into = await s.db
          .selectFrom('person')
          .select('household_id')
          .where('name', '=', '张建国')
          .executeTakeFirstOrThrow();
        assert.equal(into.household_id, home.json().id, 'the registered 101 took the file’s people');

        // A second file with a row whose ID is stored already: the dry run counts the rows that would import.
        const again = await app.inject({
          method: 'POST',
          url: '/api/v1/registry/import?dryRun=true',
          ...multipart('花名册.csv', fs.readFileSync(SAMPLE_CSV), worker.headers),
        });
        assert.equal(again.statusCode, 200, again.body);
        const b = again.json();
        assert.equal(b.rejected, 4, 'the four rows with ID numbers are stored already');
        assert.deepEqual(
          [b.imported, b.householdsInFile, b.households, b.buildingsInFile, b.buildings],
          [1, 1, 0, 1, 0],
          'the child without ID goes to the registered 102',
        );
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
