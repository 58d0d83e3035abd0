import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  allocate,
  checkAllocation,
  type AllocPerson,
  type AllocRoom,
  type AllocationRules,
} from '../../src/quarantine/allocation.rules.ts';
import { carePolicy } from '../../src/quarantine/care.policy.ts';

const RULES: AllocationRules = carePolicy().allocation;

const person = (orderId: string, extra: Partial<AllocPerson> = {}): AllocPerson => ({
  orderId,
  orderKind: 'close_contact',
  householdId: null,
  together: false,
  guardianOrderId: null,
  needs: {},
  ...extra,
});
const room = (id: string, extra: Partial<AllocRoom> = {}): AllocRoom => ({
  id,
  siteId: 's1',
  kind: 'single',
  beds: 1,
  status: 'in_service',
  awaitingDisinfection: false,
  occupants: [],
  ...extra,
});

describe('allocation rules', () => {
  test('one person per room; rooms awaiting disinfection, cleaning or out of service are skipped', () => {
    const people = [person('a'), person('b'), person('c')];
    const rooms = [
      room('r1', { awaitingDisinfection: true }),
      room('r2', { status: 'cleaning' }),
      room('r3', { status: 'out_of_service' }),
      room('r4'),
      room('r5', { kind: 'double', beds: 2 }),
    ];
    const out = allocate(people, rooms, RULES);
    assert.deepEqual(
      out.assignments.map((a) => a.roomId),
      ['r4', 'r5'],
    );
    assert.deepEqual(out.unplaced, [{ orderId: 'c', reason: 'no_room' }]);
    assert.deepEqual(checkAllocation(people, rooms, RULES, out), []);
  });

  test('a household that chose to stay together shares a family room; a different order kind never joins it', () => {
    const people = [
      person('m', { householdId: 'h', together: true }),
      person('f', { householdId: 'h', together: true }),
      person('k', { householdId: 'h', together: true, guardianOrderId: 'm', needs: { child: true } }),
      person('g', { householdId: 'h', together: true, orderKind: 'secondary_contact' }),
    ];
    const rooms = [room('r1'), room('fam', { kind: 'family', beds: 4 })];
    const out = allocate(people, rooms, RULES);
    const inFam = out.assignments.filter((a) => a.roomId === 'fam').map((a) => a.orderId);
    assert.deepEqual(inFam.sort(), ['f', 'k', 'm']);
    assert.equal(out.assignments.find((a) => a.orderId === 'g')?.roomId, 'r1');
    assert.deepEqual(checkAllocation(people, rooms, RULES, out), []);
  });

  test('a child stays with their guardian; a guardian of another order kind is refused with its reason', () => {
    const people = [
      person('mum'),
      person('kid', { guardianOrderId: 'mum', needs: { child: true } }),
      person('kid2', { guardianOrderId: 'dad', orderKind: 'secondary_contact' }),
      person('dad'),
    ];
    const rooms = [room('r1'), room('d', { kind: 'double', beds: 2 })];
    const out = allocate(people, rooms, RULES);
    assert.equal(out.assignments.find((a) => a.orderId === 'kid')?.roomId, 'd');
    assert.equal(out.assignments.find((a) => a.orderId === 'mum')?.roomId, 'd');
    assert.deepEqual(
      out.unplaced.find((u) => u.orderId === 'kid2'),
      { orderId: 'kid2', reason: 'guardian_kind_differs' },
    );
    assert.deepEqual(checkAllocation(people, rooms, RULES, out), []);
  });

  test('a child joins a guardian already in a room with a free bed', () => {
    const rooms = [
      room('d', {
        kind: 'double',
        beds: 2,
        occupants: [
          { orderId: 'mum', orderKind: 'close_contact', householdId: null, together: false, guardianOrderId: null },
        ],
      }),
    ];
    const people = [person('kid', { guardianOrderId: 'mum' })];
    const out = allocate(people, rooms, RULES);
    assert.deepEqual(out.assignments, [{ orderId: 'kid', roomId: 'd', siteId: 's1' }]);
    assert.deepEqual(checkAllocation(people, rooms, RULES, out), []);
  });

  test('dialysis goes to a hospital with the child it guards; elderly get an accessible room, else a hospital', () => {
    const people = [
      person('dia', { needs: { dialysis: true } }),
      person('kid', { guardianOrderId: 'dia' }),
      person('old1', { needs: { elderly: true } }),
      person('old2', { needs: { disabled: true } }),
      person('x'),
    ];
    const rooms = [room('r1'), room('r2'), room('acc', { kind: 'accessible' })];
    const out = allocate(people, rooms, RULES);
    assert.deepEqual(
      out.hospital.map((h) => [h.orderId, h.need, h.designation]),
      [
        ['dia', 'dialysis', 'dialysis'],
        ['kid', 'dialysis', 'dialysis'],
        ['old2', 'accessible', 'treatment'],
      ],
    );
    assert.equal(out.assignments.find((a) => a.orderId === 'old1')?.roomId, 'acc');
    assert.equal(out.assignments.find((a) => a.orderId === 'x')?.roomId, 'r1');
    assert.deepEqual(checkAllocation(people, rooms, RULES, out), []);
  });

  test('the checker catches each broken constraint', () => {
    const people = [
      person('a'),
      person('b', { orderKind: 'secondary_contact' }),
      person('e', { needs: { elderly: true } }),
    ];
    const rooms = [room('r1', { kind: 'double', beds: 2 }), room('r2', { awaitingDisinfection: true })];
    const bad = {
      assignments: [
        { orderId: 'a', roomId: 'r1', siteId: 's1' },
        { orderId: 'b', roomId: 'r1', siteId: 's1' },
        { orderId: 'e', roomId: 'r2', siteId: 's1' },
      ],
      hospital: [],
      unplaced: [{ orderId: 'a', reason: 'no_room' as const }],
    };
    const rules = checkAllocation(people, rooms, RULES, bad).map((v) => v.rule);
    for (const r of ['twice', 'kinds_mixed', 'strangers_share', 'room_not_disinfected', 'accessible_need_not_met'])
      assert.ok(rules.includes(r as never), `${r} in ${rules.join(',')}`);
  });

  test('property: any batch into any rooms breaks no hard constraint', () => {
    const kinds = ['close_contact', 'secondary_contact', 'high_risk_arrival'];
    const arbPeople = fc
      .array(
        fc.record({
          kind: fc.constantFrom(...kinds),
          household: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }),
          together: fc.boolean(),
          guardian: fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }),
          elderly: fc.boolean(),
          dialysis: fc.integer({ min: 0, max: 9 }),
        }),
        { maxLength: 40 },
      )
      .map((rows) =>
        rows.map((r, i): AllocPerson => ({
          orderId: `p${i}`,
          orderKind: r.kind,
          householdId: r.household === null ? null : `h${r.household}`,
          together: r.together,
          guardianOrderId: r.guardian === null || r.guardian === i ? null : `p${r.guardian}`,
          needs: { elderly: r.elderly && i % 3 === 0, dialysis: r.dialysis === 0 },
        })),
      );
    const arbRooms = fc
      .array(
        fc.record({
          kind: fc.constantFrom('single', 'double', 'family', 'accessible'),
          beds: fc.integer({ min: 1, max: 4 }),
          status: fc.constantFrom('in_service', 'in_service', 'in_service', 'cleaning', 'out_of_service'),
          dirty: fc.boolean(),
          occupant: fc.option(fc.constantFrom(...kinds), { nil: null }),
        }),
        { maxLength: 40 },
      )
      .map((rows) =>
        rows.map((r, i): AllocRoom => ({
          id: `r${i}`,
          siteId: `s${i % 3}`,
          kind: r.kind,
          beds: r.beds,
          status: r.status,
          awaitingDisinfection: r.dirty && r.occupant === null,
          occupants:
            r.occupant === null
              ? []
              : [
                  {
                    orderId: `o${i}`,
                    orderKind: r.occupant,
                    householdId: null,
                    together: false,
                    guardianOrderId: null,
                  },
                ],
        })),
      );
    fc.assert(
      fc.property(arbPeople, arbRooms, (people, rooms) => {
        const out = allocate(people, rooms, RULES);
        assert.deepEqual(checkAllocation(people, rooms, RULES, out), []);
      }),
      { numRuns: 300 },
    );
  });
});
