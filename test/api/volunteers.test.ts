// Volunteers over HTTP on both dialects: the public sign-up and its coded refusals (duplicate ID number,
// invalid ID or phone, a skill without its proof, no consent), vetting (approval makes an account with
// the role volunteer), a need posted and refused when it has no slots or is past, proposing and
// confirming a batch (all or nothing, never a double booking), and the volunteer's own page: accept,
// decline, and the seat refilled from the next best match.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from '../../src/app.ts';
import { createSession } from '../../src/access/session.ts';
import { dialects } from '../support/dialects.ts';
import { actorOf, AREAS, seedTestAreas, signIn, testServices, type SignedIn } from '../support/services.ts';
import { hoursReport } from '../../src/volunteers/volunteers.service.ts';
import { callerOf } from '../support/testing.http.ts';
import { rid } from '../support/ids.ts';

const VOLUNTEER_ID = rid('22040219900101123');
const OTHER_ID = rid('22040219920202234');

function signupBody(areaId: string, over: Record<string, unknown> = {}) {
  return {
    name: '张志愿',
    idNumber: VOLUNTEER_ID,
    phone: '13904370001',
    areaId,
    orgKind: 'youth_league',
    team: '团市委第一突击队',
    skills: [{ code: 'data_entry' }, { code: 'driving_licence', proof: 'C1 220402199001011234' }],
    availability: ['sun_am', 'sun_pm', 'mon_am'],
    consent: true,
    ...over,
  };
}

function needBody(areaId: string, over: Record<string, unknown> = {}) {
  return {
    unitKind: 'sampling_site',
    unitName: '文苑广场采样点',
    taskType: 'order_keeping',
    areaId,
    place: '文苑广场',
    date: '2022-04-03',
    startTime: '08:00',
    endTime: '11:00',
    people: 1,
    health: 'none',
    contactName: '王站长',
    contactPhone: '13904379999',
    ...over,
  };
}

for (const { dialect, skip } of await dialects()) {
  describe(`volunteers over HTTP (${dialect})`, { skip }, () => {
    test('sign up, vet, post, match, confirm, accept, decline and refill', async () => {
      const s = await testServices(dialect);
      s.clock.set('2022-04-02T08:00:00+08:00'); // a Saturday
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false, access: { loginRateLimit: { max: 100, timeWindowMs: 60_000 } } });
      const call = callerOf(app);
      try {
        const wenyuan = areas[AREAS.wenyuan]!;
        const form = await call('GET', '/volunteers/signup/form');
        assert.equal(form.statusCode, 200, form.body);
        assert.ok(form.json().areas.some((a: { id: string }) => a.id === wenyuan));
        assert.ok(form.json().skills.find((k: { code: string }) => k.code === 'medical_licence').proof);

        // Bad input: each a coded error naming the field; nothing written.
        const refusals: Array<[Record<string, unknown>, string, string]> = [
          [{ idNumber: '220402199001011230' }, 'ID_NUMBER_CHECKSUM', 'idNumber'],
          [{ phone: '12345' }, 'PHONE_FORMAT', 'phone'],
          [{ skills: [{ code: 'medical_licence' }] }, 'VOLUNTEER_SKILL_PROOF_REQUIRED', 'skills[0].proof'],
          [{ skills: [{ code: 'juggling' }] }, 'VOLUNTEER_SKILL_UNKNOWN', 'skills[0].code'],
          [{ availability: ['someday'] }, 'VOLUNTEER_AVAILABILITY_UNKNOWN', 'availability'],
          [{ consent: false }, 'VOLUNTEER_CONSENT_REQUIRED', 'consent'],
          [{ orgKind: 'guild' }, 'VOLUNTEER_ORG_UNKNOWN', 'orgKind'],
          [{ areaId: areas[AREAS.street] }, 'VOLUNTEER_AREA_LEVEL', 'areaId'],
        ];
        for (const [over, code, field] of refusals) {
          const r = await call('POST', '/volunteers/signup', undefined, signupBody(wenyuan, over));
          assert.equal(r.statusCode, 400, `${code}: ${r.body}`);
          assert.equal(r.json().code, code);
          assert.equal(r.json().errors[0].field, field);
        }
        assert.equal((await s.db.selectFrom('volunteer').select('id').execute()).length, 0);

        const first = await call('POST', '/volunteers/signup', undefined, signupBody(wenyuan));
        assert.equal(first.statusCode, 201, first.body);
        assert.equal(first.json().status, 'pending');
        const again = await call(
          'POST',
          '/volunteers/signup',
          undefined,
          signupBody(wenyuan, { phone: '13904370002' }),
        );
        assert.equal(again.statusCode, 409);
        assert.equal(again.json().code, 'VOLUNTEER_DUPLICATE');
        const second = await call(
          'POST',
          '/volunteers/signup',
          undefined,
          signupBody(areas[AREAS.wenyuanGrid]!, {
            idNumber: OTHER_ID,
            name: '李志愿',
            phone: '13904370003',
            team: '',
            skills: [{ code: 'data_entry' }],
          }),
        );
        assert.equal(second.statusCode, 201, second.body);
        const row = await s.db
          .selectFrom('volunteer')
          .selectAll()
          .where('id', '=', first.json().id)
          .executeTakeFirstOrThrow();
        assert.ok(!row.id_number_enc.includes(VOLUNTEER_ID), 'the ID number is sealed');

        // Vetting by the street's coordinator.
        const coordinator = await signIn(s, 'volunteer_coordinator', AREAS.street);
        const pending = await call('GET', '/volunteers?status=pending', coordinator);
        assert.equal(pending.json().total, 2);
        assert.match(pending.json().items[0].idNumber, /\*/);
        const noReason = await call('POST', `/volunteers/${first.json().id}/vet`, coordinator, { decision: 'reject' });
        assert.equal(noReason.json().code, 'VOLUNTEER_VET_NOTE_REQUIRED');
        const approved = await call('POST', `/volunteers/${first.json().id}/vet`, coordinator, { decision: 'approve' });
        assert.equal(approved.statusCode, 200, approved.body);
        assert.equal(approved.json().volunteer.status, 'approved');
        const username = approved.json().account.username as string;
        const user = await s.db
          .selectFrom('app_user')
          .selectAll()
          .where('username', '=', username)
          .executeTakeFirstOrThrow();
        assert.equal(user.role, 'volunteer');
        const twice = await call('POST', `/volunteers/${first.json().id}/vet`, coordinator, { decision: 'approve' });
        assert.equal(twice.json().code, 'VOLUNTEER_ALREADY_DECIDED');
        const ok2 = await call('POST', `/volunteers/${second.json().id}/vet`, coordinator, { decision: 'approve' });
        assert.equal(ok2.statusCode, 200, ok2.body);

        // A need: refused without slots or in the past; posted for two days.
        const worker = await signIn(s, 'community_worker', AREAS.wenyuan);
        const noSlots = await call('POST', '/volunteers/needs', worker, needBody(wenyuan, { people: 0 }));
        assert.equal(noSlots.json().code, 'VOLUNTEER_NEED_NO_SLOTS');
        const past = await call('POST', '/volunteers/needs', worker, needBody(wenyuan, { date: '2022-04-01' }));
        assert.equal(past.json().code, 'VOLUNTEER_NEED_IN_PAST');
        const window = await call(
          'POST',
          '/volunteers/needs',
          worker,
          needBody(wenyuan, { health: 'green_test', testWithinHours: 5 }),
        );
        assert.equal(window.json().code, 'VOLUNTEER_TEST_WINDOW');
        const posted = await call('POST', '/volunteers/needs', worker, needBody(wenyuan, { repeatDays: 2 }));
        assert.equal(posted.statusCode, 201, posted.body);
        assert.deepEqual(
          posted.json().map((n: { date: string }) => n.date),
          ['2022-04-03', '2022-04-04'],
        );
        const need = posted.json()[0].id as string;
        const clash = (
          await call(
            'POST',
            '/volunteers/needs',
            worker,
            needBody(wenyuan, { unitName: '文苑小区北门', startTime: '10:00', endTime: '12:00' }),
          )
        ).json()[0].id as string;
        const drivers = (
          await call(
            'POST',
            '/volunteers/needs',
            worker,
            needBody(wenyuan, {
              taskType: 'driving',
              skills: ['driving_licence'],
              startTime: '13:00',
              endTime: '15:00',
            }),
          )
        ).json()[0].id as string;

        // Proposal: the driving need goes to the one with a licence; every match explained.
        const proposal = await call('POST', '/volunteers/match/propose', coordinator, { date: '2022-04-03' });
        assert.equal(proposal.statusCode, 200, proposal.body);
        const p = proposal.json();
        assert.equal(p.needs, 3);
        const driver = p.proposals.find((x: { needId: string }) => x.needId === drivers);
        assert.equal(driver.volunteerId, first.json().id);
        assert.equal(typeof driver.explain.distance, 'number');
        const byVolunteer = new Map<string, string[]>();
        for (const x of p.proposals)
          byVolunteer.set(x.volunteerId, [...(byVolunteer.get(x.volunteerId) ?? []), x.needId]);
        for (const list of byVolunteer.values())
          assert.ok(!(list.includes(need) && list.includes(clash)), 'no overlap');

        // A batch with a double booking is refused whole.
        const bad = await call('POST', '/volunteers/match/confirm', coordinator, {
          assignments: [
            { needId: need, volunteerId: first.json().id },
            { needId: clash, volunteerId: first.json().id },
          ],
        });
        assert.equal(bad.statusCode, 409, bad.body);
        assert.equal(bad.json().code, 'VOLUNTEER_INELIGIBLE');
        assert.equal(bad.json().fault, 'overlap');
        assert.equal((await s.db.selectFrom('volunteer_booking').select('id').execute()).length, 0);

        const confirmed = await call('POST', '/volunteers/match/confirm', coordinator, {
          assignments: [
            { needId: need, volunteerId: first.json().id },
            { needId: drivers, volunteerId: first.json().id },
          ],
        });
        assert.equal(confirmed.statusCode, 200, confirmed.body);
        assert.equal(confirmed.json().booked, 2);
        const full = await call('POST', '/volunteers/match/confirm', coordinator, {
          assignments: [{ needId: need, volunteerId: second.json().id }],
        });
        assert.equal(full.json().code, 'VOLUNTEER_NEED_FULL');

        // The volunteer's own page.
        const session = await createSession(s, user.id);
        const me: SignedIn = {
          userId: user.id,
          headers: { cookie: `cordon_session=${session.token}`, 'x-csrf-token': session.csrfToken },
        };
        const page = await call('GET', '/volunteers/me', me);
        assert.equal(page.statusCode, 200, page.body);
        assert.equal(page.json().tasks.length, 2);
        const task = page.json().tasks.find((t: { need: { id: string } }) => t.need.id === need).booking.id;
        const drive = page.json().tasks.find((t: { need: { id: string } }) => t.need.id === drivers).booking.id;
        const accepted = await call('POST', `/volunteers/me/tasks/${task}/accept`, me);
        assert.equal(accepted.json().status, 'accepted');
        assert.equal(
          (await call('POST', `/volunteers/me/tasks/${task}/accept`, me)).json().code,
          'VOLUNTEER_BOOKING_ANSWERED',
        );
        assert.equal((await call('GET', '/volunteers/me', me)).json().hours.week, 3);
        const report = await hoursReport(
          s,
          await actorOf(s, 'volunteer_coordinator', AREAS.street),
          '2022-04-01',
          '2022-04-07',
        );
        assert.deepEqual(
          report.map((r) => [r.name, r.tasks, r.hours]),
          [['张志愿', 1, 3]],
        );

        // A decline of the first need's seat is refilled from the next best (the second volunteer).
        const declined = await call('POST', `/volunteers/me/tasks/${task}/decline`, me, { reason: '临时有事' });
        assert.equal(declined.statusCode, 200, declined.body);
        assert.equal(declined.json().booking.status, 'declined');
        assert.equal(declined.json().refill.volunteerId, second.json().id);
        // Nobody else holds a driving licence: the driving seat stays empty when declined.
        const noRefill = await call('POST', `/volunteers/me/tasks/${drive}/decline`, me, {});
        assert.equal(noRefill.json().refill, null);

        // Others' records: a coordinator of the next community, and another volunteer's task.
        const far = await signIn(s, 'volunteer_coordinator', AREAS.xingyang);
        assert.equal((await call('GET', `/volunteers/${first.json().id}`, far)).statusCode, 403);
        assert.equal((await call('GET', '/volunteers', far)).json().total, 0);
        const other = declined.json().refill.id as string;
        assert.equal((await call('POST', `/volunteers/me/tasks/${other}/accept`, me)).statusCode, 404);
        const detail = await call('GET', `/volunteers/needs/${need}`, worker);
        assert.equal(detail.json().bookings.length, 2);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('the public sign-up is rate-limited', async () => {
      const s = await testServices(dialect);
      s.clock.set('2022-04-02T08:00:00+08:00');
      const areas = await seedTestAreas(s);
      const app = await build(s, { serveWeb: false, access: { loginRateLimit: { max: 2, timeWindowMs: 60_000 } } });
      const call = callerOf(app);
      try {
        const codes: number[] = [];
        for (let i = 0; i < 3; i++)
          codes.push(
            (await call('POST', '/volunteers/signup', undefined, signupBody(areas[AREAS.wenyuan]!, { consent: false })))
              .statusCode,
          );
        assert.deepEqual(codes, [400, 400, 429]);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
