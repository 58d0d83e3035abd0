// Sign-in, sign-out, the current user, users and API tokens: thin handlers over access.service.
import rateLimit from '@fastify/rate-limit';
import { rateLimitOptions } from '../platform/ratelimit.ts';
import { Type } from '@sinclair/typebox';
import type { Redis } from 'ioredis';
import type { FastifyReply } from 'fastify';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, auditActor, guard } from './auth.ts';
import { AppError } from '../platform/errors.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import {
  IdParams,
  LoginBody,
  PasswordChangeBody,
  LoginResult,
  MeResult,
  SessionResult,
  PasswordResetBody,
  PasswordResetResult,
  TokenCreateBody,
  TokenCreateResult,
  TokenViewSchema,
  MeSchema,
  UserCreateBody,
  UserCreateResult,
  UserListQuery,
  UserPatchBody,
  UserViewSchema,
} from './access.schema.ts';
import * as access from './access.service.ts';
import { resolveSession, SESSION_COOKIE } from './session.ts';

export interface AccessRouteOptions {
  /** Sign-in attempts allowed per client address and window (default 20 per minute). */
  loginRateLimit?: { max: number; timeWindowMs: number };
  /** The rate limits' Redis (platform/ratelimit.ts) when the deployment has one: counted across processes. */
  rateLimitRedis?: Redis;
}

const DEFAULT_LOGIN_RATE_LIMIT = { max: 20, timeWindowMs: 60_000 };

export async function accessRoutes(app: App, s: Services, options: AccessRouteOptions = {}): Promise<void> {
  const loginLimit = options.loginRateLimit ?? DEFAULT_LOGIN_RATE_LIMIT;
  await app.register(rateLimit, rateLimitOptions(s, options.rateLimitRedis));

  const setSessionCookie = (reply: FastifyReply, token: string) => {
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      path: '/',
      secure: s.config.secureCookies,
      maxAge: Math.floor(s.config.sessionTtlMs / 1000),
    });
  };

  // ---- sign-in -------------------------------------------------------------------------------

  app.post(
    '/auth/login',
    {
      config: {
        rateLimit: { max: loginLimit.max, timeWindow: loginLimit.timeWindowMs },
        // Nothing here acts on an existing session, so a stale page can always sign in again.
        csrfExempt: true,
      },
      schema: {
        tags: ['access'],
        security: [],
        body: LoginBody,
        response: { 200: LoginResult, 401: ProblemSchema, 423: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      const signedIn = await access.login(s, {
        username: request.body.username,
        password: request.body.password,
        ip: request.ip,
        previousSessionToken: request.cookies[SESSION_COOKIE],
      });
      setSessionCookie(reply, signedIn.session.token);
      return { user: signedIn.user, csrfToken: signedIn.session.csrfToken, permissions: signedIn.permissions };
    },
  );

  // Public: ends the session behind the cookie if there is one, and clears the cookie either way.
  app.post(
    '/auth/logout',
    {
      config: { beforePasswordChange: true },
      schema: { tags: ['access'], security: [], response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await access.logout(s, request.actor ? auditActor(request.actor) : null, token);
      reply.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: s.config.secureCookies,
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/auth/me',
    {
      config: { beforePasswordChange: true },
      preHandler: guard(),
      schema: { tags: ['access'], response: { 200: MeResult, 401: ProblemSchema } },
    },
    async (request) => {
      const actor = actorOf(request);
      const { user, permissions } = await access.me(s, actor.userId);
      let csrfToken: string | null = null;
      const token = request.cookies[SESSION_COOKIE];
      if (actor.via === 'session' && token) csrfToken = (await resolveSession(s, token))?.csrfToken ?? null;
      return { user, csrfToken, permissions };
    },
  );

  // One's own password; the one thing an account whose password an administrator set may do.
  app.post(
    '/auth/password',
    {
      config: { beforePasswordChange: true },
      preHandler: guard(),
      schema: { tags: ['access'], body: PasswordChangeBody, response: { 200: MeSchema } },
    },
    async (request) => {
      const actor = actorOf(request);
      return access.changeOwnPassword(
        s,
        auditActor(actor),
        actor.userId,
        request.body.currentPassword,
        request.body.newPassword,
      );
    },
  );

  // The web app's question on every page load: who, if anyone, is signed in. An anonymous visitor is an
  // answer (user null), not a 401, so public pages load without an error in the console.
  app.get(
    '/auth/session',
    {
      config: { beforePasswordChange: true },
      schema: { tags: ['access'], security: [], response: { 200: SessionResult } },
    },
    async (request) => {
      if (!request.actor) return { user: null, csrfToken: null, permissions: [] };
      const actor = actorOf(request);
      const { user, permissions } = await access.me(s, actor.userId);
      let csrfToken: string | null = null;
      const token = request.cookies[SESSION_COOKIE];
      if (actor.via === 'session' && token) csrfToken = (await resolveSession(s, token))?.csrfToken ?? null;
      return { user, csrfToken, permissions };
    },
  );

  // ---- users ---------------------------------------------------------------------------------

  const manage = { preHandler: guard('user.manage') };

  app.get(
    '/users',
    {
      ...manage,
      schema: {
        tags: ['access'],
        querystring: Type.Composite([PageQuery, UserListQuery]),
        response: { 200: PageOf(UserViewSchema) },
      },
    },
    async (request) =>
      access.listUsers(s, actorOf(request).areaPath, { q: request.query.q }, pageParams(request.query)),
  );

  app.post(
    '/users',
    {
      ...manage,
      schema: { tags: ['access'], body: UserCreateBody, response: { 201: UserCreateResult } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      const created = await access.addUser(s, auditActor(actor), request.body, actor.areaPath);
      reply.status(201);
      return { user: created.user, password: request.body.password === undefined ? created.password : null };
    },
  );

  app.patch(
    '/users/:id',
    {
      ...manage,
      schema: { tags: ['access'], params: IdParams, body: UserPatchBody, response: { 200: UserViewSchema } },
    },
    async (request) => {
      const actor = actorOf(request);
      return access.updateUser(s, auditActor(actor), request.params.id, request.body, actor.areaPath);
    },
  );

  app.post(
    '/users/:id/password',
    {
      ...manage,
      // No body at all asks for a generated password.
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: { tags: ['access'], params: IdParams, body: PasswordResetBody, response: { 200: PasswordResetResult } },
    },
    async (request) => {
      const actor = actorOf(request);
      const result = await access.resetPassword(
        s,
        auditActor(actor),
        request.params.id,
        request.body.password,
        actor.areaPath,
      );
      return { password: result.generated ? result.password : null };
    },
  );

  // ---- API tokens (one's own) ----------------------------------------------------------------

  app.get(
    '/tokens',
    {
      preHandler: guard(),
      schema: { tags: ['access'], querystring: PageQuery, response: { 200: PageOf(TokenViewSchema) } },
    },
    async (request) => access.listTokens(s, actorOf(request).userId, pageParams(request.query)),
  );

  app.post(
    '/tokens',
    {
      preHandler: guard(),
      schema: { tags: ['access'], body: TokenCreateBody, response: { 201: TokenCreateResult } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      // A leaked token must not be able to mint fresh ones.
      if (actor.via !== 'session') throw new AppError('TOKEN_NEEDS_SESSION');
      const created = await access.createToken(s, auditActor(actor), actor.userId, request.body);
      reply.status(201);
      return created;
    },
  );

  app.delete(
    '/tokens/:id',
    {
      preHandler: guard(),
      schema: { tags: ['access'], params: IdParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await access.revokeToken(s, auditActor(actor), actor.userId, request.params.id);
      return reply.status(204).send(null);
    },
  );
}
