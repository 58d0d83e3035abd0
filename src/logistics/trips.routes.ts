// Trip pre-registrations, checkpoints and transfer stations over HTTP: report and review trips, the
// stations' arrival lists; a checkpoint's lookup, check, offline sync, officer queue and hourly
// counts; a station's board, arrivals, stamped steps and the printable hand-over slip.
import { Type } from '@sinclair/typebox';
import { actorOf, guard } from '../access/auth.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema, sendDownload } from '../platform/http.ts';
import { langFrom } from '../platform/errors.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import * as checkpoints from './checkpoints.service.ts';
import {
  CheckBody,
  CheckListQuery,
  CheckpointBody,
  CheckpointSchema,
  CheckSchema,
  CountsQuery,
  CountsSchema,
  LookupBody,
  LookupSchema,
  ResolveBody,
  SyncBody,
  SyncResultSchema,
} from './checkpoints.schema.ts';
import { IdParams } from './enterprises.schema.ts';
import { renderSlipPdf, slipFileName } from './station.slip.ts';
import { ArriveBody, BoardSchema, StationBody, StationSchema, StepBody, VisitSchema } from './stations.schema.ts';
import * as stations from './stations.service.ts';
import {
  ArrivalListSchema,
  ArrivalQuery,
  TripBody,
  TripDecisionBody,
  TripListQuery,
  TripReasonBody,
  TripSchema,
} from './trips.schema.ts';
import * as trips from './trips.service.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['logistics'];
const AreaQuery = Type.Object({ areaId: Type.Optional(Type.String({ maxLength: 64 })) });

export async function tripRoutes(app: App, s: Services): Promise<void> {
  // ---- trips ----
  app.get(
    '/logistics/trips',
    {
      preHandler: guard('logistics.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, TripListQuery]),
        response: { 200: PageOf(TripSchema), ...problems },
      },
    },
    async (request) => trips.listTrips(s, actorOf(request), request.query, pageParams(request.query)),
  );
  app.post(
    '/logistics/trips',
    {
      preHandler: guard('logistics.enterprise'),
      schema: { tags, body: TripBody, response: { 201: TripSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return trips.reportTrip(s, actorOf(request), request.body);
    },
  );
  app.get(
    '/logistics/trips/:id',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, response: { 200: TripSchema, ...problems } },
    },
    async (request) => trips.getTrip(s, actorOf(request), request.params.id),
  );
  app.post(
    '/logistics/trips/:id/approve',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, params: IdParams, body: TripDecisionBody, response: { 200: TripSchema, ...problems } },
    },
    async (request) => trips.decideTrip(s, actorOf(request), request.params.id, 'approve', request.body.note ?? ''),
  );
  app.post(
    '/logistics/trips/:id/refuse',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, params: IdParams, body: TripReasonBody, response: { 200: TripSchema, ...problems } },
    },
    async (request) => trips.decideTrip(s, actorOf(request), request.params.id, 'refuse', request.body.reason),
  );
  app.post(
    '/logistics/trips/:id/withdraw',
    {
      preHandler: guard('logistics.enterprise'),
      schema: { tags, params: IdParams, response: { 200: TripSchema, ...problems } },
    },
    async (request) => trips.decideTrip(s, actorOf(request), request.params.id, 'withdraw', ''),
  );

  // ---- transfer stations ----
  app.get(
    '/logistics/stations',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, querystring: AreaQuery, response: { 200: Type.Array(StationSchema), ...problems } },
    },
    async (request) => stations.listStations(s, actorOf(request), request.query.areaId),
  );
  app.post(
    '/logistics/stations',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, body: StationBody, response: { 201: StationSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return stations.createStation(s, actorOf(request), request.body);
    },
  );
  app.get(
    '/logistics/stations/:id/board',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, response: { 200: BoardSchema, ...problems } },
    },
    async (request) => stations.stationBoard(s, actorOf(request), request.params.id),
  );
  app.get(
    '/logistics/stations/:id/arrivals',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, querystring: ArrivalQuery, response: { 200: ArrivalListSchema, ...problems } },
    },
    async (request) => trips.arrivalList(s, actorOf(request), request.params.id, request.query),
  );
  app.post(
    '/logistics/stations/:id/visits',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, body: ArriveBody, response: { 201: VisitSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return stations.arrive(s, actorOf(request), request.params.id, request.body);
    },
  );
  app.get(
    '/logistics/visits/:id',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, response: { 200: VisitSchema, ...problems } },
    },
    async (request) => stations.getVisit(s, actorOf(request), request.params.id),
  );
  app.post(
    '/logistics/visits/:id/steps',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, body: StepBody, response: { 200: VisitSchema, ...problems } },
    },
    async (request) => stations.stamp(s, actorOf(request), request.params.id, request.body),
  );
  app.get(
    '/logistics/visits/:id/slip.pdf',
    {
      preHandler: guard('checkpoint.check'),
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...problems },
      },
    },
    async (request, reply) => {
      const { visit, station, steps } = await stations.visitForSlip(s, actorOf(request), request.params.id);
      const body = await renderSlipPdf(visit, station, steps, stations.STEP_WORDS, s.config.timeZone, s.config.cjkFont);
      return sendDownload(reply, { contentType: 'application/pdf', fileName: slipFileName(visit), body });
    },
  );

  // ---- checkpoints ----
  app.get(
    '/logistics/checkpoints',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, querystring: AreaQuery, response: { 200: Type.Array(CheckpointSchema), ...problems } },
    },
    async (request) => checkpoints.listCheckpoints(s, actorOf(request), request.query.areaId),
  );
  app.post(
    '/logistics/checkpoints',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, body: CheckpointBody, response: { 201: CheckpointSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return checkpoints.createCheckpoint(s, actorOf(request), request.body);
    },
  );
  app.post(
    '/logistics/checkpoints/:id/lookup',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, body: LookupBody, response: { 200: LookupSchema, ...problems } },
    },
    async (request) => checkpoints.lookup(s, actorOf(request), request.params.id, request.body),
  );
  app.post(
    '/logistics/checkpoints/:id/checks',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, body: CheckBody, response: { 201: CheckSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return checkpoints.recordCheck(s, actorOf(request), request.params.id, request.body);
    },
  );
  app.post(
    '/logistics/checkpoints/:id/sync',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, body: SyncBody, response: { 200: SyncResultSchema, ...problems } },
    },
    async (request) =>
      checkpoints.syncChecks(
        s,
        actorOf(request),
        request.params.id,
        request.body,
        langFrom(request.headers['accept-language']),
      ),
  );
  app.get(
    '/logistics/checkpoints/:id/counts',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, querystring: CountsQuery, response: { 200: CountsSchema, ...problems } },
    },
    async (request) => checkpoints.checkpointCounts(s, actorOf(request), request.params.id, request.query.date),
  );
  app.get(
    '/logistics/checks',
    {
      preHandler: guard('checkpoint.check'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, CheckListQuery]),
        response: { 200: PageOf(CheckSchema), ...problems },
      },
    },
    async (request) => checkpoints.listChecks(s, actorOf(request), request.query, pageParams(request.query)),
  );
  app.get(
    '/logistics/checks/:id',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, response: { 200: CheckSchema, ...problems } },
    },
    async (request) => checkpoints.getCheck(s, actorOf(request), request.params.id),
  );
  app.post(
    '/logistics/checks/:id/resolve',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, params: IdParams, body: ResolveBody, response: { 200: CheckSchema, ...problems } },
    },
    async (request) => checkpoints.resolveCheck(s, actorOf(request), request.params.id, request.body),
  );
}
