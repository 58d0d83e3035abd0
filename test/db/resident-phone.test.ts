// A resident's phone is never stored in clear: after registration and sign-in the SQLite file and its
// WAL hold no trace of the digits; accounts made before phones were sealed are sealed at start-up.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { build } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';
import { FakeClock } from '../../src/platform/clock.ts';
import { hashPassword, newId } from '../../src/platform/crypto.ts';
import { LogSmsSender } from '../../src/platform/sms.ts';
import { checkDigit } from '../../src/registry/registry.rules.ts';
import { residentStartup } from '../../src/residents/residents.service.ts';
import { createServices, type Services } from '../../src/services.ts';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices } from '../support/services.ts';

const PHONE = '13904371234';
const PASSWORD = 'spring-garden-42';
const ID = '22040219850506001' + checkDigit('22040219850506001');

async function registerAndSignIn(s: Services & { sms: LogSmsSender }): Promise<void> {
  const areas = await seedTestAreas(s);
  const app = await build(s, { serveWeb: false });
  try {
    const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
    const call = (url: string, payload: object, headers: Record<string, string> = {}) =>
      app.inject({ method: 'POST', url: `/api/v1${url}`, headers, payload });
    const household = await call(
      '/households',
      { areaId: areas[AREAS.wenyuanGrid], buildingName: '3号楼', unit: '1', door: '101' },
      worker.headers,
    );
    assert.equal(household.statusCode, 201, household.body);
    const person = await call(
      '/persons',
      { householdId: household.json().id, name: '李红', idNumber: ID, relation: '户主', phone: PHONE },
      worker.headers,
    );
    assert.equal(person.statusCode, 201, person.body);
    const start = await call('/residents/register/start', { phone: PHONE, name: '李红', idNumber: ID });
    assert.equal(start.statusCode, 202, start.body);
    const code = /\d{6}/.exec(s.sms.lastTo(PHONE)!.text)![0];
    const verify = await call('/residents/register/verify', {
      challengeId: start.json().challengeId,
      code,
      password: PASSWORD,
    });
    assert.equal(verify.statusCode, 201, verify.body);
    assert.equal((await call('/auth/login', { username: PHONE, password: PASSWORD })).statusCode, 200);
    assert.equal((await call('/auth/login', { username: PHONE, password: 'not-the-password' })).statusCode, 401);
  } finally {
    await app.close();
  }
}

function bytesOf(file: string): Buffer {
  return fs.existsSync(file) ? fs.readFileSync(file) : Buffer.alloc(0);
}

const DIALECTS = await dialects();

describe('resident phones at rest', () => {
  test("the SQLite file and its WAL do not contain a resident's phone after registration and sign-in", async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cordon-phone-'));
    try {
      const s = (await createServices(loadConfig({}, { dataDir }), {
        clock: new FakeClock(),
        sms: new LogSmsSender(),
      })) as Services & { sms: LogSmsSender };
      try {
        await registerAndSignIn(s);
        const db = path.join(dataDir, 'cordon.db');
        const wal = bytesOf(`${db}-wal`);
        assert.ok(wal.length > 0, 'the WAL holds the writes');
        for (const bytes of [bytesOf(db), wal]) {
          assert.equal(bytes.indexOf(PHONE), -1);
          assert.equal(bytes.indexOf(Buffer.from(PHONE, 'utf16le')), -1);
        }
      } finally {
        await s.close();
      }
      assert.equal(
        bytesOf(path.join(dataDir, 'cordon.db')).indexOf(PHONE),
        -1,
        'nor after the WAL is folded in at close',
      );
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  for (const { dialect, skip } of DIALECTS) {
    test(`start-up seals resident accounts made before phones were sealed [${dialect}]`, { skip }, async () => {
      const s = await testServices(dialect);
      try {
        await seedTestAreas(s);
        const id = newId(s.clock.now());
        await s.db
          .insertInto('app_user')
          .values({
            id,
            username: PHONE,
            display_name: '李红',
            password_hash: await hashPassword(PASSWORD),
            role: 'resident',
            area_id: `a_${AREAS.wenyuanGrid}`,
            failed_logins: 0,
            locked_until: null,
            disabled: 0,
            created_at: s.clock.now(),
            updated_at: s.clock.now(),
          })
          .execute();
        assert.deepEqual(await residentStartup(s), { sealed: 1, challengesPurged: 0 });
        const row = await s.db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
        assert.equal(row.username, `r.${id}`);
        assert.equal(s.cipher.decrypt(row.phone_enc!), PHONE);
        assert.equal((await residentStartup(s)).sealed, 0, 'nothing left to seal');
        assert.equal(
          (
            await s.db
              .selectFrom('audit_event')
              .select('action')
              .where('action', '=', 'resident.phones_sealed')
              .execute()
          ).length,
          1,
        );
        const app = await build(s, { serveWeb: false });
        try {
          const login = await app.inject({
            method: 'POST',
            url: '/api/v1/auth/login',
            payload: { username: PHONE, password: PASSWORD },
          });
          assert.equal(login.statusCode, 200, login.body);
          assert.equal(login.json().user.id, id);
        } finally {
          await app.close();
        }
      } finally {
        await s.close();
      }
    });
  }
});
