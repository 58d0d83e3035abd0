// Volunteers over HTTP: the public sign-up (rate-limited, no account), vetting and matching by the
// coordinator, needs posted by units, and the volunteer's own page.
import rateLimit from '@fastify/rate-limit';
import { Type } from '@sinclair/typebox';
import type { AccessRouteOptions } from '../access/access.routes.ts';
import { actorOf, guard } from '../access/auth.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import { rateLimitOptions } from '../platform/ratelimit.ts';
import type { Services } from '../services.ts';
import {
  BookingSchema,
  ConfirmBody,
  ConfirmResult,
  DeclineBody,
  DeclineResult,
  IdParams,
  MyPageSchema,
  NeedBody,
  NeedDetailSchema,
  NeedListQuery,
  NeedSchema,
  ProposalSchema,
  ProposeBody,
  SignupBody,
  SignupFormSchema,
  SignupResult,
  VetBody,
  VetResult,
  VolunteerListQuery,
  VolunteerRulesSchema,
  VolunteerSchema,
} from './volunteers.schema.ts';
import * as volunteers from './volunteers.service.ts';

const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  429: ProblemSchema,
};
const tags = ['volunteers'];
const DEFAULT_SIGNUP_LIMIT = { max: 10, timeWindowMs: 60_000 };

export async function volunteerRoutes(app: App, s: Services, options: AccessRouteOptions = {}): Promise<void> {
  const limit = options.loginRateLimit ?? DEFAULT_SIGNUP_LIMIT;
  await app.register(rateLimit, rateLimitOptions(s, options.rateLimitRedis));
  const anonymous = { rateLimit: { max: limit.max, timeWindow: limit.timeWindowMs }, csrfExempt: true };

  app.get(
    '/volunteers/signup/form',
    { schema: { tags, security: [], response: { 200: SignupFormSchema, ...problems } } },
    async () => volunteers.signupForm(s),
  );

  app.post(
    '/volunteers/signup',
    {
      config: anonymous,
      schema: { tags, security: [], body: SignupBody, response: { 201: SignupResult, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return volunteers.signup(s, request.body);
    },
  );

  app.get(
    '/volunteers/rules',
    { preHandler: guard(), schema: { tags, response: { 200: VolunteerRulesSchema, ...problems } } },
    async (request) => volunteers.volunteerRules(s, actorOf(request)),
  );

  app.get(
    '/volunteers',
    {
      preHandler: guard('volunteer.manage'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, VolunteerListQuery]),
        response: { 200: PageOf(VolunteerSchema), ...problems },
      },
    },
    async (request) => volunteers.listVolunteers(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/volunteers/me',
    { preHandler: guard('volunteer.self'), schema: { tags, response: { 200: MyPageSchema, ...problems } } },
    async (request) => volunteers.myPage(s, actorOf(request)),
  );

  app.post(
    '/volunteers/me/tasks/:id/accept',
    {
      preHandler: guard('volunteer.self'),
      schema: { tags, params: IdParams, response: { 200: BookingSchema, ...problems } },
    },
    async (request) => volunteers.acceptTask(s, actorOf(request), request.params.id),
  );

  app.post(
    '/volunteers/me/tasks/:id/decline',
    {
      preHandler: guard('volunteer.self'),
      schema: { tags, params: IdParams, body: DeclineBody, response: { 200: DeclineResult, ...problems } },
    },
    async (request) => volunteers.declineTask(s, actorOf(request), request.params.id, request.body.reason),
  );

  app.get(
    '/volunteers/needs',
    {
      preHandler: guard('volunteer.post'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, NeedListQuery]),
        response: { 200: PageOf(NeedSchema), ...problems },
      },
    },
    async (request) => volunteers.listNeeds(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/volunteers/needs',
    {
      preHandler: guard('volunteer.post'),
      schema: { tags, body: NeedBody, response: { 201: Type.Array(NeedSchema), ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return volunteers.createNeeds(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/volunteers/needs/:id',
    {
      preHandler: guard('volunteer.post'),
      schema: { tags, params: IdParams, response: { 200: NeedDetailSchema, ...problems } },
    },
    async (request) => volunteers.getNeed(s, actorOf(request), request.params.id),
  );

  app.post(
    '/volunteers/match/propose',
    {
      preHandler: guard('volunteer.manage'),
      schema: { tags, body: ProposeBody, response: { 200: ProposalSchema, ...problems } },
    },
    async (request) => volunteers.propose(s, actorOf(request), request.body),
  );

  app.post(
    '/volunteers/match/confirm',
    {
      preHandler: guard('volunteer.manage'),
      schema: { tags, body: ConfirmBody, response: { 200: ConfirmResult, ...problems } },
    },
    async (request) => volunteers.confirm(s, actorOf(request), request.body),
  );

  app.get(
    '/volunteers/:id',
    {
      preHandler: guard('volunteer.manage'),
      schema: { tags, params: IdParams, response: { 200: VolunteerSchema, ...problems } },
    },
    async (request) => volunteers.getVolunteer(s, actorOf(request), request.params.id),
  );

  app.post(
    '/volunteers/:id/vet',
    {
      preHandler: guard('volunteer.manage'),
      schema: { tags, params: IdParams, body: VetBody, response: { 200: VetResult, ...problems } },
    },
    async (request) => volunteers.vetVolunteer(s, actorOf(request), request.params.id, request.body),
  );
}
