// Request and response shapes of resident registration, the resident's own page and self check-in, and
// their error codes. Responses carry person references and names a resident may see of their own
// household, never an ID number or phone.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { IsoTime } from '../platform/http.ts';
import { LoginResult } from '../access/access.schema.ts';
import { VerificationSchema } from '../venues/venue.schema.ts';

export const ResidentErrors = defineErrors({
  RESIDENT_NOT_IN_REGISTRY: {
    status: 404,
    zh: '户籍登记中没有与该姓名和证件号相符的人员,请联系社区登记',
    en: 'No registered person matches this name and ID number; ask your community to register you',
  },
  RESIDENT_ALREADY_REGISTERED: {
    status: 409,
    zh: '该人员已注册居民账号,请直接登录',
    en: 'This person already has a resident account; sign in instead',
  },
  RESIDENT_NOT_LINKED: {
    status: 403,
    zh: '当前账号不是居民账号',
    en: 'This account is not a resident account',
  },
  DEPENDANT_NOT_ALLOWED: {
    status: 403,
    zh: '只能为本户的未成年人、老人或无智能手机的家庭成员代为扫码',
    en: 'You may check in only children, elderly people or members without a smartphone of your own household',
  },
});

export const RegisterBody = Type.Object({
  /** Mainland mobile number; becomes the username. */
  phone: Type.String({ minLength: 1, maxLength: 20 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
  /** As registered, e.g. 张建国. */
  name: Type.String({ minLength: 1, maxLength: 50 }),
  idNumber: Type.String({ minLength: 1, maxLength: 40 }),
  /** resident_id (default) or passport / other, as in the registry. */
  idType: Type.Optional(Type.String({ maxLength: 20 })),
}, { additionalProperties: false });
export type RegisterBody = Static<typeof RegisterBody>;

export const RegisterResult = LoginResult;

export const DependantSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  relation: Type.String(),
  age: Type.Union([Type.Integer(), Type.Null()]),
});
export type DependantView = Static<typeof DependantSchema>;

export const MyPersonSchema = Type.Object({
  person: Type.Object({ id: Type.String(), name: Type.String(), maskedName: Type.String() }),
  dependants: Type.Array(DependantSchema),
});
export type MyPersonView = Static<typeof MyPersonSchema>;

export const PersonalCodeQuery = Type.Object({ personId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) });

export const PersonalCodeSchema = Type.Object({
  /** The QR text: a signed personal code (亮码), valid for a minute. */
  token: Type.String(),
  expiresAt: IsoTime,
  personId: Type.String(),
  /** The colour and latest test signed into the code (健康码). */
  colour: Type.Union([Type.Literal('green'), Type.Literal('yellow'), Type.Literal('red')]),
  latestTest: Type.Union([Type.Object({ sampledAt: IsoTime, result: Type.Union([Type.Literal('negative'), Type.Literal('positive')]) }), Type.Null()]),
});
export type PersonalCodeView = Static<typeof PersonalCodeSchema>;

export const SelfCheckinBody = Type.Object({
  code: Type.String({ minLength: 1, maxLength: 500 }),
  /** Who enters: the resident (their own person id) and/or dependants; the resident alone when absent. */
  personIds: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 10, uniqueItems: true })),
  clientId: Type.Optional(Type.String({ minLength: 8, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$' })),
}, { additionalProperties: false });
export type SelfCheckinBody = Static<typeof SelfCheckinBody>;

export const SelfCheckinResult = Type.Object({ results: Type.Array(VerificationSchema) });
