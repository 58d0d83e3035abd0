// Vehicle passes over HTTP: application, the review queue, issue / refuse / revoke / withdraw, the
// signed token of the electronic pass, the printable A4 PDF, and a checkpoint's verification.
import { Type } from '@sinclair/typebox';
import { actorOf, guard } from '../access/auth.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema, sendDownload } from '../platform/http.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import type { Services } from '../services.ts';
import { IdParams } from './enterprises.schema.ts';
import { logisticsPolicy } from './logistics.policy.ts';
import { passFileName, renderPassPdf } from './pass.pdf.ts';
import {
  DecisionBody,
  PassApplyBody,
  PassCodeSchema,
  PassListQuery,
  PassSchema,
  ReasonBody,
  VerifyBody,
  VerifySchema,
} from './passes.schema.ts';
import * as passes from './passes.service.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['logistics'];

export async function passRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/logistics/passes',
    {
      preHandler: guard('logistics.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, PassListQuery]),
        response: { 200: PageOf(PassSchema), ...problems },
      },
    },
    async (request) => passes.listPasses(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/logistics/passes',
    {
      preHandler: guard('logistics.enterprise'),
      schema: { tags, body: PassApplyBody, response: { 201: PassSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return passes.applyForPass(s, actorOf(request), request.body);
    },
  );

  app.post(
    '/logistics/passes/verify',
    {
      preHandler: guard('checkpoint.check'),
      schema: { tags, body: VerifyBody, response: { 200: VerifySchema, ...problems } },
    },
    async (request) => passes.verifyPass(s, actorOf(request), request.body),
  );

  app.get(
    '/logistics/passes/:id',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, response: { 200: PassSchema, ...problems } },
    },
    async (request) => passes.getPass(s, actorOf(request), request.params.id),
  );

  app.post(
    '/logistics/passes/:id/issue',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, params: IdParams, body: DecisionBody, response: { 200: PassSchema, ...problems } },
    },
    async (request) => passes.issuePass(s, actorOf(request), request.params.id, request.body.note),
  );

  app.post(
    '/logistics/passes/:id/refuse',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, params: IdParams, body: ReasonBody, response: { 200: PassSchema, ...problems } },
    },
    async (request) => passes.refusePass(s, actorOf(request), request.params.id, request.body.reason),
  );

  app.post(
    '/logistics/passes/:id/revoke',
    {
      preHandler: guard('logistics.review'),
      schema: { tags, params: IdParams, body: ReasonBody, response: { 200: PassSchema, ...problems } },
    },
    async (request) => passes.revokePass(s, actorOf(request), request.params.id, request.body.reason),
  );

  app.post(
    '/logistics/passes/:id/withdraw',
    {
      preHandler: guard('logistics.enterprise'),
      schema: { tags, params: IdParams, response: { 200: PassSchema, ...problems } },
    },
    async (request) => passes.withdrawPass(s, actorOf(request), request.params.id),
  );

  app.get(
    '/logistics/passes/:id/code',
    {
      preHandler: guard('logistics.read'),
      schema: { tags, params: IdParams, response: { 200: PassCodeSchema, ...problems } },
    },
    async (request) => {
      const { number, token } = await passes.passCode(s, actorOf(request), request.params.id);
      return { number, token };
    },
  );

  app.get(
    '/logistics/passes/:id/pass.pdf',
    {
      preHandler: guard('logistics.read'),
      schema: {
        tags,
        params: IdParams,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...problems },
      },
    },
    async (request, reply) => {
      const { view, token } = await passes.passForPrint(s, actorOf(request), request.params.id);
      const body = await renderPassPdf(view, token, logisticsPolicy(), s.config.cjkFont);
      return sendDownload(reply, { contentType: 'application/pdf', fileName: passFileName(view), body });
    },
  );
}
