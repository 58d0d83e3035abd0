// Request and response shapes of resident registration (two steps: a code sent by SMS, then the code),
// door registration by a community worker, the resident's own page and self check-in, and their error
// codes. Responses carry person references and names a resident may see of their own household, never
// an ID number or a full phone.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { IsoTime, NameText } from '../platform/http.ts';
import { LoginResult } from '../access/access.schema.ts';
import { VerificationSchema } from '../venues/venue.schema.ts';

export const ResidentErrors = defineErrors({
  RESIDENT_NOT_IN_REGISTRY: {
    status: 404,
    zh: '户籍登记中没有与该姓名和证件号相符的人员，请联系社区登记',
    en: 'No registered person matches this name and ID number; ask your community to register you',
  },
  RESIDENT_ALREADY_REGISTERED: {
    status: 409,
    zh: '该人员已注册居民账号，请直接登录',
    en: 'This person already has a resident account; sign in instead',
  },
  RESIDENT_NOT_LINKED: {
    status: 403,
    zh: '当前账号不是居民账号',
    en: 'This account is not a resident account',
  },
  RESIDENT_CODE_INVALID: {
    status: 400,
    zh: '验证码不正确或已失效，请重新获取',
    en: 'The code is wrong or no longer valid; ask for a new one',
  },
  RESIDENT_CODE_EXPIRED: {
    status: 400,
    zh: '验证码已过期，请重新获取',
    en: 'The code has expired; ask for a new one',
  },
  RESIDENT_CODE_ATTEMPTS: {
    status: 429,
    zh: '验证码错误次数过多，请重新获取',
    en: 'Too many wrong codes; ask for a new one',
  },
  RESIDENT_CODE_LIMIT: {
    status: 429,
    zh: '验证码发送过于频繁，请一小时后再试或请社区工作人员上门登记',
    en: 'Too many codes were sent; try again in an hour or ask a community worker to register you at the door',
  },
  RESIDENT_PHONE_TAKEN: {
    status: 409,
    zh: '该手机号已绑定其他居民账号',
    en: 'This phone number is bound to another resident account',
  },
  DEPENDANT_NOT_ALLOWED: {
    status: 403,
    zh: '只能为本户的未成年人、老人或无智能手机的家庭成员代为扫码',
    en: 'You may check in only children, elderly people or members without a smartphone of your own household',
  },
});

/** Step one of registration: who the resident is and the phone the registry holds for them. */
export const RegisterStartBody = Type.Object(
  {
    /** Mainland mobile number; must be the one the registry holds for the person. */
    phone: Type.String({ minLength: 1, maxLength: 20 }),
    /** As registered, e.g. 张建国. */
    name: NameText({ minLength: 1, maxLength: 50 }),
    idNumber: Type.String({ minLength: 1, maxLength: 40 }),
    /** resident_id (default) or passport / other, as in the registry. */
    idType: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type RegisterStartBody = Static<typeof RegisterStartBody>;

/**
 * The same answer whether or not the details matched the registry: a code went to the phone if they
 * did. No code arriving means the registry holds another phone (or none): a community worker registers
 * the resident at the door.
 */
export const ChallengeSchema = Type.Object({
  challengeId: Type.String(),
  expiresAt: IsoTime,
  /** The phone the code went to, masked (138****1234). */
  sentTo: Type.String(),
});
export type ChallengeView = Static<typeof ChallengeSchema>;

/** Step two: the code from the text message and the password for the new account. */
export const RegisterVerifyBody = Type.Object(
  {
    challengeId: Type.String({ minLength: 1, maxLength: 64 }),
    code: Type.String({ minLength: 1, maxLength: 12 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);
export type RegisterVerifyBody = Static<typeof RegisterVerifyBody>;

export const PersonIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** A community worker at the door: the phone the resident holds now. */
export const DoorCodeBody = Type.Object(
  {
    phone: Type.String({ minLength: 1, maxLength: 20 }),
  },
  { additionalProperties: false },
);
export type DoorCodeBody = Static<typeof DoorCodeBody>;

/** The code the resident reads from their phone; a password they choose, or one generated to hand over. */
export const DoorAccountBody = Type.Object(
  {
    challengeId: Type.String({ minLength: 1, maxLength: 64 }),
    code: Type.String({ minLength: 1, maxLength: 12 }),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type DoorAccountBody = Static<typeof DoorAccountBody>;

export const DoorAccountResult = Type.Object({
  userId: Type.String(),
  personId: Type.String(),
  /** True for a new account, false when an existing account was re-bound to the new phone. */
  created: Type.Boolean(),
  /** The phone the account is bound to now, masked. */
  phone: Type.String(),
  /** A generated password to hand over once; null when the resident chose one or kept theirs. */
  password: Type.Union([Type.String(), Type.Null()]),
  /** Sessions of the re-bound account that were ended (its old phone is signed out). */
  sessionsEnded: Type.Integer(),
});
export type DoorAccountView = Static<typeof DoorAccountResult>;

export const RegisterResult = LoginResult;

export const DependantSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  relation: Type.String(),
  age: Type.Union([Type.Integer(), Type.Null()]),
});

export const MyPersonSchema = Type.Object({
  person: Type.Object({ id: Type.String(), name: Type.String(), maskedName: Type.String() }),
  dependants: Type.Array(DependantSchema),
});
export type MyPersonView = Static<typeof MyPersonSchema>;

export const MyScanQuery = Type.Object(
  { code: Type.String({ minLength: 1, maxLength: 500 }) },
  { additionalProperties: false },
);

/** Before the tap: the venue a scanned code names and what the resident's own scan will do there. */
export const MyScanSchema = Type.Object({
  venueId: Type.String(),
  venueName: Type.String(),
  /**
   * enter: a new entry; exit: closes the resident's open visit (扫码离场); repeat-entry / repeat-exit:
   * within a minute of the last scan, which is answered again and nothing is stored.
   */
  next: Type.Union([
    Type.Literal('enter'),
    Type.Literal('exit'),
    Type.Literal('repeat-entry'),
    Type.Literal('repeat-exit'),
  ]),
  /** When the open (or just repeated) visit began (epoch ms); null for a new entry. */
  enteredAt: Type.Union([Type.Integer(), Type.Null()]),
});
export type MyScanView = Static<typeof MyScanSchema>;

export const PersonalCodeQuery = Type.Object({ personId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });

export const PersonalCodeSchema = Type.Object({
  /** The QR text: a signed personal code (亮码), valid for a minute. */
  token: Type.String(),
  expiresAt: IsoTime,
  personId: Type.String(),
  /** The colour and latest test signed into the code (健康码). */
  colour: Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red')]),
  latestTest: Type.Union([
    Type.Object({ sampledAt: IsoTime, result: Type.Union([Type.Literal('negative'), Type.Literal('positive')]) }),
    Type.Null(),
  ]),
});
export type PersonalCodeView = Static<typeof PersonalCodeSchema>;

export const SelfCheckinBody = Type.Object(
  {
    code: Type.String({ minLength: 1, maxLength: 500 }),
    /** Who enters: the resident (their own person id) and/or dependants; the resident alone when absent. */
    personIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 10, uniqueItems: true }),
    ),
    clientId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
  },
  { additionalProperties: false },
);
export type SelfCheckinBody = Static<typeof SelfCheckinBody>;

export const SelfCheckinResult = Type.Object({ results: Type.Array(VerificationSchema) });
