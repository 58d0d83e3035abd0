import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { dialects } from '../support/dialects.ts';
import { testServices } from '../support/services.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';

const actor = { id: 'u1', name: 'alice', role: 'admin' };

for (const { dialect, skip } of await dialects()) {
  describe(`audit chain [${dialect}]`, { skip }, () => {
    test('an intact chain verifies', async () => {
      const s = await testServices(dialect);
      try {
        for (let i = 0; i < 5; i++) await s.audit(s.db, actor, { action: 'person.create', objectType: 'person', objectId: `p${i}` });
        const v = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: v.ok, events: v.events }, { ok: true, events: 5 });
      } finally { await s.close(); }
    });

    test('a changed row is named', async () => {
      const s = await testServices(dialect);
      try {
        for (let i = 0; i < 5; i++) await s.audit(s.db, actor, { action: 'person.read', objectType: 'person', objectId: `p${i}` });
        await s.db.updateTable('audit_event').set({ actor_name: 'mallory' }).where('seq', '=', 3).execute();
        const v = await verifyAuditChain(s.db);
        assert.equal(v.ok, false);
        assert.equal(!v.ok && v.brokenAt, 3);
      } finally { await s.close(); }
    });

    test('a deleted row in the middle or at the end is named', async () => {
      const s = await testServices(dialect);
      try {
        for (let i = 0; i < 5; i++) await s.audit(s.db, actor, { action: 'x', objectType: 'person' });
        await s.db.deleteFrom('audit_event').where('seq', '=', 2).execute();
        let v = await verifyAuditChain(s.db);
        assert.equal(!v.ok && v.brokenAt, 2);
        const t = await testServices(dialect);
        try {
          for (let i = 0; i < 5; i++) await t.audit(t.db, actor, { action: 'x', objectType: 'person' });
          await t.db.deleteFrom('audit_event').where('seq', '=', 5).execute();
          v = await verifyAuditChain(t.db);
          assert.equal(!v.ok && v.brokenAt, 5);
        } finally { await t.close(); }
      } finally { await s.close(); }
    });

    test('an append rolled back with its transaction leaves no trace', async () => {
      const s = await testServices(dialect);
      try {
        await s.audit(s.db, actor, { action: 'a', objectType: 'person' });
        await assert.rejects(s.db.transaction().execute(async (trx) => {
          await s.audit(trx, actor, { action: 'b', objectType: 'person' });
          throw new Error('boom');
        }));
        await s.audit(s.db, actor, { action: 'c', objectType: 'person' });
        const v = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: v.ok, events: v.events }, { ok: true, events: 2 });
        const n = await sql<{ n: number }>`select count(*) as n from audit_event`.execute(s.db);
        assert.equal(Number(n.rows[0]!.n), 2);
      } finally { await s.close(); }
    });

    test('concurrent appends keep one chain', async () => {
      const s = await testServices(dialect);
      try {
        await Promise.all(Array.from({ length: 20 }, (_, i) => s.db.transaction().execute((trx) =>
          s.audit(trx, actor, { action: 'c', objectType: 'person', objectId: String(i) }))));
        const v = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: v.ok, events: v.events }, { ok: true, events: 20 });
      } finally { await s.close(); }
    });
  });
}
