// Resident registration, the resident's page data, personal codes and self check-in over HTTP.
import rateLimit from '@fastify/rate-limit';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../platform/auth.ts';
import { AppError, langFrom } from '../platform/errors.ts';
import type { AccessRouteOptions } from '../access/access.routes.ts';
import { SESSION_COOKIE } from '../access/session.ts';
import { RESIDENT_SESSION_TTL_MS } from './residents.rules.ts';
import {
  MyPersonSchema, PersonalCodeQuery, PersonalCodeSchema, RegisterBody, RegisterResult, SelfCheckinBody, SelfCheckinResult,
} from './residents.schema.ts';
import * as residents from './residents.service.ts';

const DEFAULT_RATE_LIMIT = { max: 20, timeWindowMs: 60_000 };

export async function residentRoutes(app: App, s: Services, options: AccessRouteOptions = {}): Promise<void> {
  // Registration is limited like sign-in: it answers whether a name and ID number are registered.
  const limit = options.loginRateLimit ?? DEFAULT_RATE_LIMIT;
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', {}, { extra: { retryAfterSeconds: Math.ceil(context.ttl / 1000) } }),
  });

  app.post('/residents/register', {
    config: { rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs }, csrfExempt: true },
    schema: {
      tags: ['residents'],
      security: [],
      body: RegisterBody,
      response: { 201: RegisterResult, 400: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 429: ProblemSchema },
    },
  }, async (request, reply) => {
    const registered = await residents.registerResident(s, {
      ...request.body, ip: request.ip, previousSessionToken: request.cookies[SESSION_COOKIE],
    });
    reply.setCookie(SESSION_COOKIE, registered.session.token, {
      httpOnly: true, sameSite: 'strict', path: '/', secure: s.config.secureCookies,
      maxAge: Math.floor(RESIDENT_SESSION_TTL_MS / 1000),
    });
    reply.status(201);
    return { user: registered.user, csrfToken: registered.session.csrfToken, permissions: registered.permissions };
  });

  app.get('/me/person', {
    preHandler: guard(),
    schema: { tags: ['residents'], response: { 200: MyPersonSchema, 403: ProblemSchema } },
  }, async (request) => residents.myPerson(s, actorOf(request)));

  app.get('/me/personal-code', {
    preHandler: guard(),
    schema: { tags: ['residents'], querystring: PersonalCodeQuery, response: { 200: PersonalCodeSchema, 403: ProblemSchema } },
  }, async (request) => residents.personalCode(s, actorOf(request), request.query.personId));

  app.post('/checkins/self', {
    preHandler: guard(),
    schema: { tags: ['checkins'], body: SelfCheckinBody, response: { 200: SelfCheckinResult, 403: ProblemSchema } },
  }, async (request) => ({
    results: await residents.selfCheckIn(s, actorOf(request), request.body, langFrom(request.headers['accept-language'])),
  }));
}
