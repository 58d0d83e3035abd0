// Error codes of allocation and transport (安置、转运), and the shapes of their routes. People appear by
// order and masked name only; a pick-up list shows the home address the vehicle goes to.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, NoteText, Nullable } from '../platform/http.ts';

export const AllocationErrors = defineErrors({
  ALLOCATION_SITE_NOT_FOUND: { status: 404, zh: '找不到隔离点 {siteId}', en: 'Quarantine site {siteId} not found' },
  ALLOCATION_SITE_OUT_OF_SERVICE: {
    status: 409,
    zh: '隔离点“{name}”已停用，不能安置',
    en: 'Quarantine site “{name}” is out of service: no one can be placed there',
  },
  ALLOCATION_NOTHING_TO_PLACE: {
    status: 422,
    zh: '没有待安置的集中隔离人员（须为有效的集中隔离医学观察且尚未安排房间）',
    en: 'No one to place: the orders must be active, centralised and not yet in a room',
  },
  ALLOCATION_ORDER_NOT_FOUND: {
    status: 404,
    zh: '找不到隔离医学观察 {orderId}',
    en: 'Quarantine order {orderId} not found',
  },
  ALLOCATION_PLAN_NOT_FOUND: { status: 404, zh: '找不到安置方案', en: 'Allocation plan not found' },
  ALLOCATION_PLAN_CONFIRMED: {
    status: 409,
    zh: '该安置方案已确认，不能再调整',
    en: 'This allocation plan is confirmed: it can no longer be adjusted',
  },
  ALLOCATION_STAY_NOT_IN_PLAN: { status: 404, zh: '该安置不在本方案中', en: 'This placement is not in the plan' },
  ALLOCATION_ROOM_NOT_FOUND: { status: 404, zh: '找不到房间 {roomId}', en: 'Room {roomId} not found' },
  ALLOCATION_ROOM_TAKEN: {
    status: 409,
    zh: '房间 {room} 已有人入住或已被安排（床位 {beds} 张），不能重复安排',
    en: 'Room {room} is already occupied or booked ({beds} beds): it cannot be booked twice',
  },
  ALLOCATION_ROOM_NOT_DISINFECTED: {
    status: 409,
    zh: '房间 {room} 尚未完成终末消毒，不能再次使用',
    en: 'Room {room} has not had its terminal disinfection logged: it cannot be used again yet',
  },
  ALLOCATION_ROOM_NOT_IN_SERVICE: {
    status: 409,
    zh: '房间 {room} 未在使用中（{status}）',
    en: 'Room {room} is not in service ({status})',
  },
  ALLOCATION_ROOM_KINDS_MIXED: {
    status: 409,
    zh: '房间 {room} 已住有其他类别的隔离人员，不同类别不得同住',
    en: 'Room {room} holds people of another order kind: different kinds never share a room',
  },
  ALLOCATION_ROOM_SHARED: {
    status: 409,
    zh: '房间 {room} 已住有他人；仅同户自愿同住或儿童与监护人可同住',
    en: 'Room {room} holds someone else: only a household that chose to stay together, or a child with their guardian, share a room',
  },
  ALLOCATION_ACCESSIBLE_ROOM_NEEDED: {
    status: 409,
    zh: '该人员需要无障碍房间，房间 {room} 不是无障碍房间',
    en: 'This person needs an accessible room: room {room} is not one',
  },
  ALLOCATION_HOSPITAL_NEEDED: {
    status: 409,
    zh: '该人员须转运至定点医院（{need}），不能安排普通房间',
    en: 'This person is to go to a designated hospital ({need}), not to a room',
  },
  ALLOCATION_CHILD_WITHOUT_GUARDIAN: {
    status: 409,
    zh: '儿童须与监护人同住',
    en: 'A child stays with their guardian',
  },
  ALLOCATION_NO_CURRENT_STAY: {
    status: 409,
    zh: '该人员当前未在隔离点入住，无法转移',
    en: 'This person is not staying at a site now: there is nothing to move',
  },
  ALLOCATION_SAME_ROOM: { status: 409, zh: '该人员已在此房间', en: 'This person is already in this room' },
});

export const CarePlanNeeds = Type.Array(Type.String(), {
  description: 'Care needs of the person (elderly, dialysis, …)',
});

export const PlanBody = Type.Object(
  {
    orderIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20_000 })),
    caseId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    siteIds: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 200 }),
  },
  { additionalProperties: false },
);
export type PlanBody = Static<typeof PlanBody>;

export const PlanParams = Type.Object({ planId: Type.String({ minLength: 1, maxLength: 64 }) });

export const AdjustBody = Type.Object(
  { stayId: Type.String({ minLength: 1, maxLength: 64 }), roomId: Type.String({ minLength: 1, maxLength: 64 }) },
  { additionalProperties: false },
);
export type AdjustBody = Static<typeof AdjustBody>;

export const ConfirmBody = Type.Object(
  {
    vehicleSeats: Type.Optional(Type.Integer({ minimum: 1, maximum: 80 })),
    note: Type.Optional(NoteText({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type ConfirmBody = Static<typeof ConfirmBody>;

export const MoveBody = Type.Object(
  {
    orderId: Type.String({ minLength: 1, maxLength: 64 }),
    roomId: Type.String({ minLength: 1, maxLength: 64 }),
    vehicle: Type.Optional(NameText({ maxLength: 40 })),
    reason: NoteText({ minLength: 2, maxLength: 500 }),
  },
  { additionalProperties: false },
);
export type MoveBody = Static<typeof MoveBody>;

export const UNPLACED_REASONS = ['no_room', 'guardian_kind_differs', 'guardian_not_placed'] as const;

const Placed = Type.Object({
  stayId: Type.String(),
  orderId: Type.String(),
  personName: Type.String({ description: 'masked' }),
  orderKind: Type.String(),
  needs: CarePlanNeeds,
  siteId: Type.String(),
  siteName: Type.String(),
  roomId: Type.String(),
  roomNumber: Type.String(),
  roomKind: Type.String(),
  floor: Type.Integer(),
});

export const PlanSchema = Type.Object({
  planId: Type.String(),
  status: Literals(['planned', 'confirmed'] as const),
  placed: Type.Array(Placed),
  hospital: Type.Array(
    Type.Object({
      orderId: Type.String(),
      personName: Type.String({ description: 'masked' }),
      need: Type.String(),
      designation: Type.String(),
      hospitalId: Nullable(Type.String()),
      hospitalName: Nullable(Type.String()),
    }),
  ),
  unplaced: Type.Array(
    Type.Object({ orderId: Type.String(), personName: Type.String(), reason: Literals(UNPLACED_REASONS) }),
  ),
  vehicles: Type.Integer(),
});
export type PlanView = Static<typeof PlanSchema>;

export const PickupListSchema = Type.Object({
  planId: Type.String(),
  vehicles: Type.Array(
    Type.Object({
      vehicle: Type.String(),
      siteId: Type.String(),
      siteName: Type.String(),
      siteAddress: Type.String(),
      seats: Type.Integer(),
      stops: Type.Array(
        Type.Object({
          address: Type.String(),
          people: Type.Array(
            Type.Object({
              orderId: Type.String(),
              name: Type.String({ description: 'masked' }),
              roomNumber: Type.String(),
              needs: CarePlanNeeds,
            }),
          ),
        }),
      ),
    }),
  ),
});
export type PickupList = Static<typeof PickupListSchema>;

export const MoveResultSchema = Type.Object({
  orderId: Type.String(),
  stayId: Type.String(),
  fromSiteId: Type.String(),
  fromRoomId: Type.String(),
  siteId: Type.String(),
  roomId: Type.String(),
  fromRoomAwaitsDisinfection: Type.Boolean(),
});
