// The capacity rules (norm, alert, forecast), the room sheet's reading, hospital routing and the rule file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  daysBetween,
  districtNorm,
  forecastRooms,
  freeAlert,
  perComingDay,
} from '../../src/quarantine/capacity.rules.ts';
import { parseQuarantinePolicy, quarantinePolicy } from '../../src/quarantine/quarantine.policy.ts';
import { checkRoom, duplicateRoomFaults, mapRoomHeader, roomState } from '../../src/quarantine/sites.rules.ts';
import { refusal, routeHospitals } from '../../src/quarantine/hospitals.rules.ts';
import { RuleFileError } from '../../src/platform/rule-file.ts';

const policy = quarantinePolicy();
const cap = policy.capacity;

test('the norm: 20 rooms per 10,000 residents, 100 per infected case, the larger one, and the shortfall', () => {
  assert.deepEqual(districtNorm(250_000, 0, 300, cap), {
    byPopulation: 500,
    byCases: 0,
    required: 500,
    shortfall: 200,
  });
  assert.deepEqual(districtNorm(250_000, 6, 700, cap), {
    byPopulation: 500,
    byCases: 600,
    required: 600,
    shortfall: 0,
  });
  assert.equal(districtNorm(1, 0, 0, cap).byPopulation, 1, 'rounded up');
});

test('the alert under 10 % free', () => {
  assert.deepEqual(freeAlert(10, 100, cap), { freeShare: 0.1, alert: false });
  assert.deepEqual(freeAlert(9, 100, cap), { freeShare: 0.09, alert: true });
  assert.deepEqual(freeAlert(0, 0, cap), { freeShare: 0, alert: true });
});

test('forecast: arrivals from cases per day × contacts per case, releases free rooms, the day rooms run out', () => {
  const f = forecastRooms({
    usableRooms: 100,
    occupiedRooms: 60,
    unplaced: 5,
    recentCases: 7,
    recentContacts: 70,
    lookbackDays: 7,
    releasesByDay: [0, 0, 10, 0, 0, 0, 0],
    days: 7,
    peoplePerRoom: 1,
  });
  assert.equal(f.casesPerDay, 1);
  assert.equal(f.contactsPerCase, 10);
  assert.deepEqual(
    f.days.map((d) => d.demand),
    [75, 85, 85, 95, 105, 115, 125],
  );
  assert.equal(f.days[2]!.releases, 10);
  assert.equal(f.runsOutOnDay, 5);
  assert.equal(f.days[4]!.free, -5);

  const calm = forecastRooms({
    usableRooms: 10,
    occupiedRooms: 2,
    unplaced: 0,
    recentCases: 0,
    recentContacts: 0,
    lookbackDays: 7,
    releasesByDay: [2],
    days: 3,
    peoplePerRoom: 1,
  });
  assert.deepEqual(
    calm.days.map((d) => [d.demand, d.free]),
    [
      [0, 10],
      [0, 10],
      [0, 10],
    ],
  );
  assert.equal(calm.runsOutOnDay, null);

  const families = forecastRooms({
    usableRooms: 10,
    occupiedRooms: 0,
    unplaced: 5,
    recentCases: 0,
    recentContacts: 0,
    lookbackDays: 7,
    releasesByDay: [],
    days: 1,
    peoplePerRoom: 2,
  });
  assert.equal(families.days[0]!.demand, 3, 'five people at two a room need three rooms');
});

test('day numbers and the coming days across a month end', () => {
  assert.equal(daysBetween('2022-03-29', '2022-04-02'), 4);
  assert.equal(daysBetween('2022-04-02', '2022-04-02'), 0);
  assert.deepEqual(
    perComingDay(['2022-03-31', '2022-04-01', '2022-04-01', '2022-03-30', '2022-04-09'], '2022-03-30', 3),
    [1, 2, 0],
  );
});

test('room state: out of service, occupied, cleaning (status or terminal disinfection due), reserved, free', () => {
  const r = { status: 'in_service', disinfection_due_at: null, current: 0, planned: 0 };
  assert.equal(roomState(r), 'free');
  assert.equal(roomState({ ...r, planned: 1 }), 'reserved');
  assert.equal(roomState({ ...r, current: 1 }), 'occupied');
  assert.equal(roomState({ ...r, disinfection_due_at: 1 }), 'cleaning');
  assert.equal(roomState({ ...r, status: 'cleaning' }), 'cleaning');
  assert.equal(roomState({ ...r, status: 'out_of_service', current: 1 }), 'out_of_service');
});

test('the room sheet: header in either language, defaults by kind, faults by row and column', () => {
  const h = mapRoomHeader(['楼层', 'Room', '房型']);
  assert.ok(h.ok);
  const bad = mapRoomHeader(['楼层', '房型', '朝向']);
  assert.deepEqual(bad, { ok: false, missing: ['number'], unknown: ['朝向'] });
  const col = (c: string) => c;
  const ok = checkRoom({ floor: '3', number: '301', kind: '家庭间' }, policy, { row: 2, column: col });
  assert.deepEqual(ok.room, { floor: 3, number: '301', kind: 'family', beds: 3, ownBathroom: true });
  const wrong = checkRoom({ floor: '0', number: '', kind: 'suite', beds: '0', ownBathroom: 'maybe' }, policy, {
    row: 9,
    column: col,
  });
  assert.equal(wrong.room, null);
  assert.deepEqual(
    wrong.faults.map((f) => [f.row, f.column, f.code]),
    [
      [9, 'floor', 'QUARANTINE_ROOM_FLOOR_INVALID'],
      [9, 'number', 'QUARANTINE_ROOM_NUMBER_INVALID'],
      [9, 'kind', 'QUARANTINE_ROOM_KIND_INVALID'],
      [9, 'beds', 'QUARANTINE_ROOM_BEDS_INVALID'],
      [9, 'ownBathroom', 'QUARANTINE_ROOM_FLAG_INVALID'],
    ],
  );
  assert.deepEqual(
    duplicateRoomFaults(
      [
        { row: 2, number: 'A1' },
        { row: 3, number: 'a1' },
      ],
      '房间号',
    ).map((f) => [f.row, f.params?.first]),
    [[3, 2]],
  );
});

test('hospital routing: colour, need, active, most free beds first', () => {
  const h = (name: string, designations: string[], acceptsColours: string[], bedsFree: number, active = true) => ({
    name,
    designations,
    acceptsColours,
    bedsFree,
    active,
  });
  const list = [
    h('A', ['fever_clinic'], ['green'], 5),
    h('B', ['treatment', 'dialysis'], ['green', 'yellow', 'red'], 3),
    h('C', ['maternity'], ['green', 'yellow'], 9),
    h('D', ['dialysis'], ['red'], 50, false),
  ];
  assert.deepEqual(
    routeHospitals(list, 'green', 'fever', policy).map((x) => x.name),
    ['A', 'B'],
  );
  assert.deepEqual(
    routeHospitals(list, 'red', 'dialysis', policy).map((x) => x.name),
    ['B'],
  );
  assert.equal(refusal(list[2]!, 'red', 'pregnancy', policy), 'colour');
  assert.equal(refusal(list[2]!, 'green', 'dialysis', policy), 'need');
  assert.equal(refusal(list[3]!, 'red', 'dialysis', policy), 'inactive');
  assert.equal(refusal(list[0]!, 'green', null, policy), null);
});

test('rules/quarantine.json: a wrong field is named', () => {
  const raw = structuredClone(policy) as unknown as {
    capacity: { alertFreeShare: number };
    rooms: { defaultBeds: { family: number } };
  };
  raw.capacity.alertFreeShare = 2;
  assert.throws(
    () => parseQuarantinePolicy(raw),
    (e: unknown) => e instanceof RuleFileError && /capacity\.alertFreeShare/.test(e.message),
  );
  const beds = structuredClone(policy) as unknown as { rooms: { defaultBeds: { family: number } } };
  beds.rooms.defaultBeds.family = 20;
  assert.throws(() => parseQuarantinePolicy(beds), /rooms\.defaultBeds\.family/);
});
