// Risk areas over HTTP: the public list (no sign-in), and the command centre's list, tree, detail with
// history, designation, lifting and an on-demand run of the rule set's downgrades.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, assertCan, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import {
  ChangeResultSchema,
  DesignateBody,
  DetailSchema,
  DowngradeRunSchema,
  IdParams,
  LiftBody,
  ListQuery,
  PublicListSchema,
  RiskAreaSchema,
  TreeSchema,
} from './riskareas.schema.ts';
import * as riskAreas from './riskareas.service.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };

export async function riskAreaRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/risk-areas/public',
    {
      schema: { tags: ['risk areas'], security: [], response: { 200: PublicListSchema } },
    },
    async () => riskAreas.publicRiskAreas(s),
  );

  app.get(
    '/risk-areas',
    {
      preHandler: guard('riskarea.manage'),
      schema: {
        tags: ['risk areas'],
        querystring: Type.Composite([PageQuery, ListQuery]),
        response: { 200: PageOf(RiskAreaSchema), ...problems },
      },
    },
    async (request) => riskAreas.listRiskAreas(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/risk-areas/tree',
    {
      preHandler: guard('riskarea.manage'),
      schema: { tags: ['risk areas'], response: { 200: TreeSchema, ...problems } },
    },
    async (request) => riskAreas.riskAreaTree(s, actorOf(request)),
  );

  app.get(
    '/risk-areas/:id',
    {
      preHandler: guard('riskarea.manage'),
      schema: { tags: ['risk areas'], params: IdParams, response: { 200: DetailSchema, ...problems } },
    },
    async (request) => riskAreas.getRiskArea(s, actorOf(request), request.params.id),
  );

  app.post(
    '/risk-areas',
    {
      preHandler: guard('riskarea.manage'),
      schema: {
        tags: ['risk areas'],
        body: DesignateBody,
        response: { 200: ChangeResultSchema, 202: ChangeResultSchema, ...problems },
      },
    },
    async (request, reply) => {
      const result = await riskAreas.designate(s, actorOf(request), request.body);
      reply.status(result.outcome.applied ? 200 : 202);
      return result;
    },
  );

  app.post(
    '/risk-areas/:id/lift',
    {
      preHandler: guard('riskarea.manage'),
      schema: {
        tags: ['risk areas'],
        params: IdParams,
        body: LiftBody,
        response: { 200: ChangeResultSchema, 202: ChangeResultSchema, ...problems },
      },
    },
    async (request, reply) => {
      const result = await riskAreas.lift(s, actorOf(request), request.params.id, request.body);
      reply.status(result.outcome.applied ? 200 : 202);
      return result;
    },
  );

  app.post(
    '/risk-areas/downgrade',
    {
      preHandler: guard('riskarea.manage'),
      schema: { tags: ['risk areas'], response: { 200: DowngradeRunSchema, ...problems } },
    },
    async (request) => {
      const actor = actorOf(request);
      assertCan(actor, 'riskarea.manage');
      // The rules run city-wide whoever asks: only the command centre's root may start them.
      return riskAreas.runRiskAreaRulesAs(s, actor);
    },
  );
}
