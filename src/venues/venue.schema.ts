// Request and response shapes of venues and check-ins, and their error codes. Response schemas are the
// whitelist: a check-in answer carries a masked name and a person reference, never an identifier.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { COLOURS, CROWD_LEVELS } from './venue.rules.ts';
import { Literals, Nullable, NameText, NoteText } from '../platform/http.ts';

export const VenueErrors = defineErrors({
  VENUE_NOT_FOUND: { status: 404, zh: '找不到该场所', en: 'Venue not found' },
  VENUE_NOT_APPROVED: {
    status: 403,
    zh: '该场所码尚未启用或已停用，请联系场所管理人员',
    en: 'This venue’s code is not live (not approved or suspended)',
  },
  VENUE_CODE_INVALID: {
    status: 400,
    zh: '场所码无效，请扫描场所张贴的正式场所码',
    en: 'This venue code is not valid; scan the venue’s official code',
  },
  VENUE_CODE_REVOKED: {
    status: 410,
    zh: '该场所码已作废，请扫描场所最新张贴的场所码',
    en: 'This venue code has been revoked; scan the venue’s current code',
  },
  VENUE_CODE_EXPIRED: {
    status: 410,
    zh: '场所动态码已过期，请在现场扫描屏幕上的最新码',
    en: 'This screen code has expired; scan the live code on the screen at the venue',
  },
  VENUE_SCREEN_CODE_REQUIRED: {
    status: 400,
    zh: '该场所须现场扫描屏幕动态码',
    en: 'This venue requires scanning the live screen code on site',
  },
  VENUE_STATUS_CONFLICT: {
    status: 409,
    zh: '场所当前状态为{status}，不能执行此操作',
    en: 'The venue is {status}; this action does not apply',
  },
  VENUE_OPERATOR_INVALID: { status: 400, zh: '场所经营者账号无效', en: 'The operator account is not a venue operator' },
  PERSONAL_CODE_INVALID: { status: 400, zh: '个人码无效', en: 'This personal code is not valid' },
  PERSONAL_CODE_EXPIRED: {
    status: 410,
    zh: '个人码已过期，请刷新后重新出示',
    en: 'This personal code has expired; refresh it and show it again',
  },
  CHECKIN_NOT_FOUND: { status: 404, zh: '找不到该扫码记录', en: 'Check-in not found' },
  CHECKIN_NOT_ADMITTED: {
    status: 409,
    zh: '该扫码记录未获准入场，无需离场',
    en: 'This check-in was refused entry; there is nothing to close',
  },
  CHECKIN_ID_CHECK_DIGIT: {
    status: 400,
    zh: '身份证号最后一位（校验位）与前面的数字对不上，号码有输错的地方，请核对证件后重新输入',
    en: 'The ID number’s last character (its check digit) does not fit the digits before it: a digit was mistyped; check the card and enter it again',
  },
  CHECKIN_PERSON_REQUIRED: {
    status: 400,
    zh: '请出示个人码或输入证件号（只能选一种）',
    en: 'Give exactly one of: personal code, ID number, person',
  },
  CHECKIN_SCANNED_AT_INVALID: {
    status: 400,
    zh: '扫码时间无效：不得晚于当前时间，并须附带设备生成的编号',
    en: 'scannedAt must not lie in the future and must come with a clientId',
  },
  SCAN_QUEUE_DEVICE_INVALID: {
    status: 403,
    zh: '补传的扫码未经本账号值守设备的离线队列签名（或内容已被改动），不予受理；请在现场重新扫码',
    en: 'A queued scan must be signed by this account’s guard device queue, unaltered; scan again at the door',
  },
  SCAN_QUEUE_EXPIRED: {
    status: 410,
    zh: '该扫码在设备上排队超过 {minutes} 分钟才送达，不予受理；请在现场重新扫码',
    en: 'This scan reached the server more than {minutes} minutes after it was made; scan again at the door',
  },
  CATEGORY_UNKNOWN: { status: 400, zh: '未知的场所类别：{category}', en: 'Unknown venue category: {category}' },
  VENUE_SELF_APPROVAL: {
    status: 403,
    zh: '场所登记人不能审核自己登记的场所：须由另一名有审核权限的人员审核',
    en: 'The person who registered a venue cannot approve it: another authorised user must',
  },
  VENUE_CONTACT_PHONE_FORMAT: {
    status: 400,
    zh: '联系电话格式错误：应为 11 位、以 1 开头的大陆手机号',
    en: 'contactPhone must be an 11-digit mainland mobile number starting with 1',
  },
});

/**
 * Why the door refused; shown in plain words on the verification screen (messages, not failures).
 * `{basis}`: the facts a colour rests on, in words and brackets (venue.service.ts fills it in).
 */
export const EntryReasonTexts = defineErrors({
  RED_CODE: { status: 403, zh: '红码{basis}，禁止进入', en: 'Red code{basis}: entry refused' },
  YELLOW_CODE: { status: 403, zh: '黄码{basis}，禁止进入', en: 'Yellow code{basis}: entry refused' },
  GREEN_CODE: { status: 403, zh: '本场所不接受绿码人员进入', en: 'This venue does not admit green codes' },
  NO_RECENT_TEST: {
    status: 403,
    zh: '{hours} 小时内无核酸阴性结果',
    en: 'No negative test sampled within {hours} hours',
  },
  TEST_POSITIVE: { status: 403, zh: '核酸检测结果阳性', en: 'The latest test is positive' },
  NOT_VACCINATED: { status: 403, zh: '本场所须完成疫苗接种', en: 'This venue requires vaccination' },
  VENUE_FULL: {
    status: 403,
    zh: '场所已满（限 {capacity} 人），请稍后再来',
    en: 'The venue is full (capacity {capacity}); please come back later',
  },
});

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Zh = Type.Object({ zh: Type.String(), en: Type.String() });

export const VENUE_STATUSES = ['pending', 'approved', 'suspended'] as const;
export type VenueStatus = (typeof VENUE_STATUSES)[number];

export const IdParams = Type.Object({ id: Id });

export const VenueCreateBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 100 }),
    category: Type.String({ minLength: 1, maxLength: 40 }),
    address: Type.Optional(NameText({ maxLength: 200 })),
    areaId: Id,
    capacity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    operatorUserId: Type.Optional(Nullable(Id)),
    requiresPresence: Type.Optional(Type.Boolean()),
    dwellMinutes: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1440 }))),
    /** 负责人 the operator's responsible person. */
    responsiblePerson: Type.Optional(Nullable(NameText({ minLength: 1, maxLength: 50 }))),
    /** The operator's contact mobile; stored sealed, answered masked. */
    contactPhone: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 20 }))),
    /** 营业执照/许可证号 the business licence number. */
    licenceNo: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 40, pattern: '^[0-9A-Za-z-]+$' }))),
  },
  { additionalProperties: false },
);
export type VenueCreateBody = Static<typeof VenueCreateBody>;

export const VenueListQuery = Type.Object({
  status: Type.Optional(Literals(VENUE_STATUSES)),
  category: Type.Optional(Type.String({ maxLength: 40 })),
  areaId: Type.Optional(Id),
});
export type VenueListQuery = Static<typeof VenueListQuery>;

export const VenueSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  category: Type.String(),
  categoryName: Zh,
  address: Type.String(),
  areaId: Type.String(),
  areaName: Type.String(),
  capacity: Type.Integer(),
  operatorUserId: Nullable(Type.String()),
  status: Literals(VENUE_STATUSES),
  /** Who registered it; null for venues from before this was kept. Another person approves it. */
  registeredBy: Nullable(Type.String()),
  responsiblePerson: Nullable(Type.String()),
  /** Masked (138****1234); the full number only through POST /venues/:id/contact/reveal (audited). */
  contactPhone: Nullable(Type.String()),
  licenceNo: Nullable(Type.String()),
  approvedBy: Nullable(Type.String()),
  approvedAt: Nullable(Type.Integer()),
  codeVersion: Type.Integer(),
  requiresPresence: Type.Boolean(),
  /** The dwell in force: the venue's own, else its category's default. */
  dwellMinutes: Type.Integer(),
  dwellOverride: Nullable(Type.Integer()),
  createdAt: Type.Integer(),
  updatedAt: Type.Integer(),
});
export type VenueView = Static<typeof VenueSchema>;

export const RevealBody = Type.Object(
  { reason: NoteText({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);
export const VenueContactSchema = Type.Object({ venueId: Type.String(), contactPhone: Nullable(Type.String()) });
export type VenueContactView = Static<typeof VenueContactSchema>;

export const SuspendBody = Type.Object({ reason: Type.Optional(NoteText({ maxLength: 500 })) });

export const VenueCodeSchema = Type.Object({
  venueId: Type.String(),
  url: Type.String(),
  codeVersion: Type.Integer(),
  /** When true the poster alone is not accepted: the live screen code must be scanned. */
  requiresPresence: Type.Boolean(),
});
export type VenueCodeView = Static<typeof VenueCodeSchema>;

export const ScreenCodeSchema = Type.Object({
  venueId: Type.String(),
  url: Type.String(),
  /** Fetch a new one before this time (epoch ms): the code is accepted until then. */
  validUntil: Type.Integer(),
  refreshAfterMs: Type.Integer(),
});
export type ScreenCodeView = Static<typeof ScreenCodeSchema>;

export const OccupancySchema = Type.Object({
  venueId: Type.String(),
  /** The venue's name (as on its poster): the check-in page names the venue before the tap. */
  venueName: Type.String(),
  count: Type.Integer(),
  capacity: Type.Integer(),
  level: Literals(CROWD_LEVELS),
  levelName: Zh,
});
export type OccupancyView = Static<typeof OccupancySchema>;

export const CategorySchema = Type.Object({
  key: Type.String(),
  name: Zh,
  entryPolicy: Type.Object({
    allowedColours: Type.Array(Type.String()),
    testWithinHours: Nullable(Type.Integer()),
    vaccinationRequired: Type.Boolean(),
  }),
  defaultDwellMinutes: Type.Integer(),
});
export const CategoryListSchema = Type.Object({
  version: Type.String(),
  effectiveFrom: Type.String(),
  items: Type.Array(CategorySchema),
});

export const PublicKeySchema = Type.Object({
  algorithm: Type.Literal('Ed25519'),
  publicKeyPem: Type.String(),
  tokenFormat: Type.String(),
  ttlSeconds: Type.Integer(),
});

export const CheckinBody = Type.Object(
  {
    /** The scanned venue code: poster or screen URL (or its path). */
    code: Type.String({ minLength: 1, maxLength: 500 }),
    /** Who enters, exactly one of: a scanned personal code, a typed ID number, a person reference. */
    personalCode: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
    idNumber: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
    idType: Type.Optional(Type.String({ maxLength: 20 })),
    personId: Type.Optional(Id),
    /** Generated by the scanning device; the same (venue, clientId) is stored once. */
    clientId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
    /**
     * When a queued scan was made (epoch ms); codes are verified as of then and the visit starts then.
     * Honoured only with `deviceId` and `scanSig` (a scan from a guard device's queue) and within the
     * queue window; without it a scan is checked as of its arrival.
     */
    scannedAt: Type.Optional(Type.Integer({ minimum: 0 })),
    /** The guard device's queue id (from POST /checkins/queue-key) that queued the scan. */
    deviceId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** HMAC of the scan's content with that device's queue key (venue.codes.ts queuedScanMessage). */
    scanSig: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type CheckinBody = Static<typeof CheckinBody>;

/** A guard device's queue key: the device signs the scans it queues with it (web/src/scanSignature.ts). */
export const QueueKeySchema = Type.Object({
  deviceId: Type.String(),
  /** 32 bytes, base64url; kept on the device with its queue. */
  key: Type.String(),
  issuedAt: Type.Integer(),
  /** Scans made after this time (epoch ms) are not signed with this key: fetch a new one before. */
  validUntil: Type.Integer(),
  /** The queue window (rules/venue-categories.json): a scan arriving later than this is refused. */
  queuedScanMinutes: Type.Integer(),
});
export type QueueKeyView = Static<typeof QueueKeySchema>;

export const ReasonSchema = Type.Object({
  code: Type.String(),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  message: Type.String(),
});

export const VerificationSchema = Type.Object({
  checkinId: Type.String(),
  /** 'exited': this scan closed the person's open visit (a resident's second scan). */
  decision: Type.Union([Type.Literal('admitted'), Type.Literal('refused'), Type.Literal('exited')]),
  colour: Literals(COLOURS),
  maskedName: Type.String(),
  latestTest: Nullable(Type.Object({ sampledAt: Type.Integer(), result: Type.String(), hoursAgo: Type.Integer() })),
  vaccinated: Nullable(Type.Boolean()),
  venueId: Type.String(),
  venueName: Type.String(),
  method: Type.String(),
  reasons: Type.Array(ReasonSchema),
  /** Entry time (epoch ms); for a refused scan, when it was scanned. */
  at: Type.Integer(),
  /** For 'exited': when this scan (or the one it repeats) closed the visit. */
  exitedAt: Type.Optional(Nullable(Type.Integer())),
  /**
   * True when this answers a repeat: a resubmission of a stored scan, or the same person scanning again
   * within a minute (the previous answer is given again, nothing is stored).
   */
  duplicate: Type.Boolean(),
});
export type VerificationView = Static<typeof VerificationSchema>;

export const ExitSchema = Type.Object({
  checkinId: Type.String(),
  venueId: Type.String(),
  enteredAt: Type.Integer(),
  exitedAt: Type.Integer(),
  exitKind: Type.String(),
});
export type ExitView = Static<typeof ExitSchema>;
