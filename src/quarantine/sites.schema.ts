// Error codes of quarantine sites, rooms and staff rosters, and the request and response shapes of their
// routes. Staff are the site's workers (names shown to whoever may read the site); people in rooms are
// not in these views: a room says only how many stay in it.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { Literals, NameText, Nullable, NoteText, ProblemSchema } from '../platform/http.ts';
import {
  ROOM_KINDS,
  ROOM_STATES,
  ROOM_STATUSES,
  SITE_KINDS,
  SITE_STATUSES,
  STAFF_ROLES,
  STAFF_SHIFTS,
} from './sites.rules.ts';

export const QuarantineSiteErrors = defineErrors({
  QUARANTINE_SITE_NOT_FOUND: { status: 404, zh: '找不到该隔离点', en: 'Quarantine site not found' },
  QUARANTINE_ROOM_NOT_FOUND: { status: 404, zh: '找不到该房间', en: 'Room not found' },
  QUARANTINE_STAFF_NOT_FOUND: { status: 404, zh: '找不到该工作人员', en: 'Staff member not found' },
  QUARANTINE_STAFF_USER_NOT_FOUND: {
    status: 404,
    zh: '找不到要关联的账号：{userId}',
    en: 'The account to link was not found: {userId}',
  },
  QUARANTINE_TESTING_SITE_NOT_FOUND: {
    status: 404,
    zh: '找不到对应的核酸采样点：{testingSiteId}',
    en: 'The testing site was not found: {testingSiteId}',
  },
  QUARANTINE_ROOM_EXISTS: {
    status: 409,
    zh: '该隔离点已有房间 {number}',
    en: 'The site already has a room {number}',
  },
  QUARANTINE_ROOM_IN_USE: {
    status: 409,
    zh: '房间 {number} 有人入住或已分配，不能停用',
    en: 'Room {number} is occupied or allocated; it cannot be taken out of service',
  },
  QUARANTINE_ROOM_DISINFECTION_DUE: {
    status: 409,
    zh: '房间 {number} 尚未登记终末消毒，不能恢复使用',
    en: 'Room {number} has no terminal disinfection logged yet; it cannot be put back in service',
  },
  QUARANTINE_SITE_IN_USE: {
    status: 409,
    zh: '隔离点仍有 {occupied} 间房有人入住，不能停用',
    en: 'The site still has {occupied} occupied rooms; it cannot be taken out of service',
  },
  QUARANTINE_ROOM_FLOOR_INVALID: {
    status: 422,
    zh: '楼层应为 -5 至 {max} 之间的非零整数：{value}',
    en: 'The floor must be a non-zero whole number from -5 to {max}: {value}',
  },
  QUARANTINE_ROOM_NUMBER_INVALID: {
    status: 422,
    zh: '房间号应为 1 至 20 个字符：{value}',
    en: 'The room number must be 1 to 20 characters: {value}',
  },
  QUARANTINE_ROOM_KIND_INVALID: {
    status: 422,
    zh: '房型应为 单人间、双人间、家庭间、无障碍间 或 病床：{value}',
    en: 'The kind must be single, double, family, accessible or ward bed: {value}',
  },
  QUARANTINE_ROOM_BEDS_INVALID: {
    status: 422,
    zh: '床位数应为 1 至 {max}：{value}',
    en: 'Beds must be 1 to {max}: {value}',
  },
  QUARANTINE_ROOM_FLAG_INVALID: {
    status: 422,
    zh: '应填 是 或 否：{value}',
    en: 'Must be yes or no: {value}',
  },
  QUARANTINE_ROOM_DUPLICATE_ROW: {
    status: 422,
    zh: '房间号 {value} 与第 {first} 行重复',
    en: 'Room {value} repeats row {first}',
  },
  QUARANTINE_ROOM_EXISTS_ROW: {
    status: 422,
    zh: '该隔离点已有房间 {value}',
    en: 'The site already has a room {value}',
  },
  QUARANTINE_ROOMS_HEADER_INVALID: {
    status: 422,
    zh: '表头错误：缺少 {missing}；无法识别 {unknown}',
    en: 'Wrong header: missing {missing}; not recognised {unknown}',
  },
  QUARANTINE_ROOMS_INVALID: {
    status: 422,
    zh: '房间表有 {count} 处错误，未导入任何房间',
    en: 'The room sheet has {count} errors; no room was imported',
  },
  QUARANTINE_ROOMS_EMPTY: { status: 422, zh: '房间表没有任何房间', en: 'The room sheet holds no room' },
  QUARANTINE_ROOMS_FILE_REQUIRED: {
    status: 400,
    zh: '请上传房间表文件（CSV 或 XLSX）',
    en: 'Upload a room sheet (CSV or XLSX)',
  },
  QUARANTINE_ROOMS_FILE_FORMAT: {
    status: 400,
    zh: '房间表只支持 CSV 或 XLSX 文件',
    en: 'A room sheet must be a CSV or XLSX file',
  },
});

export const tags = ['quarantine'];
export const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Strict = { additionalProperties: false } as const;

export const IdParams = Type.Object({ id: Id });

export const ZonesBody = Type.Object(
  {
    observation: Type.Optional(NoteText({ maxLength: 300 })),
    service: Type.Optional(NoteText({ maxLength: 300 })),
    sanitation: Type.Optional(NoteText({ maxLength: 300 })),
  },
  Strict,
);
export const ZonesView = Type.Object({ observation: Type.String(), service: Type.String(), sanitation: Type.String() });

export const SiteCreateBody = Type.Object(
  {
    areaId: Id,
    name: NameText({ minLength: 1, maxLength: 100 }),
    address: Type.Optional(NameText({ maxLength: 300 })),
    kind: Literals(SITE_KINDS),
    zones: Type.Optional(ZonesBody),
    testingSiteId: Type.Optional(Id),
  },
  Strict,
);
export type SiteCreateBody = Static<typeof SiteCreateBody>;

export const SiteUpdateBody = Type.Object(
  {
    name: Type.Optional(NameText({ minLength: 1, maxLength: 100 })),
    address: Type.Optional(NameText({ maxLength: 300 })),
    kind: Type.Optional(Literals(SITE_KINDS)),
    zones: Type.Optional(ZonesBody),
    status: Type.Optional(Literals(SITE_STATUSES)),
    testingSiteId: Type.Optional(Nullable(Id)),
  },
  Strict,
);
export type SiteUpdateBody = Static<typeof SiteUpdateBody>;

export const SiteListQuery = Type.Object({
  areaId: Type.Optional(Id),
  status: Type.Optional(Literals(SITE_STATUSES)),
});
export type SiteListQuery = Static<typeof SiteListQuery>;

export const RoomCounts = Type.Object({
  total: Type.Integer(),
  beds: Type.Integer(),
  free: Type.Integer(),
  reserved: Type.Integer(),
  occupied: Type.Integer(),
  cleaning: Type.Integer(),
  out_of_service: Type.Integer(),
});
export type RoomCounts = Static<typeof RoomCounts>;

export const SiteView = Type.Object({
  id: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  name: Type.String(),
  address: Type.String(),
  kind: Literals(SITE_KINDS),
  zones: ZonesView,
  status: Literals(SITE_STATUSES),
  testingSiteId: Nullable(Type.String()),
  rooms: RoomCounts,
  staff: Type.Integer(),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type SiteView = Static<typeof SiteView>;

export const RoomBody = Type.Object(
  {
    floor: Type.Integer({ minimum: -5, maximum: 500 }),
    number: NameText({ minLength: 1, maxLength: 20 }),
    kind: Literals(ROOM_KINDS),
    beds: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    ownBathroom: Type.Optional(Type.Boolean()),
  },
  Strict,
);
export type RoomBody = Static<typeof RoomBody>;

export const RoomUpdateBody = Type.Object(
  {
    kind: Type.Optional(Literals(ROOM_KINDS)),
    beds: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    ownBathroom: Type.Optional(Type.Boolean()),
    status: Type.Optional(Literals(ROOM_STATUSES)),
  },
  Strict,
);
export type RoomUpdateBody = Static<typeof RoomUpdateBody>;

export const RoomView = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  floor: Type.Integer(),
  number: Type.String(),
  kind: Literals(ROOM_KINDS),
  beds: Type.Integer(),
  ownBathroom: Type.Boolean(),
  status: Literals(ROOM_STATUSES),
  /** What the board shows: the status and the stays taken together. */
  state: Literals(ROOM_STATES),
  /** People staying now (counts only; who they are is the occupant view's). */
  occupants: Type.Integer(),
  disinfectionDueAt: Nullable(Type.Integer()),
  disinfectedAt: Nullable(Type.Integer()),
});
export type RoomView = Static<typeof RoomView>;

export const RoomListQuery = Type.Object({
  floor: Type.Optional(Type.Integer({ minimum: -5, maximum: 500 })),
  state: Type.Optional(Literals(ROOM_STATES)),
});
export type RoomListQuery = Static<typeof RoomListQuery>;

export const RoomList = Type.Object({ site: SiteView, items: Type.Array(RoomView) });

export const RoomImportOutcome = Type.Object({
  dryRun: Type.Boolean(),
  rows: Type.Integer(),
  created: Type.Integer(),
  beds: Type.Integer(),
  byKind: Type.Record(Type.String(), Type.Integer()),
});
export type RoomImportOutcome = Static<typeof RoomImportOutcome>;

export const StaffBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 60 }),
    role: Literals(STAFF_ROLES),
    shift: Literals(STAFF_SHIFTS),
    ppeLevel: Type.Integer({ minimum: 1, maximum: 3 }),
    userId: Type.Optional(Id),
  },
  Strict,
);
export type StaffBody = Static<typeof StaffBody>;

export const StaffUpdateBody = Type.Object(
  {
    role: Type.Optional(Literals(STAFF_ROLES)),
    shift: Type.Optional(Literals(STAFF_SHIFTS)),
    ppeLevel: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    active: Type.Optional(Type.Boolean()),
    userId: Type.Optional(Nullable(Id)),
  },
  Strict,
);
export type StaffUpdateBody = Static<typeof StaffUpdateBody>;

export const StaffView = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  userId: Nullable(Type.String()),
  username: Nullable(Type.String()),
  name: Type.String(),
  role: Literals(STAFF_ROLES),
  shift: Literals(STAFF_SHIFTS),
  ppeLevel: Type.Integer(),
  active: Type.Boolean(),
  createdAt: Type.Integer(),
});
export type StaffView = Static<typeof StaffView>;
