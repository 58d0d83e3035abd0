import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Migrator, sql } from 'kysely';
import pg from 'pg';
import { dialects, freshDatabase, PG_URL } from '../support/dialects.ts';
import { testServices, seedTestAreas, signIn, AREAS } from '../support/services.ts';
import { appendAudit, eventHash, GENESIS_HASH, verifyAuditChain } from '../../src/platform/audit.ts';
import { anchorIfDue, signAnchor, verifyWithAnchors, writeAnchorNow } from '../../src/platform/audit.anchors.ts';
import { connect, migrateToLatest, type DbHandle } from '../../src/db/connect.ts';
import type { Db, Dialect } from '../../src/db/database.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { loadConfig } from '../../src/config.ts';
import { createServices } from '../../src/services.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { generateKeys, loadKeys } from '../../src/platform/crypto.ts';
import { build } from '../../src/app.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

const actor = { id: 'u1', name: 'alice', role: 'admin' };

for (const { dialect, skip } of await dialects()) {
  describe(`audit chain [${dialect}]`, { skip }, () => {
    test('an intact chain verifies', async () => {
      const s = await testServices(dialect);
      try {
        for (let i = 0; i < 5; i++)
          await s.audit(s.db, actor, { action: 'person.create', objectType: 'person', objectId: `p${i}` });
        const v = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: v.ok, events: v.events }, { ok: true, events: 5 });
      } finally {
        await s.close();
      }
    });

    test('a changed row is named', async () => {
      const s = await testServices(dialect);
      try {
        for (let i = 0; i < 5; i++)
          await s.audit(s.db, actor, { action: 'person.read', objectType: 'person', objectId: `p${i}` });
        await s.db.updateTable('audit_event').set({ actor_name: 'mallory' }).where('seq', '=', 3).execute();
        const v = await verifyAuditChain(s.db);
        assert.equal(v.ok, false);
        assert.equal(!v.ok && v.brokenAt, 3);
      } finally {
        await s.close();
      }
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
        } finally {
          await t.close();
        }
      } finally {
        await s.close();
      }
    });

    test('an append rolled back with its transaction leaves no trace', async () => {
      const s = await testServices(dialect);
      try {
        await s.audit(s.db, actor, { action: 'a', objectType: 'person' });
        await assert.rejects(
          s.db.transaction().execute(async (trx) => {
            await s.audit(trx, actor, { action: 'b', objectType: 'person' });
            throw new Error('boom');
          }),
        );
        await s.audit(s.db, actor, { action: 'c', objectType: 'person' });
        const v = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: v.ok, events: v.events }, { ok: true, events: 2 });
        const n = await sql<{ n: number }>`select count(*) as n from audit_event`.execute(s.db);
        assert.equal(Number(n.rows[0]!.n), 2);
      } finally {
        await s.close();
      }
    });

    test('concurrent appends keep one chain', async () => {
      const s = await testServices(dialect);
      try {
        await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            s.db
              .transaction()
              .execute((trx) => s.audit(trx, actor, { action: 'c', objectType: 'person', objectId: String(i) })),
          ),
        );
        const v = await verifyAuditChain(s.db);
        assert.deepEqual({ ok: v.ok, events: v.events }, { ok: true, events: 20 });
      } finally {
        await s.close();
      }
    });
  });
}

// ---- the keyed chain and its anchors outside the database -----------------------------------------

/** Appends events hashed with plain SHA-256, as a release before the keyed chain wrote them. */
async function appendPlain(db: Db, n: number, at = 1_700_000_000_000): Promise<void> {
  for (let i = 0; i < n; i++) {
    const head = await db
      .selectFrom('audit_head')
      .select(['seq', 'hash'])
      .where('id', '=', 1)
      .executeTakeFirstOrThrow();
    const fields = {
      seq: Number(head.seq) + 1,
      at: at + i,
      actor_id: 'u0',
      actor_name: 'old',
      actor_role: 'admin',
      action: 'person.create',
      object_type: 'person',
      object_id: `old${i}`,
      reason: '',
      detail: '{}',
      prev_hash: head.hash,
    };
    const hash = eventHash(fields);
    await db
      .insertInto('audit_event')
      .values({ ...fields, hash })
      .execute();
    await db.updateTable('audit_head').set({ seq: fields.seq, hash }).where('id', '=', 1).execute();
  }
}

/**
 * What someone with write access to the database does: changes event `from`, then re-hashes it and
 * every later event (plain SHA-256, or the key given) so the links hold, and moves the head's hash.
 */
async function rewriteFrom(db: Db, from: number, key: Buffer | null = null): Promise<void> {
  const rows = await db
    .selectFrom('audit_event')
    .selectAll()
    .where('seq', '>=', from - 1)
    .orderBy('seq')
    .execute();
  let prev = rows[0]!.hash;
  for (const row of rows.slice(1)) {
    const fields = {
      ...row,
      seq: Number(row.seq),
      at: Number(row.at),
      prev_hash: prev,
      ...(Number(row.seq) === from ? { actor_name: 'mallory' } : {}),
    };
    const hash = eventHash(fields, key);
    await db
      .updateTable('audit_event')
      .set({ actor_name: fields.actor_name, prev_hash: prev, hash })
      .where('seq', '=', fields.seq)
      .execute();
    prev = hash;
  }
  await db.updateTable('audit_head').set({ hash: prev }).where('id', '=', 1).execute();
}

/** Deletes the events after `keep` and moves the head back to it, as if they were never written. */
async function truncateTo(db: Db, keep: number): Promise<void> {
  const last = await db.selectFrom('audit_event').select('hash').where('seq', '=', keep).executeTakeFirstOrThrow();
  await db.deleteFrom('audit_event').where('seq', '>', keep).execute();
  await db.updateTable('audit_head').set({ seq: keep, hash: last.hash }).where('id', '=', 1).execute();
}

/** An empty PostgreSQL schema (not migrated), dropped on close. */
async function freshSchema(): Promise<DbHandle> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = async (q: string) => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    try {
      await c.query(q);
    } finally {
      await c.end();
    }
  };
  await admin(`create schema ${schema}`);
  const handle = connect({ databaseUrl: PG_URL, pgSchema: schema, poolSize: 2 });
  const close = handle.close;
  handle.close = async () => {
    await close();
    await admin(`drop schema if exists ${schema} cascade`);
  };
  return handle;
}

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-anchors-'));
}

function anchorLines(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .sort()
    .flatMap((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter(Boolean));
}

/** A second service instance on the same database: a second SQLite connection, or a second pool on the schema. */
async function sharedDatabase(
  dialect: Dialect,
): Promise<{ first: DbHandle; second: () => DbHandle; close: () => Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = tempDir();
    const file = path.join(dir, 'cordon.db');
    const first = connect({ sqlitePath: file });
    await migrateToLatest(first);
    return {
      first,
      second: () => connect({ sqlitePath: file }),
      close: async () => fs.rmSync(dir, { recursive: true, force: true }),
    };
  }
  const first = await freshDatabase('postgres');
  return {
    first,
    second: () => connect({ databaseUrl: PG_URL, pgSchema: first.pgSchema, poolSize: 2 }),
    close: async () => {},
  };
}

for (const { dialect, skip } of await dialects()) {
  describe(`audit chain keyed and anchored [${dialect}]`, { skip }, () => {
    test('a new database keys every event: a plain SHA-256 does not reproduce them', async () => {
      const s = await testServices(dialect);
      try {
        for (let i = 0; i < 3; i++)
          await s.audit(s.db, actor, { action: 'person.create', objectType: 'person', objectId: `p${i}` });
        const v = await verifyAuditChain(s.db);
        assert.deepEqual(v.ok && { events: v.events, keyedFrom: v.keyedFrom }, { events: 3, keyedFrom: 1 });
        const row = await s.db.selectFrom('audit_event').selectAll().where('seq', '=', 2).executeTakeFirstOrThrow();
        assert.notEqual(eventHash({ ...row, seq: 2, at: Number(row.at) }), row.hash);
        const noKey = await verifyAuditChain(s.db, { key: null });
        assert.equal(!noKey.ok && noKey.brokenAt, 1);
        const wrongKey = await verifyAuditChain(s.db, { key: randomBytes(32) });
        assert.equal(!wrongKey.ok && wrongKey.brokenAt, 1);
      } finally {
        await s.close();
      }
    });

    test('a rewritten stretch re-hashed with plain SHA-256 is caught without anchors', async () => {
      const s = await testServices(dialect);
      try {
        for (let i = 0; i < 6; i++)
          await s.audit(s.db, actor, { action: 'person.read', objectType: 'person', objectId: `p${i}` });
        await rewriteFrom(s.db, 3);
        const v = await verifyAuditChain(s.db);
        assert.equal(v.ok, false);
        assert.equal(!v.ok && v.brokenAt, 3);
        assert.match(!v.ok ? v.problem : '', /event 3 was changed/);
      } finally {
        await s.close();
      }
    });

    test('an old unkeyed chain is checked as SHA-256 up to its switch-over and keyed from there on', async () => {
      const s = await testServices(dialect);
      try {
        // As the migration leaves a deployment that had three events: the next one is the first keyed.
        await appendPlain(s.db, 3);
        await s.db.updateTable('audit_head').set({ keyed_from: 4 }).where('id', '=', 1).execute();
        for (let i = 0; i < 2; i++) await s.audit(s.db, actor, { action: 'x', objectType: 'person' });
        const v = await verifyAuditChain(s.db);
        assert.deepEqual(v.ok && { events: v.events, keyedFrom: v.keyedFrom }, { events: 5, keyedFrom: 4 });
        // Re-hashing the plain stretch holds up to the first keyed event, whose link needs the key.
        await rewriteFrom(s.db, 2);
        const broken = await verifyAuditChain(s.db);
        assert.equal(!broken.ok && broken.brokenAt, 4);
      } finally {
        await s.close();
      }
    });

    test('the migration records the switch-over after the events already written', async () => {
      const handle = dialect === 'sqlite' ? connect({ sqlitePath: ':memory:' }) : await freshSchema();
      try {
        const provider = {
          getMigrations: async () =>
            Object.fromEntries(
              Object.entries(migrations)
                .filter(([name]) => name < '0013')
                .map(([name, m]) => [name, { up: (db: Parameters<typeof m.up>[0]) => m.up(db, handle.dialect) }]),
            ),
        };
        const older = new Migrator({
          db: handle.db,
          provider,
          ...(handle.pgSchema ? { migrationTableSchema: handle.pgSchema } : {}),
        });
        const { error } = await older.migrateToLatest();
        assert.equal(error, undefined);
        // The head as an older release knows it (no keyed_from column yet): two plain events.
        let prev = GENESIS_HASH;
        for (let seq = 1; seq <= 2; seq++) {
          const fields = {
            seq,
            at: 1000 + seq,
            actor_id: null,
            actor_name: 'system',
            actor_role: 'system',
            action: 'demo.generate',
            object_type: 'area',
            object_id: null,
            reason: '',
            detail: '{}',
            prev_hash: prev,
          };
          prev = eventHash(fields);
          await handle.db
            .insertInto('audit_event')
            .values({ ...fields, hash: prev })
            .execute();
        }
        await sql`update audit_head set seq = 2, hash = ${prev}`.execute(handle.db);
        await migrateToLatest(handle);
        const head = await handle.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
        assert.equal(Number(head.keyed_from), 3);
        const key = randomBytes(32);
        await appendAudit(handle.db, actor, { action: 'x', objectType: 'person' }, 2000, key);
        const v = await verifyAuditChain(handle.db, { key });
        assert.deepEqual(v.ok && { events: v.events, keyedFrom: v.keyedFrom }, { events: 3, keyedFrom: 3 });
      } finally {
        await handle.close();
      }
    });

    test('the last events deleted and the head moved back are caught against an anchor, naming it', async () => {
      const s = await testServices(dialect);
      const dir = tempDir();
      try {
        for (let i = 0; i < 5; i++) await s.audit(s.db, actor, { action: 'x', objectType: 'person' });
        s.clock.advance(60_000);
        const written = await writeAnchorNow(s, dir);
        assert.equal(written.anchor.seq, 5);
        await truncateTo(s.db, 3);
        assert.equal(
          (await verifyAuditChain(s.db)).ok,
          true,
          'the chain alone cannot tell a shorter chain from a truncated one',
        );
        const v = await verifyWithAnchors(s, dir, true);
        assert.equal(v.ok, false);
        assert.equal(!v.ok && v.brokenAt, 4);
        assert.equal(!v.ok && v.anchor, `${path.basename(written.file)}:1`);
        assert.match(!v.ok ? v.problem : '', /events 4–5 were removed/);
        // Writing new events over the removed ones does not help: event 5 is not the anchored one.
        for (let i = 0; i < 3; i++) await s.audit(s.db, actor, { action: 'y', objectType: 'person' });
        const regrown = await verifyWithAnchors(s, dir, true);
        assert.equal(!regrown.ok && regrown.brokenAt, 5);
      } finally {
        await s.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('a rewrite of unkeyed events with the switch-over moved past the chain is caught against an anchor', async () => {
      const s = await testServices(dialect);
      const dir = tempDir();
      try {
        await appendPlain(s.db, 2);
        await s.db.updateTable('audit_head').set({ keyed_from: 3 }).where('id', '=', 1).execute();
        for (let i = 0; i < 2; i++) await s.audit(s.db, actor, { action: 'x', objectType: 'person' });
        await writeAnchorNow(s, dir);
        await s.db.updateTable('audit_head').set({ keyed_from: 99 }).where('id', '=', 1).execute();
        await rewriteFrom(s.db, 1);
        assert.equal((await verifyAuditChain(s.db)).ok, true, 'without the key or an anchor this is a plain chain');
        const v = await verifyWithAnchors(s, dir, true);
        assert.equal(v.ok, false);
        assert.match(!v.ok ? v.problem : '', /switch-over was moved/);
      } finally {
        await s.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('a forged or altered anchor is refused and named', async () => {
      const s = await testServices(dialect);
      const dir = tempDir();
      try {
        for (let i = 0; i < 3; i++) await s.audit(s.db, actor, { action: 'x', objectType: 'person' });
        const { file } = await writeAnchorNow(s, dir);
        assert.equal((await verifyWithAnchors(s, dir, true)).ok, true);
        const name = path.basename(file);
        // Signed with another Ed25519 key: refused although the head it names is the real one.
        const head = await s.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow();
        const other = generateKeyPairSync('ed25519').privateKey;
        fs.appendFileSync(
          file,
          JSON.stringify(signAnchor({ seq: 3, hash: head.hash, keyedFrom: 1 }, s.clock.now(), other)) + '\n',
        );
        let v = await verifyWithAnchors(s, dir, true);
        assert.equal(!v.ok && v.anchor, `${name}:2`);
        assert.match(!v.ok ? v.problem : '', /not signed by this server's key/);
        // The real anchor with its sequence number changed.
        const first = JSON.parse(anchorLines(dir)[0]!);
        fs.writeFileSync(file, JSON.stringify({ ...first, seq: 2 }) + '\n');
        v = await verifyWithAnchors(s, dir, true);
        assert.equal(!v.ok && v.anchor, `${name}:1`);
        fs.writeFileSync(file, 'not json\n');
        v = await verifyWithAnchors(s, dir, true);
        assert.equal(!v.ok && v.anchor, `${name}:1`);
        // No anchors where anchors were asked for is a failure too.
        fs.rmSync(file);
        assert.equal((await verifyWithAnchors(s, dir, true)).ok, false);
        assert.equal((await verifyWithAnchors(s, dir, false)).ok, true);
      } finally {
        await s.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test('the scheduled anchor is written once per period by two service instances on one database', async () => {
      const shared = await sharedDatabase(dialect);
      const dir = tempDir();
      const clock = new FakeClock();
      const keys = generateKeys();
      const config = loadConfig({}, { dataDir: dir });
      const a = await createServices(config, { handle: shared.first, clock, keys, skipMigrations: true });
      const b = await createServices(config, { handle: shared.second(), clock, keys, skipMigrations: true });
      try {
        await a.audit(a.db, actor, { action: 'x', objectType: 'person' });
        const every = 10 * 60_000;
        const round = async () =>
          (
            await Promise.all([
              anchorIfDue(a, every, dir),
              anchorIfDue(b, every, dir),
              anchorIfDue(a, every, dir),
              anchorIfDue(b, every, dir),
            ])
          ).filter(Boolean).length;
        assert.equal(await round(), 1);
        clock.advance(every / 2);
        assert.equal(await round(), 0, 'within the period');
        await b.audit(b.db, actor, { action: 'y', objectType: 'person' });
        clock.advance(every / 2);
        assert.equal(await round(), 1);
        const lines = anchorLines(dir).map((l) => JSON.parse(l) as { seq: number });
        assert.deepEqual(
          lines.map((l) => l.seq),
          [1, 2],
        );
        // A lease dated far ahead (a database edit to stop anchoring) does not hold.
        await a.db
          .updateTable('audit_head')
          .set({ anchored_at: clock.now() + 100 * every })
          .where('id', '=', 1)
          .execute();
        assert.equal(await round(), 1);
        assert.equal((await verifyWithAnchors(a, dir, true)).ok, true);
      } finally {
        await b.close();
        await a.close();
        await shared.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    test("the auditor's verify reports the check against the server's anchors; other roles are refused", async () => {
      const s = await testServices(dialect);
      const dir = tempDir();
      s.config.auditAnchors.dir = dir;
      const app = await build(s, { serveWeb: false });
      try {
        await seedTestAreas(s);
        const auditor = await signIn(s, 'auditor', AREAS.city);
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const refused = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: worker.headers });
        assert.equal(refused.statusCode, 403);
        assert.equal(refused.json().code, 'FORBIDDEN');
        let res = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor.headers });
        assert.equal(res.json().ok, true);
        assert.deepEqual(res.json().anchors, { checked: 0, newestSeq: null, newestAt: null });
        for (let i = 0; i < 4; i++) await s.audit(s.db, actor, { action: 'x', objectType: 'person' });
        await writeAnchorNow(s);
        res = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor.headers });
        assert.equal(res.json().ok, true);
        assert.equal(res.json().anchors.checked, 1);
        assert.equal(res.json().anchors.newestSeq, 4);
        assert.equal(res.json().keyedFrom, 1);
        await truncateTo(s.db, 2);
        res = await app.inject({ method: 'GET', url: '/api/v1/audit/verify', headers: auditor.headers });
        assert.equal(res.json().ok, false);
        assert.equal(res.json().brokenAt, 3);
        assert.match(res.json().anchor, /^audit-anchors-\d{4}-\d{2}-\d{2}\.jsonl:1$/);
      } finally {
        await app.close();
        await s.close();
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

describe('audit key', () => {
  test('a keys.json without an audit key gains one once, keeping its other keys; CORDON_AUDIT_KEY wins', () => {
    const dir = tempDir();
    try {
      const old = generateKeys();
      fs.writeFileSync(
        path.join(dir, 'keys.json'),
        JSON.stringify({
          dataKey: old.dataKey.toString('base64'),
          lookupKey: old.lookupKey.toString('base64'),
          personalCodeKey: old.personalCodeKey,
        }),
      );
      const first = loadKeys(dir);
      assert.deepEqual([first.dataKey, first.lookupKey], [old.dataKey, old.lookupKey]);
      assert.equal(first.auditKey.length, 32);
      assert.deepEqual(loadKeys(dir).auditKey, first.auditKey, 'generated once, then read');
      const given = randomBytes(32);
      assert.deepEqual(loadKeys(dir, { auditKey: given.toString('base64') }).auditKey, given);
      assert.throws(() => loadKeys(dir, { auditKey: 'c2hvcnQ=' }), /CORDON_AUDIT_KEY must be 32 bytes/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('cordon audit verify --anchors / cordon audit anchor', () => {
  test('a truncation is named and exits non-zero; an intact chain exits zero', async () => {
    const dataDir = tempDir();
    const anchors = path.join(dataDir, 'off-host');
    try {
      const s = await createServices(loadConfig({}, { dataDir }), { clock: new FakeClock() });
      try {
        for (let i = 0; i < 4; i++) await s.audit(s.db, actor, { action: 'x', objectType: 'person' });
      } finally {
        await s.close();
      }
      const env = {
        ...process.env,
        CORDON_DATA_DIR: dataDir,
        DATABASE_URL: '',
        CORDON_AUDIT_ANCHOR_DIR: '',
        LANG: 'en_US.UTF-8',
      };
      const cordon = (...args: string[]) =>
        spawnSync(process.execPath, ['bin/cordon.js', 'audit', ...args], { cwd: ROOT, env, encoding: 'utf8' });
      const anchored = cordon('anchor', '--dir', anchors);
      assert.equal(anchored.status, 0, anchored.stderr);
      assert.match(anchored.stdout, /anchored event 4/);
      const intact = cordon('verify', '--anchors', anchors);
      assert.equal(intact.status, 0, intact.stderr);
      assert.match(intact.stdout, /intact: 4 events.*1 anchor/);
      const t = await createServices(loadConfig({}, { dataDir }));
      try {
        await truncateTo(t.db, 2);
      } finally {
        await t.close();
      }
      assert.equal(cordon('verify').status, 0, 'the chain alone holds');
      const broken = cordon('verify', '--anchors', anchors, '--json');
      assert.equal(broken.status, 1);
      const verdict = JSON.parse(broken.stdout);
      assert.equal(verdict.brokenAt, 3);
      assert.match(verdict.anchor, /\.jsonl:1$/);
      assert.notEqual(cordon('verify', '--anchors', path.join(dataDir, 'nowhere')).status, 0);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
