// Health codes over HTTP: a person's colour with reasons, end conditions, latest test and history;
// the resident's own colour and appeals; two-person manual changes; the appeals queue; command-centre
// approvals of recolouring held by the circuit breaker; recompute.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, auditActor, guard } from '../access/auth.ts';
import {
  AppealAnswerBody,
  AppealBody,
  AppealSchema,
  ApprovalSchema,
  DecisionBody,
  HealthViewSchema,
  IdParams,
  OverrideBody,
  OverrideSchema,
  PersonParams,
  RecomputeBody,
  RecomputeResult,
  StatusQuery,
} from './health.schema.ts';
import * as health from './health.service.ts';

const problems = { 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

export async function healthRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/persons/:id/health',
    {
      preHandler: guard('health.read'),
      schema: { tags: ['health'], params: PersonParams, response: { 200: HealthViewSchema, ...problems } },
    },
    async (request) => health.personHealth(s, actorOf(request), request.params.id),
  );

  app.get(
    '/me/health',
    {
      preHandler: guard(),
      schema: { tags: ['health'], response: { 200: HealthViewSchema, ...problems } },
    },
    async (request) => health.myHealth(s, actorOf(request)),
  );

  app.get(
    '/me/appeals',
    {
      preHandler: guard(),
      schema: { tags: ['health'], response: { 200: Type.Object({ items: Type.Array(AppealSchema) }), ...problems } },
    },
    async (request) => ({ items: await health.myAppeals(s, actorOf(request)) }),
  );

  app.post(
    '/me/appeals',
    {
      preHandler: guard(),
      schema: { tags: ['health'], body: AppealBody, response: { 201: AppealSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return health.fileAppeal(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/health/appeals',
    {
      preHandler: guard('appeal.review'),
      schema: {
        tags: ['health'],
        querystring: StatusQuery,
        response: { 200: Type.Object({ items: Type.Array(AppealSchema) }), ...problems },
      },
    },
    async (request) => ({
      items: await health.listAppeals(s, actorOf(request), request.query.status, request.query.limit),
    }),
  );

  app.post(
    '/health/appeals/:id/answer',
    {
      preHandler: guard('appeal.review'),
      schema: {
        tags: ['health'],
        params: IdParams,
        body: AppealAnswerBody,
        response: { 200: AppealSchema, ...problems },
      },
    },
    async (request) => health.answerAppeal(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/health/overrides',
    {
      preHandler: guard(),
      schema: {
        tags: ['health'],
        querystring: StatusQuery,
        response: { 200: Type.Object({ items: Type.Array(OverrideSchema) }), ...problems },
      },
    },
    async (request) => ({
      items: await health.listOverrides(s, actorOf(request), request.query.status, request.query.limit),
    }),
  );

  app.post(
    '/health/overrides',
    {
      preHandler: guard('health.override'),
      schema: { tags: ['health'], body: OverrideBody, response: { 201: OverrideSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return health.requestOverride(s, actorOf(request), request.body);
    },
  );

  app.post(
    '/health/overrides/:id/decision',
    {
      preHandler: guard('health.approve'),
      schema: {
        tags: ['health'],
        params: IdParams,
        body: DecisionBody,
        response: { 200: OverrideSchema, ...problems },
      },
    },
    async (request) => health.decideOverride(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/health/approvals',
    {
      preHandler: guard('recolour.approve'),
      schema: {
        tags: ['health'],
        querystring: StatusQuery,
        response: { 200: Type.Object({ items: Type.Array(ApprovalSchema) }), ...problems },
      },
    },
    async (request) => ({
      items: await health.listApprovals(s, actorOf(request), request.query.status, request.query.limit),
    }),
  );

  app.post(
    '/health/approvals/:id/decision',
    {
      preHandler: guard('recolour.approve'),
      schema: {
        tags: ['health'],
        params: IdParams,
        body: DecisionBody,
        response: { 200: ApprovalSchema, ...problems },
      },
    },
    async (request) => health.decideApproval(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/health/recompute',
    {
      preHandler: guard('health.recompute'),
      schema: { tags: ['health'], body: RecomputeBody, response: { 200: RecomputeResult, ...problems } },
    },
    async (request) => health.recompute(s, auditActor(actorOf(request)), request.body),
  );
}
