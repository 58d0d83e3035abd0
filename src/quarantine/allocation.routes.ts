// Allocation and transport over HTTP: plan a batch, read, adjust, confirm or cancel the plan, its
// vehicles' pick-up lists, and moves between rooms and sites.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import {
  AdjustBody,
  ConfirmBody,
  MoveBody,
  MoveResultSchema,
  PickupListSchema,
  PlanBody,
  PlanParams,
  PlanSchema,
} from './allocation.schema.ts';
import * as allocation from './allocation.service.ts';

const problems = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
  409: ProblemSchema,
  422: ProblemSchema,
};
const tags = ['quarantine allocation'];

export async function allocationRoutes(app: App, s: Services): Promise<void> {
  app.post(
    '/quarantine/allocation/plans',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, body: PlanBody, response: { 201: PlanSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return allocation.planAllocation(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/quarantine/allocation/plans/:planId',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, params: PlanParams, response: { 200: PlanSchema, ...problems } },
    },
    async (request) => allocation.getPlan(s, actorOf(request), request.params.planId),
  );

  app.post(
    '/quarantine/allocation/plans/:planId/adjust',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, params: PlanParams, body: AdjustBody, response: { 200: PlanSchema, ...problems } },
    },
    async (request) => allocation.adjustPlan(s, actorOf(request), request.params.planId, request.body),
  );

  app.post(
    '/quarantine/allocation/plans/:planId/confirm',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, params: PlanParams, body: ConfirmBody, response: { 200: PlanSchema, ...problems } },
    },
    async (request) => allocation.confirmPlan(s, actorOf(request), request.params.planId, request.body),
  );

  app.post(
    '/quarantine/allocation/plans/:planId/cancel',
    {
      preHandler: guard('quarantine.allocate'),
      schema: {
        tags,
        params: PlanParams,
        response: { 200: Type.Object({ dropped: Type.Integer() }), ...problems },
      },
    },
    async (request) => allocation.cancelPlan(s, actorOf(request), request.params.planId),
  );

  app.get(
    '/quarantine/allocation/plans/:planId/pickups',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, params: PlanParams, response: { 200: PickupListSchema, ...problems } },
    },
    async (request) => allocation.pickupList(s, actorOf(request), request.params.planId),
  );

  app.post(
    '/quarantine/allocation/moves',
    {
      preHandler: guard('quarantine.allocate'),
      schema: { tags, body: MoveBody, response: { 200: MoveResultSchema, ...problems } },
    },
    async (request) => allocation.moveOrder(s, actorOf(request), request.body),
  );
}
