// The quarantine schedule against the testing module, on both dialects: people under an order sampled
// one per tube at a quarantine site's sampling point, their results arriving through the lab tick the
// schedule, a test day without a sample raised once as a missed_test alert (shown on the order), and the
// test days of orders served at home opening home-sampling tasks on the squad's list; the closed-loop
// transfer of a person under an order, or a case, to a designated hospital that takes their colour.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dialects } from '../support/dialects.ts';
import { AREAS, seedTestAreas, signIn, testServices, type SignedIn, type TestServices } from '../support/services.ts';
import { callerOf, fillTube } from '../support/testing.http.ts';
import { insertHospital, insertOrder, insertRooms, insertSite, insertStay } from '../support/quarantine.fixtures.ts';
import { build } from '../../src/app.ts';
import type { App } from '../../src/platform/http.ts';
import { verifyAuditChain } from '../../src/platform/audit.ts';
import { sweepMissedTests } from '../../src/quarantine/care.service.ts';
import { createSession } from '../../src/access/session.ts';
import { openHomeSamplingTasks } from '../../src/quarantine/home.service.ts';

const NOW = Date.parse('2022-07-24T08:00:00+08:00');
const EXPOSED = Date.parse('2022-07-23T10:00:00+08:00');
const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(`${iso}+08:00`);

/** Fresh sessions of the same users after the clock jumps past the idle timeout. */
async function resume(s: TestServices, ...who: SignedIn[]): Promise<void> {
  for (const w of who) {
    const session = await createSession(s, w.userId);
    w.headers = { cookie: `cordon_session=${session.token}`, 'x-csrf-token': session.csrfToken };
  }
}

async function setup(dialect: 'sqlite' | 'postgres') {
  const s = await testServices(dialect);
  s.clock.set(NOW);
  const areas = await seedTestAreas(s);
  const app: App = await build(s, { serveWeb: false });
  const call = callerOf(app);
  const [worker, investigator, command, sampler, lab] = await Promise.all([
    signIn(s, 'community_worker', AREAS.wenyuan),
    signIn(s, 'investigator', AREAS.wenyuan),
    signIn(s, 'command', AREAS.city),
    signIn(s, 'sampler', AREAS.street),
    signIn(s, 'lab', AREAS.city),
  ]);
  return { s, app, call, areas, worker, investigator, command, sampler, lab };
}

for (const { dialect, skip } of await dialects()) {
  describe(`quarantine schedule and testing [${dialect}]`, { skip }, () => {
    test('single tubes at the site, results tick the schedule, a missed test day raised once and shown', async () => {
      const { s, app, call, areas, worker, investigator, command, sampler, lab } = await setup(dialect);
      try {
        const home = await call('POST', '/households', worker, {
          areaId: areas[AREAS.wenyuanGrid],
          buildingName: '5号楼',
          unit: '1',
          door: '101',
        });
        const person = await call('POST', '/persons', worker, { householdId: home.json().id, name: '赵明' });
        assert.equal(person.statusCode, 201, person.body);
        const ordered = await call('POST', '/quarantine/orders', investigator, {
          personId: person.json().id,
          kind: 'close_contact',
          startAt: EXPOSED,
        });
        assert.equal(ordered.statusCode, 201, ordered.body);
        const orderId = ordered.json().id as string;
        const dates = (ordered.json().testDays as Array<{ phase: string; day: number; date: string }>).filter(
          (t) => t.phase === 'centralised',
        );
        assert.deepEqual(
          dates.map((t) => [t.day, t.date]),
          [
            [1, '2022-07-24'],
            [2, '2022-07-25'],
            [3, '2022-07-26'],
            [5, '2022-07-28'],
            [7, '2022-07-30'],
          ],
        );

        // The quarantine site's sampling point: a testing site of kind quarantine_site, 1:1 tubes.
        const round = await call('POST', '/testing/rounds', command, {
          name: '隔离点核酸',
          startsAt: NOW,
          areas: [{ areaId: areas[AREAS.wenyuan], controlLevel: 'prevention' }],
        });
        assert.equal(round.statusCode, 201, round.body);
        const roundId = round.json().id as string;
        const site = await call('POST', '/testing/sites', command, {
          areaId: areas[AREAS.wenyuanGrid],
          name: '龙山宾馆隔离点采样点',
          kind: 'quarantine_site',
        });
        assert.equal(site.statusCode, 201, site.body);
        const table = await call('POST', `/testing/sites/${site.json().id}/tables`, command, { name: '1号台' });
        const tableId = table.json().id as string;
        const pooled = await call('POST', '/testing/tubes', sampler, {
          roundId,
          tableId,
          barcode: 'Q0000',
          poolSize: 10,
        });
        assert.equal(pooled.json().code, 'TUBE_MODE_NOT_ALLOWED', pooled.body);
        // Elsewhere too, a person under an order is refused from a shared tube and offered a single one.
        const plain = await call('POST', '/testing/sites', command, {
          areaId: areas[AREAS.wenyuanGrid],
          name: '文苑广场',
        });
        const plainTable = await call('POST', `/testing/sites/${plain.json().id}/tables`, command, { name: '2号台' });
        const shared = await call('POST', '/testing/tubes', sampler, {
          roundId,
          tableId: plainTable.json().id,
          barcode: 'P0001',
          poolSize: 10,
        });
        assert.equal(shared.statusCode, 201, shared.body);
        const refused = await call('POST', `/testing/tubes/${shared.json().id}/members`, sampler, {
          personId: person.json().id,
        });
        assert.equal(refused.json().code, 'PERSON_UNDER_CONTROL', refused.body);
        assert.deepEqual(refused.json().offer, { mode: 'single', poolSize: 1 });

        // Day 1: sampled at the site in a single tube; the lab's negative ticks the day.
        s.clock.set(at('2022-07-24T09:00:00'));
        const tube = await fillTube(call, sampler, roundId, tableId, 'Q0001', [person.json().id]);
        assert.equal(tube.mode, 'single');
        s.clock.set(at('2022-07-24T15:00:00'));
        await resume(s, lab, investigator);
        const result = await call('POST', '/testing/lab/results', lab, {
          roundId,
          results: [{ barcode: 'Q0001', result: 'negative', testedAt: s.clock.now() - HOUR }],
        });
        assert.equal(result.statusCode, 200, result.body);
        let detail = await call('GET', `/quarantine/orders/${orderId}`, investigator);
        assert.deepEqual(
          detail
            .json()
            .ticks.slice(0, 2)
            .map((t: { state: string }) => t.state),
          ['negative', 'due'],
        );

        // The evening of day 1: nothing missed. Day 2 passes without a sample: missed, raised once.
        s.clock.set(at('2022-07-24T21:00:00'));
        assert.equal(await sweepMissedTests(s), 0);
        s.clock.set(at('2022-07-25T19:59:00'));
        assert.equal(await sweepMissedTests(s), 0);
        s.clock.set(at('2022-07-25T20:30:00'));
        const [n1, n2] = await Promise.all([sweepMissedTests(s), sweepMissedTests(s)]);
        assert.equal(n1 + n2, 1);
        assert.equal(await sweepMissedTests(s), 0);
        // Day 3 sampled in the morning, the result not back by the evening: a sample, not a missed day.
        s.clock.set(at('2022-07-26T09:00:00'));
        await resume(s, sampler);
        await fillTube(call, sampler, roundId, tableId, 'Q0003', [person.json().id]);
        s.clock.set(at('2022-07-26T21:00:00'));
        assert.equal(await sweepMissedTests(s), 0);
        await resume(s, investigator, command);

        detail = await call('GET', `/quarantine/orders/${orderId}`, investigator);
        assert.equal(detail.statusCode, 200, detail.body);
        assert.deepEqual(
          detail
            .json()
            .ticks.slice(0, 3)
            .map((t: { state: string }) => t.state),
          ['negative', 'missing', 'missing'],
        );
        assert.deepEqual(
          detail
            .json()
            .missedTests.map((m: { phase: string; day: number; date: string; status: string }) => [
              m.phase,
              m.day,
              m.date,
              m.status,
            ]),
          [['centralised', 2, '2022-07-25', 'open']],
        );
        // The alert is the site's medical staff's to follow up, like any other.
        const alerts = await call('GET', '/quarantine/care/alerts', command);
        const missed = alerts.json().items.filter((a: { kind: string }) => a.kind === 'missed_test');
        assert.equal(missed.length, 1);
        assert.equal(missed[0].date, '2022-07-25');
        const followed = await call('POST', `/quarantine/care/alerts/${missed[0].id}/follow-up`, command, {
          note: '当日采样车故障，次日补采',
          close: true,
        });
        assert.equal(followed.statusCode, 200, followed.body);
        detail = await call('GET', `/quarantine/orders/${orderId}`, investigator);
        assert.equal(detail.json().missedTests[0].status, 'closed');
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('a home test day opens one home-sampling task; its single tube ticks the schedule', async () => {
      const { s, app, call, areas, worker, command, sampler, lab } = await setup(dialect);
      try {
        const today = '2022-07-24';
        const { orderId } = await insertOrder(s, {
          name: '钱红',
          areaId: areas[AREAS.wenyuanGrid]!,
          place: 'home_quarantine',
          startAt: EXPOSED,
          testDays: [
            { phase: 'home', day: 1, date: today },
            { phase: 'home', day: 3, date: '2022-07-26' },
          ],
        });
        const { orderId: away } = await insertOrder(s, {
          name: '孙立',
          areaId: areas[AREAS.xingyangGrid]!,
          place: 'home_health_monitoring',
          startAt: EXPOSED,
          testDays: [{ phase: 'home', day: 1, date: today }],
        });
        // No round yet: both wait.
        assert.deepEqual(await openHomeSamplingTasks(s), { created: 0, waiting: 2 });
        const round = await call('POST', '/testing/rounds', command, {
          name: '文苑社区核酸',
          startsAt: NOW,
          areas: [{ areaId: areas[AREAS.wenyuan], controlLevel: 'prevention' }],
        });
        assert.equal(round.statusCode, 201, round.body);
        const [a, b] = await Promise.all([openHomeSamplingTasks(s), openHomeSamplingTasks(s)]);
        assert.equal(a.created + b.created, 1);
        assert.equal(a.waiting, 1);
        assert.deepEqual(await openHomeSamplingTasks(s), { created: 0, waiting: 1 });

        const tasks = await call('GET', `/testing/tasks?kind=home&roundId=${round.json().id}`, sampler);
        assert.equal(tasks.statusCode, 200, tasks.body);
        assert.equal(tasks.json().total, 1);
        const task = tasks.json().items[0] as { id: string; personId: string };
        const list = await call('GET', '/quarantine/home', worker);
        assert.equal(list.statusCode, 200, list.body);
        const item = list.json().items.find((i: { order: { id: string } }) => i.order.id === orderId);
        assert.deepEqual(item.samplingTask, { id: task.id, status: 'open' });
        assert.equal(item.testToday, true);
        assert.ok(!list.json().items.some((i: { order: { id: string } }) => i.order.id === away));

        s.clock.set(at('2022-07-24T10:00:00'));
        await resume(s, sampler);
        const sampled = await call('POST', `/testing/tasks/${task.id}/sample`, sampler, { barcode: 'H0001' });
        assert.equal(sampled.json().status, 'sampled', sampled.body);
        s.clock.set(at('2022-07-24T16:00:00'));
        await resume(s, lab, command);
        const result = await call('POST', '/testing/lab/results', lab, {
          results: [{ barcode: 'H0001', result: 'negative', testedAt: s.clock.now() - HOUR }],
        });
        assert.equal(result.statusCode, 200, result.body);
        const detail = await call('GET', `/quarantine/orders/${orderId}`, command);
        assert.equal(detail.statusCode, 200, detail.body);
        assert.deepEqual(
          detail.json().ticks.map((t: { state: string }) => t.state),
          ['negative', 'due'],
        );
        assert.ok(detail.json().events.some((e: { kind: string }) => e.kind === 'sampling_task'));
        s.clock.set(at('2022-07-24T21:00:00'));
        // The sampled day is not missed; the other person's is (no round reached them).
        assert.equal(await sweepMissedTests(s), 1);
        const audit = await s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', 'in', ['quarantine.home.sampling_tasks', 'quarantine.alert.missed_test'])
          .execute();
        assert.equal(audit.length, 2);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });

    test('hospital transfer: options by colour and need, a refusal naming hospitalId, the order continuing there', async () => {
      const { s, app, call, areas, worker, investigator, command } = await setup(dialect);
      try {
        const home = await call('POST', '/households', worker, {
          areaId: areas[AREAS.wenyuanGrid],
          buildingName: '7号楼',
          unit: '1',
          door: '202',
        });
        const person = await call('POST', '/persons', worker, { householdId: home.json().id, name: '周敏' });
        const ordered = await call('POST', '/quarantine/orders', investigator, {
          personId: person.json().id,
          kind: 'close_contact',
          startAt: EXPOSED,
        });
        assert.equal(ordered.statusCode, 201, ordered.body);
        const orderId = ordered.json().id as string;
        const site = await insertSite(s, areas[AREAS.wenyuanGrid]!);
        const rooms = await insertRooms(s, site, [{ number: '101' }]);
        await insertStay(s, orderId, site, rooms['101']!);
        const greenOnly = await insertHospital(
          s,
          areas[AREAS.district]!,
          '区中医院发热门诊',
          ['fever_clinic'],
          ['green'],
        );
        const red = await insertHospital(
          s,
          areas[AREAS.district]!,
          '市传染病医院',
          ['fever_clinic', 'treatment'],
          ['yellow', 'red'],
        );
        await insertHospital(s, areas[AREAS.district]!, '市妇幼保健院', ['maternity'], ['green', 'yellow', 'red']);

        const options = await call(
          'GET',
          `/quarantine/transfers/hospital-options?orderId=${orderId}&need=fever`,
          command,
        );
        assert.equal(options.statusCode, 200, options.body);
        assert.equal(options.json().colour, 'red');
        assert.deepEqual(
          options.json().items.map((h: { id: string }) => h.id),
          [red],
        );

        const body = { orderId, need: 'fever', vehicle: '吉D·12345 负压救护车', escort: '王护士' };
        const wrong = await call('POST', '/quarantine/transfers/hospital', command, { ...body, hospitalId: greenOnly });
        assert.equal(wrong.statusCode, 409, wrong.body);
        assert.equal(wrong.json().code, 'HOSPITAL_COLOUR_NOT_ACCEPTED');
        assert.equal(wrong.json().errors[0].field, 'hospitalId');
        const none = await call('POST', '/quarantine/transfers/hospital', command, {
          ...body,
          orderId: undefined,
          hospitalId: red,
        });
        assert.equal(none.json().code, 'TRANSFER_SUBJECT_REQUIRED');
        const notAllowed = await call('POST', '/quarantine/transfers/hospital', investigator, {
          ...body,
          hospitalId: red,
        });
        assert.equal(notAllowed.json().code, 'FORBIDDEN');
        // Nothing half-written by the refusals.
        const before = await s.db.selectFrom('quarantine_transfer').select('id').execute();
        assert.equal(before.length, 0);

        const done = await call('POST', '/quarantine/transfers/hospital', command, { ...body, hospitalId: red });
        assert.equal(done.statusCode, 201, done.body);
        assert.equal(done.json().hospitalName, '市传染病医院');
        assert.equal(done.json().personName, '周*');
        assert.equal(done.json().roomAwaitsDisinfection, true);
        const room = await s.db
          .selectFrom('quarantine_room')
          .select(['status', 'disinfection_due_at'])
          .where('id', '=', rooms['101']!)
          .executeTakeFirstOrThrow();
        assert.equal(room.status, 'cleaning');
        assert.ok(room.disinfection_due_at);
        const bed = await s.db
          .selectFrom('hospital')
          .select('beds_free')
          .where('id', '=', red)
          .executeTakeFirstOrThrow();
        assert.equal(Number(bed.beds_free), 9);
        const detail = await call('GET', `/quarantine/orders/${orderId}`, command);
        assert.equal(detail.json().order.status, 'active');
        const moved = detail.json().events.find((e: { kind: string }) => e.kind === 'transferred');
        assert.equal(moved.detail.hospitalName, '市传染病医院');
        assert.equal(moved.detail.vehicle, '吉D·12345 负压救护车');
        assert.equal(moved.detail.escort, '王护士');
        // The order continues at the hospital: it waits for no room.
        const plan = await call('POST', '/quarantine/allocation/plans', command, {
          orderIds: [orderId],
          siteIds: [site],
        });
        assert.notEqual(plan.statusCode, 201, plan.body);

        // A case is transferred the same way (no order).
        const patient = await call('POST', '/persons', worker, { householdId: home.json().id, name: '吴刚' });
        const opened = await call('POST', '/cases', investigator, {
          personId: patient.json().id,
          classification: 'confirmed',
          source: 'fever_clinic',
          onsetAt: EXPOSED,
        });
        assert.equal(opened.statusCode, 201, opened.body);
        const caseTransfer = await call('POST', '/quarantine/transfers/hospital', command, {
          caseId: opened.json().case.id,
          hospitalId: red,
          need: 'treatment',
          vehicle: '吉D·54321',
          escort: '李医生',
        });
        assert.equal(caseTransfer.statusCode, 201, caseTransfer.body);
        assert.equal(caseTransfer.json().orderId, null);
        assert.equal(caseTransfer.json().colour, 'red');
        const audit = await s.db
          .selectFrom('audit_event')
          .select('action')
          .where('action', '=', 'quarantine.transfer.hospital')
          .execute();
        assert.equal(audit.length, 2);
        assert.equal((await verifyAuditChain(s.db)).ok, true);
      } finally {
        await app.close();
        await s.close();
      }
    });
  });
}
