// `cordon purge` run by hand with a shorter retention than the server's: the server's tracing learns of
// it from the purge recorded — `cordon trace` and a re-traced case warn that the window reaches past the
// data — and re-tracing keeps the contacts found before the purge and their call tasks.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { SYSTEM_ACTOR } from '../../src/platform/audit.ts';
import { setActiveRuleSet } from '../../src/rules/ruleset.service.ts';
import * as tracing from '../../src/tracing/tracing.service.ts';
import type { PurgedMark } from '../../src/tracing/tracing.rules.ts';
import { AREAS, seedTestAreas, type TestServices } from '../support/services.ts';
import { DAY, insertAll, MIN, personRow, venueRow, visit } from '../support/tracing.city.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('cordon purge under a server with a longer retention', () => {
  test('the purge is recorded with its cutoff: cordon trace and a re-trace warn, and the contacts found before stay', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-purge-'));
    try {
      // The server's configuration: the default 28 days. The clock is the real one, as the CLI's.
      const server = async () => (await createServices(loadConfig({}, { dataDir }))) as TestServices;
      const now = Date.now();
      const met = now - 10 * DAY;
      const onsetAt = now - 9 * DAY;
      let caseId: string;
      let contactIds: string[];
      const s = await server();
      try {
        assert.equal(s.config.retentionDays, 28);
        const areas = await seedTestAreas(s);
        const grid = areas[AREAS.wenyuanGrid]!;
        await insertAll(s, 'person', [
          personRow('case', grid, null),
          personRow('colleague', grid, null),
          personRow('coworker', grid, null),
        ]);
        await insertAll(s, 'venue', [venueRow('O', grid, 'office')]);
        await insertAll(s, 'checkin', [
          visit('O', 'case', met, met + 8 * 60 * MIN),
          visit('O', 'colleague', met, met + 8 * 60 * MIN),
          visit('O', 'coworker', met, met + 8 * 60 * MIN),
        ]);
        await setActiveRuleSet(s, SYSTEM_ACTOR, '9th-edition', 'test');
        const area = await s.db
          .selectFrom('area')
          .select(['id', 'path'])
          .where('code', '=', AREAS.city)
          .executeTakeFirstOrThrow();
        const investigator = {
          userId: 'u-inv',
          username: 'inv',
          displayName: 'inv',
          role: 'investigator' as const,
          areaId: area.id,
          areaPath: area.path,
          via: 'session' as const,
        };
        const detail = await tracing.registerCase(s, investigator, {
          personId: 'case',
          classification: 'confirmed',
          onsetAt,
          source: 'fever_clinic',
          isolatedAt: now - 8 * DAY,
        });
        assert.equal(detail.trace!.purgedBefore, null);
        caseId = detail.case.id;
        contactIds = (
          await s.db.selectFrom('contact').select('id').where('case_id', '=', caseId).orderBy('id').execute()
        ).map((r) => r.id);
        assert.equal(contactIds.length, 2);
      } finally {
        await s.close();
      }

      const env = { ...process.env, CORDON_DATA_DIR: dataDir, DATABASE_URL: '', LANG: 'en_US.UTF-8' };
      const cordon = (extra: Record<string, string>, ...args: string[]) =>
        spawnSync(process.execPath, ['bin/cordon.js', ...args], {
          cwd: ROOT,
          env: { ...env, ...extra },
          encoding: 'utf8',
        });
      const purged = cordon({ CORDON_RETENTION_DAYS: '7' }, 'purge', '--json');
      assert.equal(purged.status, 0, purged.stderr);
      const report = JSON.parse(purged.stdout) as { before: number; checkins: number; retentionDays: number };
      assert.deepEqual([report.checkins, report.retentionDays], [3, 7]);

      const after = cordon({}, 'trace', '--person', 'case', '--onset', String(onsetAt), '--json');
      assert.equal(after.status, 0, after.stderr);
      const dry = JSON.parse(after.stdout) as { purgedBefore: number | null; contacts: unknown[] };
      assert.equal(dry.purgedBefore, report.before, "the server's 28 days do not hide the 7-day purge");
      assert.equal(dry.contacts.length, 0);
      const text = cordon({}, 'trace', '--person', 'case', '--onset', String(onsetAt));
      assert.match(text.stdout, /WARNING\tcheck-ins before .* are purged/);

      const s2 = await server();
      try {
        const area = await s2.db
          .selectFrom('area')
          .select(['id', 'path'])
          .where('code', '=', AREAS.city)
          .executeTakeFirstOrThrow();
        const investigator = {
          userId: 'u-inv',
          username: 'inv',
          displayName: 'inv',
          role: 'investigator' as const,
          areaId: area.id,
          areaPath: area.path,
          via: 'session' as const,
        };
        const again = await tracing.retraceCase(s2, investigator, caseId);
        assert.equal(again.trace!.purgedBefore, report.before);
        assert.deepEqual([again.trace!.removed, again.trace!.keptPurged], [0, 2]);
        const rows = await s2.db
          .selectFrom('contact')
          .select(['id', 'evidence'])
          .where('case_id', '=', caseId)
          .orderBy('id')
          .execute();
        assert.deepEqual(
          rows.map((r) => r.id),
          contactIds,
        );
        for (const r of rows)
          assert.deepEqual((JSON.parse(r.evidence) as { checkinsPurged: PurgedMark }).checkinsPurged, {
            before: report.before,
            encounters: 1,
          });
        const tasks = await s2.db
          .selectFrom('call_task')
          .select(['contact_id', 'status'])
          .where('case_id', '=', caseId)
          .orderBy('contact_id')
          .execute();
        assert.deepEqual(
          tasks.map((t) => [t.contact_id, t.status]),
          contactIds.map((id) => [id, 'pending']),
        );
      } finally {
        await s2.close();
      }
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
