// Allocation of people under quarantine orders to rooms (集中隔离 安置), pure: no I/O.
//
// Hard constraints, each checked again by `checkAllocation` (the independent checker the tests and the
// benchmark run over every plan):
// - one person per room by default; a household that chose to stay together shares a room, and a
//   child stays with their guardian (a group that must share is never split);
// - never two people of different order kinds in one room (a close contact with a secondary contact,
//   a high-risk arrival with a close contact…);
// - a room is used only while in service, and never again before its terminal disinfection is logged;
// - a room's beds are never exceeded (its current and planned occupants count);
// - a person whose need the rules route to a designated hospital (dialysis, …) goes to hospital, and
//   one whose need the rules name as accessible (elderly, disabled) gets an accessible room or, when
//   none is free, is routed to hospital as well — never to an ordinary room.
// Which needs route where is data (rules/quarantine-ops.json `allocation`), never a constant here.

/** The needs (order care_needs keys) this allocator reads. */
export interface CareNeeds {
  [need: string]: boolean | string | undefined;
}

/** One person with an active centralised order, waiting for a room. */
export interface AllocPerson {
  orderId: string;
  orderKind: string;
  householdId: string | null;
  /** The household chose to stay together (家庭同住): its members of one order kind may share a room. */
  together: boolean;
  /** The order of the guardian this person (a child) stays with, when there is one. */
  guardianOrderId: string | null;
  needs: CareNeeds;
}

/** Someone already in (or planned into) a room. */
export interface Occupant {
  orderId: string;
  orderKind: string;
  householdId: string | null;
  together: boolean;
  guardianOrderId: string | null;
}

export interface AllocRoom {
  id: string;
  siteId: string;
  /** single | double | family | accessible | ward_bed */
  kind: string;
  beds: number;
  /** in_service | cleaning | out_of_service */
  status: string;
  /** The room awaits its terminal disinfection (due and not logged since). */
  awaitingDisinfection: boolean;
  occupants: Occupant[];
}

export interface AllocationRules {
  /** Needs that call for an accessible room (elderly, disabled, …). */
  accessibleNeeds: readonly string[];
  /** Needs that route the person to a designated hospital, with the designation that serves them. */
  hospitalNeeds: Readonly<Record<string, string>>;
  /** Room kinds in the order a group is offered them (accessible rooms are kept for those who need them). */
  kindPreference: readonly string[];
}

export interface Assignment {
  orderId: string;
  roomId: string;
  siteId: string;
}

export interface HospitalRouting {
  orderId: string;
  /** The need that sends them (dialysis, …, or `accessible` when no accessible room was free). */
  need: string;
  /** The hospital designation that serves the need. */
  designation: string;
}

export type UnplacedReason = 'no_room' | 'guardian_kind_differs' | 'guardian_not_placed';

export interface Unplaced {
  orderId: string;
  reason: UnplacedReason;
}

export interface Allocation {
  assignments: Assignment[];
  hospital: HospitalRouting[];
  unplaced: Unplaced[];
}

/** The designation used when an accessible room is needed and none is free. */
export const ACCESSIBLE_FALLBACK = 'treatment';

// ---- groups ------------------------------------------------------------------------------------------

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let p = this.parent.get(x);
    if (p === undefined) {
      this.parent.set(x, x);
      return x;
    }
    if (p === x) return x;
    p = this.find(p);
    this.parent.set(x, p);
    return p;
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(ra, rb);
  }
}

type Person = Pick<AllocPerson, 'orderId' | 'orderKind' | 'householdId' | 'together' | 'guardianOrderId'>;

/**
 * Who may share a room: the components of "same household that chose to stay together, same order
 * kind" and "child with guardian, same order kind". People of different components never share.
 */
export function sharingComponents(people: readonly Person[]): UnionFind {
  const uf = new UnionFind();
  const byId = new Map(people.map((p) => [p.orderId, p]));
  const households = new Map<string, string>();
  for (const p of people) {
    uf.find(p.orderId);
    if (p.together && p.householdId) {
      const key = `${p.householdId}\u0000${p.orderKind}`;
      const first = households.get(key);
      if (first) uf.union(first, p.orderId);
      else households.set(key, p.orderId);
    }
    if (p.guardianOrderId) {
      const g = byId.get(p.guardianOrderId);
      if (g && g.orderKind === p.orderKind) uf.union(p.orderId, g.orderId);
    }
  }
  return uf;
}

function needsOf(p: AllocPerson, rules: AllocationRules) {
  const hospital = Object.keys(rules.hospitalNeeds).find((n) => Boolean(p.needs[n]));
  const accessible = rules.accessibleNeeds.some((n) => Boolean(p.needs[n]));
  return { hospital, accessible };
}

function roomFree(r: AllocRoom): boolean {
  return r.status === 'in_service' && !r.awaitingDisinfection && r.kind !== 'ward_bed';
}

/**
 * Allocates people to rooms under every hard constraint. Deterministic: rooms are offered in the order
 * given (the caller orders them by the sites chosen), groups that need an accessible room first, then
 * the larger groups.
 */
export function allocate(
  people: readonly AllocPerson[],
  rooms: readonly AllocRoom[],
  rules: AllocationRules,
): Allocation {
  const out: Allocation = { assignments: [], hospital: [], unplaced: [] };
  const byId = new Map(people.map((p) => [p.orderId, p]));

  // A child's guardian of another order kind cannot share their room; one not in this batch may be in a room.
  const guardianRoom = new Map<string, AllocRoom>();
  for (const r of rooms) for (const o of r.occupants) guardianRoom.set(o.orderId, r);

  // Tight units: a child and their guardian (never split). Then households that stay together.
  const tight = new UnionFind();
  const pending: AllocPerson[] = [];
  for (const p of people) {
    tight.find(p.orderId);
    if (!p.guardianOrderId) continue;
    const g = byId.get(p.guardianOrderId);
    if (g) {
      if (g.orderKind !== p.orderKind) {
        out.unplaced.push({ orderId: p.orderId, reason: 'guardian_kind_differs' });
        continue;
      }
      tight.union(p.orderId, g.orderId);
    }
  }
  const refused = new Set(out.unplaced.map((u) => u.orderId));
  // A child whose guardian (in this batch) cannot be placed waits with them.
  for (let changed = true; changed;) {
    changed = false;
    for (const p of people) {
      if (refused.has(p.orderId) || !p.guardianOrderId || !refused.has(p.guardianOrderId)) continue;
      out.unplaced.push({ orderId: p.orderId, reason: 'guardian_not_placed' });
      refused.add(p.orderId);
      changed = true;
    }
  }

  // Children whose guardian is already in a room join that room when it has a bed and it is of their kind.
  const joined = new Set<string>();
  const load = new Map(rooms.map((r) => [r.id, r.occupants.length]));
  for (const p of people) {
    if (refused.has(p.orderId) || !p.guardianOrderId || byId.has(p.guardianOrderId)) continue;
    const room = guardianRoom.get(p.guardianOrderId);
    const guardian = room?.occupants.find((o) => o.orderId === p.guardianOrderId);
    if (!room || !guardian) {
      pending.push(p); // no guardian anywhere: placed as anyone else (staff look after the child)
      continue;
    }
    if (guardian.orderKind !== p.orderKind) {
      out.unplaced.push({ orderId: p.orderId, reason: 'guardian_kind_differs' });
      refused.add(p.orderId);
      continue;
    }
    const kinds = new Set(room.occupants.map((o) => o.orderKind));
    if (room.status === 'in_service' && kinds.size === 1 && (load.get(room.id) ?? 0) < room.beds) {
      out.assignments.push({ orderId: p.orderId, roomId: room.id, siteId: room.siteId });
      load.set(room.id, (load.get(room.id) ?? 0) + 1);
      joined.add(p.orderId);
    } else {
      out.unplaced.push({ orderId: p.orderId, reason: 'guardian_not_placed' });
      refused.add(p.orderId);
    }
  }

  const units = new Map<string, AllocPerson[]>();
  for (const p of people) {
    if (refused.has(p.orderId) || joined.has(p.orderId)) continue;
    const root = tight.find(p.orderId);
    const u = units.get(root);
    if (u) u.push(p);
    else units.set(root, [p]);
  }

  // Hospital routing: a unit with a member whose need the rules route to hospital goes there whole
  // (a child goes with their guardian).
  const roomUnits: AllocPerson[][] = [];
  for (const unit of units.values()) {
    const routed = unit.map((p) => needsOf(p, rules).hospital).find((n) => n !== undefined);
    if (routed) {
      const designation = rules.hospitalNeeds[routed]!;
      for (const p of unit) out.hospital.push({ orderId: p.orderId, need: routed, designation });
    } else roomUnits.push(unit);
  }

  // Households that stay together merge their units (same kind) into one group; the group may be split
  // back into its units when no room holds it whole.
  const groups = new Map<string, AllocPerson[][]>();
  for (const unit of roomUnits) {
    const head = unit[0]!;
    const hh = unit.find((p) => p.together && p.householdId);
    const key = hh ? `h\u0000${hh.householdId}\u0000${head.orderKind}` : `u\u0000${head.orderId}`;
    const g = groups.get(key);
    if (g) g.push(unit);
    else groups.set(key, [unit]);
  }

  // Free rooms by kind, then by beds: stacks popped from the end, so reversed to keep the caller's order.
  const free = new Map<string, Map<number, AllocRoom[]>>();
  let maxBeds = 0;
  for (const r of rooms) {
    if (!roomFree(r) || r.occupants.length > 0 || (load.get(r.id) ?? 0) > 0) continue;
    let byBeds = free.get(r.kind);
    if (!byBeds) free.set(r.kind, (byBeds = new Map()));
    const list = byBeds.get(r.beds);
    if (list) list.push(r);
    else byBeds.set(r.beds, [r]);
    if (r.beds > maxBeds) maxBeds = r.beds;
  }
  for (const byBeds of free.values()) for (const list of byBeds.values()) list.reverse();

  const take = (size: number, kinds: readonly string[]): AllocRoom | undefined => {
    for (const kind of kinds) {
      const byBeds = free.get(kind);
      if (!byBeds) continue;
      for (let b = size; b <= maxBeds; b++) {
        const list = byBeds.get(b);
        if (list?.length) return list.pop();
      }
    }
    return undefined;
  };
  const ordinary = rules.kindPreference.filter((k) => k !== 'accessible' && k !== 'ward_bed');
  const place = (members: AllocPerson[]): boolean => {
    const accessible = members.some((p) => needsOf(p, rules).accessible);
    const room = take(members.length, accessible ? ['accessible'] : [...ordinary, 'accessible']);
    if (!room) return false;
    for (const p of members) out.assignments.push({ orderId: p.orderId, roomId: room.id, siteId: room.siteId });
    return true;
  };

  const ordered = [...groups.values()].sort((a, b) => {
    const acc = (g: AllocPerson[][]) => (g.some((u) => u.some((p) => needsOf(p, rules).accessible)) ? 0 : 1);
    const size = (g: AllocPerson[][]) => g.reduce((n, u) => n + u.length, 0);
    return acc(a) - acc(b) || size(b) - size(a);
  });
  for (const group of ordered) {
    if (place(group.flat())) continue;
    for (const unit of group) {
      if (place(unit)) continue;
      if (unit.some((p) => needsOf(p, rules).accessible)) {
        for (const p of unit)
          out.hospital.push({ orderId: p.orderId, need: 'accessible', designation: ACCESSIBLE_FALLBACK });
      } else for (const p of unit) out.unplaced.push({ orderId: p.orderId, reason: 'no_room' });
    }
  }
  return out;
}

// ---- the independent checker --------------------------------------------------------------------------

export interface Violation {
  /** The constraint broken. */
  rule:
    | 'unknown_person'
    | 'unknown_room'
    | 'twice'
    | 'missing'
    | 'room_not_in_service'
    | 'room_not_disinfected'
    | 'beds_exceeded'
    | 'kinds_mixed'
    | 'strangers_share'
    | 'child_without_guardian'
    | 'hospital_need_in_room'
    | 'accessible_need_not_met';
  orderId?: string;
  roomId?: string;
}

/**
 * Verifies an allocation against the hard constraints from scratch (it shares no code with `allocate`
 * but the sharing rule): every person accounted for exactly once, rooms in service and disinfected,
 * beds, one order kind per room, only people who may share sharing, a child with their guardian,
 * hospital and accessible needs met.
 */
export function checkAllocation(
  people: readonly AllocPerson[],
  rooms: readonly AllocRoom[],
  rules: AllocationRules,
  result: Allocation,
): Violation[] {
  const v: Violation[] = [];
  const byId = new Map(people.map((p) => [p.orderId, p]));
  const roomById = new Map(rooms.map((r) => [r.id, r]));
  const seen = new Map<string, number>();
  const count = (id: string) => seen.set(id, (seen.get(id) ?? 0) + 1);
  for (const a of result.assignments) count(a.orderId);
  for (const h of result.hospital) count(h.orderId);
  for (const u of result.unplaced) count(u.orderId);
  for (const [id, n] of seen) {
    if (!byId.has(id)) v.push({ rule: 'unknown_person', orderId: id });
    else if (n > 1) v.push({ rule: 'twice', orderId: id });
  }
  for (const p of people) if (!seen.has(p.orderId)) v.push({ rule: 'missing', orderId: p.orderId });

  const inRoom = new Map<string, string>();
  const newcomers = new Map<string, AllocPerson[]>();
  for (const a of result.assignments) {
    const room = roomById.get(a.roomId);
    const p = byId.get(a.orderId);
    if (!room || room.siteId !== a.siteId) {
      v.push({ rule: 'unknown_room', orderId: a.orderId, roomId: a.roomId });
      continue;
    }
    if (!p) continue;
    inRoom.set(p.orderId, room.id);
    const list = newcomers.get(room.id);
    if (list) list.push(p);
    else newcomers.set(room.id, [p]);
    const needs = Object.keys(rules.hospitalNeeds).filter((n) => Boolean(p.needs[n]));
    if (needs.length) v.push({ rule: 'hospital_need_in_room', orderId: p.orderId, roomId: room.id });
    if (rules.accessibleNeeds.some((n) => Boolean(p.needs[n])) && room.kind !== 'accessible')
      v.push({ rule: 'accessible_need_not_met', orderId: p.orderId, roomId: room.id });
  }

  const everyone: Person[] = [...people];
  for (const r of rooms) for (const o of r.occupants) if (!byId.has(o.orderId)) everyone.push(o);
  const uf = sharingComponents(everyone);
  for (const [roomId, added] of newcomers) {
    const room = roomById.get(roomId)!;
    if (room.status !== 'in_service') v.push({ rule: 'room_not_in_service', roomId });
    if (room.awaitingDisinfection) v.push({ rule: 'room_not_disinfected', roomId });
    const all: Person[] = [...room.occupants, ...added];
    if (all.length > room.beds) v.push({ rule: 'beds_exceeded', roomId });
    if (new Set(all.map((p) => p.orderKind)).size > 1) v.push({ rule: 'kinds_mixed', roomId });
    if (new Set(all.map((p) => uf.find(p.orderId))).size > 1) v.push({ rule: 'strangers_share', roomId });
  }

  // A child is where their guardian is: the same room, or both routed to hospital.
  const routed = new Set(result.hospital.map((h) => h.orderId));
  const occupantRoom = new Map<string, string>();
  for (const r of rooms) for (const o of r.occupants) occupantRoom.set(o.orderId, r.id);
  for (const p of people) {
    if (routed.has(p.orderId) && Object.keys(rules.hospitalNeeds).some((n) => Boolean(p.needs[n]))) continue;
    if (!p.guardianOrderId || (!inRoom.has(p.orderId) && !routed.has(p.orderId))) continue;
    const g = p.guardianOrderId;
    const guardianKnown = byId.has(g) || occupantRoom.has(g);
    if (!guardianKnown) continue;
    const mine = inRoom.get(p.orderId) ?? (routed.has(p.orderId) ? 'hospital' : undefined);
    const theirs = inRoom.get(g) ?? occupantRoom.get(g) ?? (routed.has(g) ? 'hospital' : undefined);
    if (mine !== theirs) v.push({ rule: 'child_without_guardian', orderId: p.orderId });
  }

  // A person the rules route to hospital is never left waiting for a room.
  const unplaced = new Map(result.unplaced.map((u) => [u.orderId, u.reason]));
  for (const p of people) {
    const hospitalNeed = Object.keys(rules.hospitalNeeds).some((n) => Boolean(p.needs[n]));
    if (hospitalNeed && !routed.has(p.orderId) && !inRoom.has(p.orderId) && unplaced.get(p.orderId) === 'no_room')
      v.push({ rule: 'hospital_need_in_room', orderId: p.orderId });
  }
  return v;
}
