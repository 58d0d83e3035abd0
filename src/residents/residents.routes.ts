// Resident registration (code by SMS, then the code), door registration by a community worker, the
// resident's page data, personal codes and self check-in over HTTP.
import rateLimit from '@fastify/rate-limit';
import { rateLimitOptions } from '../platform/ratelimit.ts';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { langFrom } from '../platform/errors.ts';
import type { AccessRouteOptions } from '../access/access.routes.ts';
import { SESSION_COOKIE } from '../access/session.ts';
import { RESIDENT_SESSION_TTL_MS } from './residents.rules.ts';
import {
  ChallengeSchema,
  DoorAccountBody,
  DoorAccountResult,
  DoorCodeBody,
  MyPersonSchema,
  MyScanQuery,
  MyScanSchema,
  PersonalCodeQuery,
  PersonalCodeSchema,
  PersonIdParams,
  RegisterResult,
  RegisterStartBody,
  RegisterVerifyBody,
  SelfCheckinBody,
  SelfCheckinResult,
} from './residents.schema.ts';
import * as residents from './residents.service.ts';

const DEFAULT_RATE_LIMIT = { max: 20, timeWindowMs: 60_000 };

export async function residentRoutes(app: App, s: Services, options: AccessRouteOptions = {}): Promise<void> {
  // Registration is limited like sign-in (and its codes per person, phone and address in the service).
  const limit = options.loginRateLimit ?? DEFAULT_RATE_LIMIT;
  await app.register(rateLimit, rateLimitOptions(s, options.rateLimitRedis));

  const anonymous = { rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs }, csrfExempt: true };
  const problems = {
    400: ProblemSchema,
    403: ProblemSchema,
    404: ProblemSchema,
    409: ProblemSchema,
    429: ProblemSchema,
    503: ProblemSchema,
  };

  // Step one: a one-time code to the registry's phone when the details match; the same answer when not.
  app.post(
    '/residents/register/start',
    {
      config: anonymous,
      schema: {
        tags: ['residents'],
        security: [],
        body: RegisterStartBody,
        response: { 202: ChallengeSchema, ...problems },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return residents.startRegistration(s, { ...request.body, ip: request.ip });
    },
  );

  // Step two: the code and a password create the account and sign the phone in.
  app.post(
    '/residents/register/verify',
    {
      config: anonymous,
      schema: {
        tags: ['residents'],
        security: [],
        body: RegisterVerifyBody,
        response: { 201: RegisterResult, ...problems },
      },
    },
    async (request, reply) => {
      const registered = await residents.completeRegistration(s, {
        ...request.body,
        ip: request.ip,
        previousSessionToken: request.cookies[SESSION_COOKIE],
      });
      reply.setCookie(SESSION_COOKIE, registered.session.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: s.config.secureCookies,
        maxAge: Math.floor(RESIDENT_SESSION_TTL_MS / 1000),
      });
      reply.status(201);
      return { user: registered.user, csrfToken: registered.session.csrfToken, permissions: registered.permissions };
    },
  );

  // At the door: a community worker sends a code to the resident's phone, then creates or re-binds the account.
  app.post(
    '/persons/:id/resident-account/code',
    {
      preHandler: guard('registry.write'),
      schema: {
        tags: ['residents'],
        params: PersonIdParams,
        body: DoorCodeBody,
        response: { 202: ChallengeSchema, ...problems },
      },
    },
    async (request, reply) => {
      reply.status(202);
      return residents.startDoorCode(s, actorOf(request), request.params.id, request.body, request.ip);
    },
  );

  app.post(
    '/persons/:id/resident-account',
    {
      preHandler: guard('registry.write'),
      schema: {
        tags: ['residents'],
        params: PersonIdParams,
        body: DoorAccountBody,
        response: { 200: DoorAccountResult, ...problems },
      },
    },
    async (request) => residents.completeDoorAccount(s, actorOf(request), request.params.id, request.body, request.ip),
  );

  app.get(
    '/me/person',
    {
      preHandler: guard(),
      schema: { tags: ['residents'], response: { 200: MyPersonSchema, 403: ProblemSchema } },
    },
    async (request) => residents.myPerson(s, actorOf(request)),
  );

  // The check-in page before the tap: the venue's name and whether this scan enters or checks out.
  app.get(
    '/me/scan',
    {
      preHandler: guard(),
      schema: { tags: ['residents'], querystring: MyScanQuery, response: { 200: MyScanSchema, 403: ProblemSchema } },
    },
    async (request) => residents.myScan(s, actorOf(request), request.query.code),
  );

  app.get(
    '/me/personal-code',
    {
      preHandler: guard(),
      schema: {
        tags: ['residents'],
        querystring: PersonalCodeQuery,
        response: { 200: PersonalCodeSchema, 403: ProblemSchema },
      },
    },
    async (request) => residents.personalCode(s, actorOf(request), request.query.personId),
  );

  app.post(
    '/checkins/self',
    {
      preHandler: guard(),
      schema: { tags: ['checkins'], body: SelfCheckinBody, response: { 200: SelfCheckinResult, 403: ProblemSchema } },
    },
    async (request) => ({
      results: await residents.selfCheckIn(
        s,
        actorOf(request),
        request.body,
        langFrom(request.headers['accept-language']),
      ),
    }),
  );
}
