// Rounds over HTTP: the round, its planner and pool-size advisor, its staff, and the live dashboard feed.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, pageParams } from '../platform/pagination.ts';
import { LiveStreams } from '../platform/sse.ts';
import * as svc from './testing.service.ts';
import { problems, tags } from './testing.http.ts';
import {
  IdParams,
  PlanView,
  RoundCreateBody,
  RoundListQuery,
  RoundPatchBody,
  RoundPoolingQuery,
  RoundPoolingView,
  RoundSummary,
  RoundView,
  StaffCandidateQuery,
  StaffCandidateView,
  StaffCreateBody,
  StaffView,
} from './testing.schema.ts';

export function roundRoutes(app: App, s: Services): void {
  app.post(
    '/testing/rounds',
    {
      preHandler: guard('testing.round'),
      schema: { tags, body: RoundCreateBody, response: { 201: RoundView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.createRound(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/testing/rounds',
    {
      preHandler: guard('testing.view'),
      schema: { tags, querystring: RoundListQuery, response: { 200: PageOf(RoundView), ...problems } },
    },
    async (request) => svc.listRounds(s, actorOf(request), request.query.status, pageParams(request.query)),
  );

  app.get(
    '/testing/rounds/:id',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Object({ round: RoundView, summary: RoundSummary }), ...problems },
      },
    },
    async (request) => svc.getRound(s, actorOf(request), request.params.id),
  );

  app.patch(
    '/testing/rounds/:id',
    {
      preHandler: guard('testing.round'),
      schema: { tags, params: IdParams, body: RoundPatchBody, response: { 200: RoundView, ...problems } },
    },
    async (request) => svc.patchRound(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/testing/rounds/:id/close',
    {
      preHandler: guard('testing.round'),
      schema: { tags, params: IdParams, response: { 200: RoundView, ...problems } },
    },
    async (request) => svc.closeRound(s, actorOf(request), request.params.id),
  );

  app.get(
    '/testing/rounds/:id/plan',
    {
      preHandler: guard('testing.view'),
      schema: { tags, params: IdParams, response: { 200: PlanView, ...problems } },
    },
    async (request) => svc.roundPlan(s, actorOf(request), request.params.id),
  );

  app.get(
    '/testing/rounds/:id/pooling',
    {
      preHandler: guard('testing.view'),
      schema: {
        tags,
        params: IdParams,
        querystring: RoundPoolingQuery,
        response: { 200: RoundPoolingView, ...problems },
      },
    },
    async (request) => svc.roundPooling(s, actorOf(request), request.params.id, request.query.prevalence),
  );

  app.post(
    '/testing/rounds/:id/staff',
    {
      preHandler: guard('testing.round'),
      schema: { tags, params: IdParams, body: StaffCreateBody, response: { 201: StaffView, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return svc.addStaff(s, actorOf(request), request.params.id, request.body);
    },
  );

  app.get(
    '/testing/rounds/:id/staff/candidates',
    {
      preHandler: guard('testing.round'),
      schema: {
        tags,
        params: IdParams,
        querystring: StaffCandidateQuery,
        response: { 200: Type.Object({ items: Type.Array(StaffCandidateView) }), ...problems },
      },
    },
    async (request) => svc.staffCandidates(s, actorOf(request), request.params.id, request.query),
  );

  app.get(
    '/testing/rounds/:id/staff',
    {
      preHandler: guard('testing.view'),
      schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(StaffView) }), ...problems } },
    },
    async (request) => svc.listStaff(s, actorOf(request), request.params.id),
  );

  app.delete(
    '/testing/rounds/:id/staff/:staffId',
    {
      preHandler: guard('testing.round'),
      schema: {
        tags,
        params: Type.Object({ id: Type.String(), staffId: Type.String() }),
        response: { 204: Type.Null(), ...problems },
      },
    },
    async (request, reply) => {
      await svc.removeStaff(s, actorOf(request), request.params.id, request.params.staffId);
      reply.status(204);
      return null;
    },
  );

  // Server-sent events for the dashboard: `summary` (throttled to once a second), `pool`, and `bus`
  // ({live}) at the start, on every change of the bus state and as the heartbeat (platform/sse.ts).
  const liveStreams = new LiveStreams(s.events);
  app.addHook('preClose', async () => liveStreams.close());
  app.get(
    '/testing/rounds/:id/live',
    {
      preHandler: guard('testing.view'),
      schema: { tags, params: IdParams, produces: ['text/event-stream'], response: problems },
    },
    async (request, reply) => {
      const actor = actorOf(request);
      await svc.getRound(s, actor, request.params.id);
      const roundId = request.params.id;
      reply.hijack();
      const res = reply.raw;
      let timer: NodeJS.Timeout | null = null;
      let closed = false;
      const sendSummary = async () => {
        timer = null;
        if (closed) return;
        try {
          const summary = await svc.roundSummary(s.db, roundId);
          if (!closed) res.write(`event: summary\ndata: ${JSON.stringify({ roundId, ...summary })}\n\n`);
        } catch {
          /* the next change tries again */
        }
      };
      const off = s.events.subscribe(`testing:${roundId}`, (message) => {
        const m = message as { what?: string; poolId?: string; status?: string };
        if (m.what === 'pool')
          res.write(`event: pool\ndata: ${JSON.stringify({ roundId, poolId: m.poolId, status: m.status })}\n\n`);
        timer ??= setTimeout(() => {
          void sendSummary();
        }, 1000);
      });
      liveStreams.open(res, () => {
        closed = true;
        off();
        if (timer) clearTimeout(timer);
      });
    },
  );
}
