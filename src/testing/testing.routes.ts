// Testing rounds over HTTP: thin handlers over the testing services (rounds, sites, sampling and the
// offline queue, boxes, lab results, pools, tasks, coverage, door-knocking) and the live dashboard feed.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { acceptUploads, ProblemSchema, NameText } from '../platform/http.ts';
import { actorOf, guard } from '../platform/auth.ts';
import { AppError, langFrom } from '../platform/errors.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import { LiveStreams } from '../platform/sse.ts';
import { formatOf } from '../registry/roster.read.ts';
import * as svc from './testing.service.ts';
import * as boxes from './testing.boxes.ts';
import * as lab from './testing.lab.ts';
import * as pools from './testing.pools.ts';
import * as cov from './testing.coverage.ts';
import {
  AssignmentView, BoxCreateBody, BoxHandoverBody, BoxReceiveBody, BoxTubesBody, BoxView, CoverageView, CustodyEventView, DoorKnockView, IdParams,
  BoxDetail, LabOutcome, LabResultsBody, LabUploadView, MemberAddBody, MemberView, PlanView, PoolDetail, PoolListQuery, PoolView, ReportBody, ReportResult,
  RoundCreateBody, RoundListQuery, RoundPatchBody, RoundPoolingQuery, RoundPoolingView, RoundSummary, RoundView, SiteCreateBody, SiteView,
  StaffCandidateQuery, StaffCandidateView, StaffCreateBody, StaffView, SyncBody, SyncResult, TableView, TaskListQuery, TaskSampleBody, TaskView,
  OpenTubesQuery, TubeCloseBody, TubeDetail, TubeOpenBody, TubeView, TubeVoidBody, VisitBody, VisitView,
} from './testing.schema.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 410: ProblemSchema, 415: ProblemSchema, 422: ProblemSchema };
const tags = ['testing'];
const FlagQuery = Type.String({ pattern: '^([Tt]rue|[Ff]alse|1|0|[Yy]es|[Nn]o)$' });
const flag = (v: string | undefined) => v !== undefined && /^(true|1|yes)$/i.test(v);

const hooks: svc.SyncHooks = { sampleTaskTx: pools.sampleTaskTx, visitTx: cov.visitTx };

export async function testingRoutes(app: App, s: Services): Promise<void> {
  await acceptUploads(app);
  // ---- rounds ----
  app.post('/testing/rounds', {
    preHandler: guard('testing.round'),
    schema: { tags, body: RoundCreateBody, response: { 201: RoundView, ...problems } },
  }, async (request, reply) => {
    reply.status(201);
    return svc.createRound(s, actorOf(request), request.body);
  });

  app.get('/testing/rounds', {
    preHandler: guard('testing.view'),
    schema: { tags, querystring: RoundListQuery, response: { 200: PageOf(RoundView), ...problems } },
  }, async (request) => svc.listRounds(s, actorOf(request), request.query.status, pageParams(request.query)));

  app.get('/testing/rounds/:id', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, response: { 200: Type.Object({ round: RoundView, summary: RoundSummary }), ...problems } },
  }, async (request) => svc.getRound(s, actorOf(request), request.params.id));

  app.patch('/testing/rounds/:id', {
    preHandler: guard('testing.round'),
    schema: { tags, params: IdParams, body: RoundPatchBody, response: { 200: RoundView, ...problems } },
  }, async (request) => svc.patchRound(s, actorOf(request), request.params.id, request.body));

  app.post('/testing/rounds/:id/close', {
    preHandler: guard('testing.round'),
    schema: { tags, params: IdParams, response: { 200: RoundView, ...problems } },
  }, async (request) => svc.closeRound(s, actorOf(request), request.params.id));

  app.get('/testing/rounds/:id/plan', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, response: { 200: PlanView, ...problems } },
  }, async (request) => svc.roundPlan(s, actorOf(request), request.params.id));

  app.get('/testing/rounds/:id/pooling', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, querystring: RoundPoolingQuery, response: { 200: RoundPoolingView, ...problems } },
  }, async (request) => svc.roundPooling(s, actorOf(request), request.params.id, request.query.prevalence));

  app.get('/testing/rounds/:id/coverage', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, querystring: Type.Object({ areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }), response: { 200: CoverageView, ...problems } },
  }, async (request) => cov.coverage(s, actorOf(request), request.params.id, request.query.areaId));

  app.get('/testing/rounds/:id/door-knock', {
    preHandler: guard('testing.doorknock'),
    schema: { tags, params: IdParams, querystring: Type.Object({ buildingId: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 200: DoorKnockView, ...problems } },
  }, async (request) => cov.doorKnock(s, actorOf(request), request.params.id, request.query.buildingId));

  app.post('/testing/rounds/:id/visits', {
    preHandler: guard('testing.doorknock'),
    schema: { tags, params: IdParams, body: VisitBody, response: { 201: VisitView, 200: VisitView, ...problems } },
  }, async (request, reply) => {
    const actor = actorOf(request);
    const body = request.body;
    const r = await svc.once(s, actor, body.clientId, 'visit', langFrom(request.headers['accept-language']), false, async (trx) => ({
      visit: await cov.visitTx(s, trx, actor, request.params.id, body, svc.atOf(s, body.at)),
    }));
    // A clientId first used by a refused op of the offline queue answers with that refusal.
    const done = svc.unwrap(r);
    if (!done.visit) throw new AppError('SYNC_CLIENT_ID_REUSED');
    reply.status(done.duplicate ? 200 : 201);
    return done.visit;
  });

  app.post('/testing/rounds/:id/staff', {
    preHandler: guard('testing.round'),
    schema: { tags, params: IdParams, body: StaffCreateBody, response: { 201: StaffView, ...problems } },
  }, async (request, reply) => {
    reply.status(201);
    return svc.addStaff(s, actorOf(request), request.params.id, request.body);
  });

  app.get('/testing/rounds/:id/staff/candidates', {
    preHandler: guard('testing.round'),
    schema: { tags, params: IdParams, querystring: StaffCandidateQuery, response: { 200: Type.Object({ items: Type.Array(StaffCandidateView) }), ...problems } },
  }, async (request) => svc.staffCandidates(s, actorOf(request), request.params.id, request.query));

  app.get('/testing/rounds/:id/staff', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, response: { 200: Type.Object({ items: Type.Array(StaffView) }), ...problems } },
  }, async (request) => svc.listStaff(s, actorOf(request), request.params.id));

  app.delete('/testing/rounds/:id/staff/:staffId', {
    preHandler: guard('testing.round'),
    schema: { tags, params: Type.Object({ id: Type.String(), staffId: Type.String() }), response: { 204: Type.Null(), ...problems } },
  }, async (request, reply) => {
    await svc.removeStaff(s, actorOf(request), request.params.id, request.params.staffId);
    reply.status(204);
    return null;
  });

  // Server-sent events for the dashboard: `summary` (throttled to once a second), `pool`, and `bus`
  // ({live}) at the start, on every change of the bus state and as the heartbeat (platform/sse.ts).
  const liveStreams = new LiveStreams(s.events);
  app.addHook('preClose', async () => liveStreams.close());
  app.get('/testing/rounds/:id/live', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, produces: ['text/event-stream'], response: problems },
  }, async (request, reply) => {
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
      } catch { /* the next change tries again */ }
    };
    const off = s.events.subscribe(`testing:${roundId}`, (message) => {
      const m = message as { what?: string; poolId?: string; status?: string };
      if (m.what === 'pool') res.write(`event: pool\ndata: ${JSON.stringify({ roundId, poolId: m.poolId, status: m.status })}\n\n`);
      timer ??= setTimeout(() => { void sendSummary(); }, 1000);
    });
    liveStreams.open(res, () => {
      closed = true;
      off();
      if (timer) clearTimeout(timer);
    });
  });

  // ---- sites, tables, assignments ----
  app.post('/testing/sites', {
    preHandler: guard('testing.round'),
    schema: { tags, body: SiteCreateBody, response: { 201: SiteView, ...problems } },
  }, async (request, reply) => {
    reply.status(201);
    return svc.createSite(s, actorOf(request), request.body);
  });

  app.get('/testing/sites', {
    preHandler: guard('testing.view'),
    schema: { tags, querystring: Type.Composite([PageQuery, Type.Object({ areaId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) })]), response: { 200: PageOf(SiteView), ...problems } },
  }, async (request) => svc.listSites(s, actorOf(request), request.query.areaId, pageParams(request.query)));

  app.post('/testing/sites/:id/tables', {
    preHandler: guard('testing.round'),
    schema: { tags, params: IdParams, body: Type.Object({ name: NameText({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }), response: { 201: TableView, ...problems } },
  }, async (request, reply) => {
    reply.status(201);
    return svc.createTable(s, actorOf(request), request.params.id, request.body.name);
  });

  app.get('/testing/me/assignments', {
    preHandler: guard('testing.view'),
    schema: { tags, response: { 200: Type.Object({ items: Type.Array(AssignmentView) }), ...problems } },
  }, async (request) => svc.myAssignments(s, actorOf(request)));

  // ---- tubes ----
  app.post('/testing/tubes', {
    preHandler: guard('testing.sample'),
    schema: { tags, body: TubeOpenBody, response: { 201: TubeView, 200: TubeView, ...problems } },
  }, async (request, reply) => {
    const r = await svc.openTube(s, actorOf(request), request.body, langFrom(request.headers['accept-language']));
    reply.status(r.duplicate ? 200 : 201);
    return r.tube;
  });

  app.get('/testing/tubes/by-barcode/:barcode', {
    preHandler: guard('testing.view'),
    schema: { tags, params: Type.Object({ barcode: Type.String({ minLength: 1, maxLength: 40 }) }), response: { 200: TubeDetail, ...problems } },
  }, async (request) => svc.getTube(s, actorOf(request), { barcode: request.params.barcode }));

  app.get('/testing/tubes/:id', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, response: { 200: TubeDetail, ...problems } },
  }, async (request) => svc.getTube(s, actorOf(request), { id: request.params.id }));

  app.get('/testing/tubes/:id/custody', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, response: { 200: Type.Object({ tube: TubeView, events: Type.Array(CustodyEventView) }), ...problems } },
  }, async (request) => svc.tubeCustody(s, actorOf(request), request.params.id));

  app.post('/testing/tubes/:id/members', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: IdParams, body: MemberAddBody, response: { 200: Type.Object({ tube: TubeView, member: MemberView }), ...problems } },
  }, async (request) => svc.addMember(s, actorOf(request), request.params.id, request.body, langFrom(request.headers['accept-language'])));

  app.delete('/testing/tubes/:id/members/:personId', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: Type.Object({ id: Type.String(), personId: Type.String() }), response: { 200: TubeView, ...problems } },
  }, async (request) => svc.removeMember(s, actorOf(request), request.params.id, request.params.personId));

  app.post('/testing/tubes/:id/close', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: IdParams, body: Type.Optional(TubeCloseBody), response: { 200: TubeView, ...problems } },
  }, async (request) => svc.closeTube(s, actorOf(request), request.params.id, request.body ?? {}, langFrom(request.headers['accept-language'])));

  app.get('/testing/tables/:id/open-tubes', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: IdParams, querystring: OpenTubesQuery, response: { 200: Type.Object({ items: Type.Array(TubeView) }), ...problems } },
  }, async (request) => svc.openTubesAtTable(s, actorOf(request), request.params.id, request.query.roundId));

  app.post('/testing/tubes/:id/resume', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: IdParams, response: { 200: TubeDetail, ...problems } },
  }, async (request) => svc.resumeTube(s, actorOf(request), request.params.id));

  app.post('/testing/tubes/:id/void', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: IdParams, body: Type.Optional(TubeVoidBody), response: { 200: Type.Object({ barcode: Type.String(), voided: Type.Boolean() }), ...problems } },
  }, async (request) => svc.voidTube(s, actorOf(request), request.params.id, request.body?.reason));

  app.post('/testing/sync', {
    preHandler: guard(),
    schema: { tags, body: SyncBody, response: { 200: SyncResult, ...problems } },
  }, async (request) => svc.syncOps(s, actorOf(request), request.body.ops, langFrom(request.headers['accept-language']), hooks));

  // ---- boxes ----
  app.post('/testing/boxes', {
    preHandler: guard('testing.sample'),
    schema: { tags, body: BoxCreateBody, response: { 201: BoxView, ...problems } },
  }, async (request, reply) => {
    reply.status(201);
    return boxes.createBox(s, actorOf(request), request.body);
  });

  app.get('/testing/boxes', {
    preHandler: guard('testing.view'),
    schema: { tags, querystring: Type.Composite([PageQuery, Type.Object({ roundId: Type.String({ minLength: 1, maxLength: 64 }), status: Type.Optional(Type.String({ maxLength: 20 })) })]), response: { 200: PageOf(BoxView), ...problems } },
  }, async (request) => boxes.listBoxes(s, actorOf(request), request.query, pageParams(request.query)));

  app.get('/testing/boxes/:id', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, response: { 200: BoxDetail, ...problems } },
  }, async (request) => boxes.getBox(s, actorOf(request), request.params.id));

  app.post('/testing/boxes/:id/tubes', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: IdParams, body: BoxTubesBody, response: { 200: BoxView, ...problems } },
  }, async (request) => boxes.boxTubes(s, actorOf(request), request.params.id, request.body.barcodes));

  app.post('/testing/boxes/:id/handover', {
    preHandler: guard('testing.custody'),
    schema: { tags, params: IdParams, body: BoxHandoverBody, response: { 200: BoxView, ...problems } },
  }, async (request) => boxes.handOverBox(s, actorOf(request), request.params.id, request.body.carrier));

  app.post('/testing/boxes/:id/receive', {
    preHandler: guard('testing.custody'),
    schema: { tags, params: IdParams, body: BoxReceiveBody, response: { 200: BoxView, ...problems } },
  }, async (request) => boxes.receiveBox(s, actorOf(request), request.params.id, request.body.lab));

  // ---- lab ----
  app.post('/testing/lab/uploads', {
    preHandler: guard('testing.lab'),
    schema: {
      tags, consumes: ['multipart/form-data'],
      querystring: Type.Object({ roundId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })), dryRun: Type.Optional(FlagQuery) }),
      response: { 200: LabOutcome, ...problems },
    },
  }, async (request) => {
    const actor = actorOf(request);
    const lang = langFrom(request.headers['accept-language']);
    if (!request.isMultipart()) throw new AppError('LAB_FILE_REQUIRED');
    const file = await request.file();
    if (!file) throw new AppError('LAB_FILE_REQUIRED');
    const format = formatOf(file.filename);
    if (!format) {
      file.file.resume();
      throw new AppError('LAB_FILE_FORMAT');
    }
    return lab.uploadLabFile(s, actor, file.file, format, { roundId: request.query.roundId, dryRun: flag(request.query.dryRun), fileName: file.filename, lang });
  });

  app.post('/testing/lab/results', {
    preHandler: guard('testing.lab'),
    schema: { tags, body: LabResultsBody, response: { 200: LabOutcome, ...problems } },
  }, async (request) => lab.applyLabResults(s, actorOf(request), lab.rowsFromJson(request.body.results), {
    roundId: request.body.roundId, dryRun: request.body.dryRun, lang: langFrom(request.headers['accept-language']),
  }));

  app.get('/testing/lab/uploads', {
    preHandler: guard('testing.view'),
    schema: { tags, querystring: Type.Composite([PageQuery, Type.Object({ roundId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) })]), response: { 200: PageOf(LabUploadView), ...problems } },
  }, async (request) => lab.listUploads(s, actorOf(request), request.query.roundId, pageParams(request.query)));

  // ---- pools and tasks ----
  app.get('/testing/pools', {
    preHandler: guard('testing.view'),
    schema: { tags, querystring: PoolListQuery, response: { 200: PageOf(PoolView), ...problems } },
  }, async (request) => pools.listPools(s, actorOf(request), request.query, pageParams(request.query)));

  app.get('/testing/pools/:id', {
    preHandler: guard('testing.view'),
    schema: { tags, params: IdParams, response: { 200: PoolDetail, ...problems } },
  }, async (request) => pools.getPool(s, actorOf(request), request.params.id));

  app.post('/testing/pools/:id/report', {
    preHandler: guard('testing.report'),
    schema: { tags, params: IdParams, body: Type.Optional(ReportBody), response: { 200: ReportResult, ...problems } },
  }, async (request) => pools.reportPool(s, actorOf(request), request.params.id, request.body?.note));

  app.get('/testing/command/pools', {
    preHandler: guard('testing.report'),
    schema: { tags, querystring: Type.Object({ roundId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) }), response: { 200: Type.Object({ targetMs: Type.Number(), items: Type.Array(PoolView), notReSampled: Type.Integer() }), ...problems } },
  }, async (request) => pools.commandPools(s, actorOf(request), request.query.roundId));

  app.get('/testing/tasks', {
    preHandler: guard('testing.view'),
    schema: { tags, querystring: TaskListQuery, response: { 200: PageOf(TaskView), ...problems } },
  }, async (request) => pools.listTasks(s, actorOf(request), request.query, pageParams(request.query)));

  app.post('/testing/tasks/:id/sample', {
    preHandler: guard('testing.sample'),
    schema: { tags, params: IdParams, body: TaskSampleBody, response: { 200: TaskView, ...problems } },
  }, async (request) => {
    const actor = actorOf(request);
    const body = request.body;
    const r = await svc.once(s, actor, body.clientId, 'task.sample', langFrom(request.headers['accept-language']), false, async (trx) => ({
      task: await pools.sampleTaskTx(s, trx, actor, request.params.id, body.barcode, svc.atOf(s, body.at)),
    }));
    // A clientId first used by a refused op of the offline queue answers with that refusal.
    const done = svc.unwrap(r);
    if (!done.task) throw new AppError('SYNC_CLIENT_ID_REUSED');
    return done.task;
  });
}
