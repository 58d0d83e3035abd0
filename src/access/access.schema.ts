// Request and response shapes of sign-in, users and API tokens, and the access error codes.
// Response schemas are the whitelist: a password hash or token hash has no field here.
import { Type, type Static } from '@sinclair/typebox';
import { defineErrors } from '../platform/errors.ts';
import { IsoTime, Literals, NullableIsoTime, NameText } from '../platform/http.ts';
import { PERMISSIONS, ROLES } from './access.rules.ts';

export const AccessErrors = defineErrors({
  LOGIN_FAILED: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_LOCKED: {
    status: 423,
    zh: '登录失败次数过多，账号已锁定至 {lockedUntil}',
    en: 'Too many failed sign-ins; the account is locked until {lockedUntil}',
  },
  USERNAME_INVALID: {
    status: 400,
    zh: '用户名应为 3–32 位小写字母、数字或 _ . -',
    en: 'Username must be 3–32 lower-case letters, digits, "_", "." or "-"',
  },
  USERNAME_TAKEN: { status: 409, zh: '用户名 {username} 已被使用', en: 'The username {username} is taken' },
  PASSWORD_WEAK: { status: 400, zh: '密码至少需要 {min} 个字符', en: 'The password needs at least {min} characters' },
  PASSWORD_GUESSABLE: {
    status: 400,
    zh: '密码太容易被猜到（{reasonZh}），请换一个更长、更少见的密码',
    en: 'The password is too easy to guess ({reasonEn}); choose a longer, less common one',
  },
  ROLE_INVALID: { status: 400, zh: '未知的角色：{role}', en: 'Unknown role: {role}' },
  USER_AREA_REQUIRED: { status: 400, zh: '请指定用户的管辖区域', en: 'Give the user’s area' },
  USER_NOT_FOUND: { status: 404, zh: '找不到该用户', en: 'User not found' },
  OWN_ACCESS_CHANGE: {
    status: 400,
    zh: '不能停用自己，也不能修改自己的角色或管辖区域',
    en: 'You cannot disable yourself or change your own role or area',
  },
  PASSWORD_CHANGE_REQUIRED: {
    status: 403,
    zh: '管理员已重置您的密码，请先设置新密码',
    en: 'An administrator reset your password; choose a new one first',
  },
  PASSWORD_CURRENT_WRONG: { status: 400, zh: '当前密码不正确', en: 'The current password is wrong' },
  PASSWORD_UNCHANGED: {
    status: 400,
    zh: '新密码不能与当前密码相同',
    en: 'The new password must differ from the current one',
  },
  TOKEN_NAME_REQUIRED: {
    status: 400,
    zh: '请为令牌命名（最多 100 字）',
    en: 'Give the token a name (100 characters at most)',
  },
  TOKEN_NOT_FOUND: { status: 404, zh: '找不到该令牌', en: 'API token not found' },
  TOKEN_NEEDS_SESSION: {
    status: 403,
    zh: 'API 令牌只能在登录会话中创建',
    en: 'API tokens can only be created from a signed-in session',
  },
});

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** The signed-in user as the web app sees it. */
export const MeSchema = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Literals(ROLES),
  areaId: Type.String(),
  areaCode: Type.String(),
  areaName: Type.String(),
  areaPath: Type.String(),
  /** An administrator set the password: the user must choose a new one before anything else. */
  mustChangePassword: Type.Boolean(),
});
export type Me = Static<typeof MeSchema>;

/** A user as administrators see it. */
export const UserViewSchema = Type.Composite([
  MeSchema,
  Type.Object({
    disabled: Type.Boolean(),
    failedLogins: Type.Integer(),
    /** While the account is locked, else null. */
    lockedUntil: NullableIsoTime,
    createdAt: IsoTime,
    updatedAt: IsoTime,
  }),
]);
export type UserView = Static<typeof UserViewSchema>;

export const LoginBody = Type.Object({
  username: Type.String({ minLength: 1, maxLength: 64 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});

export const LoginResult = Type.Object({
  user: MeSchema,
  csrfToken: Type.String(),
  permissions: Type.Array(Literals(PERMISSIONS)),
});

export const MeResult = Type.Object({
  user: MeSchema,
  csrfToken: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Literals(PERMISSIONS)),
});

/** GET /auth/session: the same as /auth/me, with user null for an anonymous visitor. */
export const SessionResult = Type.Object({
  user: Type.Union([MeSchema, Type.Null()]),
  csrfToken: Type.Union([Type.String(), Type.Null()]),
  permissions: Type.Array(Literals(PERMISSIONS)),
});

const PasswordField = Type.String({ minLength: 1, maxLength: 1024 });
const AreaRef = {
  areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  areaCode: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
};

export const UserCreateBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    displayName: Type.Optional(NameText({ maxLength: 100 })),
    role: Type.String({ minLength: 1, maxLength: 64 }),
    ...AreaRef,
    password: Type.Optional(PasswordField),
  },
  { additionalProperties: false },
);

export const UserCreateResult = Type.Object({
  user: UserViewSchema,
  /** The generated password, shown once; null when the administrator chose it. */
  password: Type.Union([Type.String(), Type.Null()]),
});

export const UserPatchBody = Type.Object(
  {
    displayName: Type.Optional(NameText({ minLength: 1, maxLength: 100 })),
    role: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    ...AreaRef,
    disabled: Type.Optional(Type.Boolean()),
    unlock: Type.Optional(Type.Literal(true)),
  },
  { additionalProperties: false },
);

export const UserListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 64 })),
});

export const PasswordResetBody = Type.Object(
  { password: Type.Optional(PasswordField) },
  { additionalProperties: false },
);
export const PasswordResetResult = Type.Object({
  /** The generated password, shown once; null when the administrator chose it. */
  password: Type.Union([Type.String(), Type.Null()]),
});

export const PasswordChangeBody = Type.Object(
  {
    currentPassword: PasswordField,
    newPassword: PasswordField,
  },
  { additionalProperties: false },
);

export const TokenCreateBody = Type.Object(
  {
    name: NameText({ minLength: 1, maxLength: 100 }),
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export const TokenCreateResult = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The secret, shown only in this response. */
  token: Type.String(),
  expiresAt: NullableIsoTime,
});

export const TokenViewSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  createdAt: IsoTime,
  expiresAt: NullableIsoTime,
  lastUsedAt: NullableIsoTime,
  revokedAt: NullableIsoTime,
});
export type TokenView = Static<typeof TokenViewSchema>;
