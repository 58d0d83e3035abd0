// A site's operations logs over HTTP: disinfection (terminal disinfection frees a room), medical waste
// and its hand-over, staff daily health, and the day's standing.
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import {
  DisinfectionBody,
  EntrySchema,
  HandOverBody,
  OpsSchema,
  SiteParams,
  StaffCheckBody,
  WasteBody,
  WasteParams,
} from './siteops.schema.ts';
import * as ops from './siteops.service.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['quarantine site operations'];

export async function siteOpsRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/quarantine/ops/sites/:siteId',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, params: SiteParams, response: { 200: OpsSchema, ...problems } },
    },
    async (request) => ops.siteOps(s, actorOf(request), request.params.siteId),
  );
  app.post(
    '/quarantine/ops/sites/:siteId/disinfections',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, params: SiteParams, body: DisinfectionBody, response: { 201: EntrySchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return ops.logDisinfection(s, actorOf(request), request.params.siteId, request.body);
    },
  );
  app.post(
    '/quarantine/ops/sites/:siteId/waste',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, params: SiteParams, body: WasteBody, response: { 201: EntrySchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return ops.logWaste(s, actorOf(request), request.params.siteId, request.body);
    },
  );
  app.post(
    '/quarantine/ops/waste/:id/hand-over',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, params: WasteParams, body: HandOverBody, response: { 200: EntrySchema, ...problems } },
    },
    async (request) => ops.handOverWaste(s, actorOf(request), request.params.id, request.body),
  );
  app.post(
    '/quarantine/ops/sites/:siteId/staff-checks',
    {
      preHandler: guard('quarantine.site'),
      schema: { tags, params: SiteParams, body: StaffCheckBody, response: { 201: EntrySchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return ops.recordStaffCheck(s, actorOf(request), request.params.siteId, request.body);
    },
  );
}
