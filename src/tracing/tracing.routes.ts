// Cases and contacts over HTTP: thin handlers over tracing.service, the review queue and the
// transmission chains (graph, clusters, exports).
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { Literals, ProblemSchema, sendDownload } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import {
  BulkReviewBody,
  BulkReviewResultSchema,
  ContactGroupListSchema,
  ContactGroupQuery,
  CaseCreateBody,
  CaseDetailSchema,
  CaseListQuery,
  CaseSchema,
  CaseStatusBody,
  CaseTimesBody,
  ContactListQuery,
  ContactSchema,
  IdParams,
  ManualContactBody,
  ReviewBody,
} from './tracing.schema.ts';
import * as tracing from './tracing.service.ts';
import {
  ChainExportQuery,
  ChainGraphQuery,
  ChainGraphSchema,
  ChainQuery,
  ClusterListSchema,
} from './tracing.chains.schema.ts';
import * as chains from './tracing.chains.service.ts';
import { reviewQueue } from './tracing.review.service.ts';
import { CONTACT_CLASSES } from './tracing.rules.ts';

const problems = { 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema };

export async function tracingRoutes(app: App, s: Services): Promise<void> {
  app.post(
    '/cases',
    {
      preHandler: guard('case.manage'),
      schema: { tags: ['cases'], body: CaseCreateBody, response: { 201: CaseDetailSchema, ...problems } },
    },
    async (request, reply) => {
      reply.status(201);
      return tracing.registerCase(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/cases',
    {
      preHandler: guard('case.read'),
      schema: {
        tags: ['cases'],
        querystring: Type.Composite([PageQuery, CaseListQuery]),
        response: { 200: PageOf(CaseSchema) },
      },
    },
    async (request) => tracing.listCases(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/cases/:id',
    {
      preHandler: guard('case.read'),
      schema: { tags: ['cases'], params: IdParams, response: { 200: CaseDetailSchema, ...problems } },
    },
    async (request) => tracing.getCase(s, actorOf(request), request.params.id),
  );

  app.patch(
    '/cases/:id',
    {
      preHandler: guard('case.manage'),
      schema: {
        tags: ['cases'],
        params: IdParams,
        body: CaseTimesBody,
        response: { 200: CaseDetailSchema, ...problems },
      },
    },
    async (request) => tracing.updateCaseTimes(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/cases/:id/status',
    {
      preHandler: guard('case.manage'),
      schema: {
        tags: ['cases'],
        params: IdParams,
        body: CaseStatusBody,
        response: { 200: CaseDetailSchema, ...problems },
      },
    },
    async (request) => tracing.changeCaseStatus(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/cases/:id/trace',
    {
      preHandler: guard('case.manage'),
      schema: { tags: ['cases'], params: IdParams, response: { 200: CaseDetailSchema, ...problems } },
    },
    async (request) => tracing.retraceCase(s, actorOf(request), request.params.id),
  );

  app.get(
    '/cases/:id/contacts',
    {
      preHandler: guard('case.read'),
      schema: {
        tags: ['cases'],
        params: IdParams,
        querystring: Type.Composite([PageQuery, ContactListQuery]),
        response: { 200: PageOf(ContactSchema), ...problems },
      },
    },
    async (request) =>
      tracing.listContacts(s, actorOf(request), request.params.id, request.query, pageParams(request.query)),
  );

  app.post(
    '/cases/:id/contacts',
    {
      preHandler: guard('case.manage'),
      schema: {
        tags: ['cases'],
        params: IdParams,
        body: ManualContactBody,
        response: { 201: ContactSchema, ...problems },
      },
    },
    async (request, reply) => {
      reply.status(201);
      return tracing.addManualContact(s, actorOf(request), request.params.id, request.body);
    },
  );

  app.get(
    '/cases/:id/contact-groups',
    {
      preHandler: guard('case.read'),
      schema: {
        tags: ['cases'],
        params: IdParams,
        querystring: ContactGroupQuery,
        response: { 200: ContactGroupListSchema, ...problems },
      },
    },
    async (request) => tracing.contactGroups(s, actorOf(request), request.params.id, request.query),
  );

  app.post(
    '/cases/:id/contacts/review',
    {
      preHandler: guard('case.manage'),
      schema: {
        tags: ['cases'],
        params: IdParams,
        body: BulkReviewBody,
        response: { 200: BulkReviewResultSchema, ...problems },
      },
    },
    async (request) => tracing.bulkReview(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/contacts/:id/review',
    {
      preHandler: guard('case.manage'),
      schema: { tags: ['cases'], params: IdParams, body: ReviewBody, response: { 200: ContactSchema, ...problems } },
    },
    async (request) => tracing.reviewContact(s, actorOf(request), request.params.id, request.body),
  );

  app.get(
    '/contacts/review-queue',
    {
      preHandler: guard('case.read'),
      schema: {
        tags: ['cases'],
        querystring: Type.Composite([
          PageQuery,
          Type.Object({
            class: Type.Optional(Literals(CONTACT_CLASSES)),
            caseId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          }),
        ]),
        response: {
          200: PageOf(
            Type.Composite([
              ContactSchema,
              Type.Object({
                case: Type.Object({
                  id: Type.String(),
                  personName: Type.String(),
                  areaName: Type.String(),
                  status: Type.String(),
                  classification: Type.String(),
                }),
              }),
            ]),
          ),
          ...problems,
        },
      },
    },
    async (request) => reviewQueue(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/chains',
    {
      preHandler: guard('case.read'),
      schema: { tags: ['cases'], querystring: ChainGraphQuery, response: { 200: ChainGraphSchema, ...problems } },
    },
    async (request) => chains.chainGraph(s, actorOf(request), request.query),
  );

  app.get(
    '/chains/clusters',
    {
      preHandler: guard('case.read'),
      schema: { tags: ['cases'], querystring: ChainQuery, response: { 200: ClusterListSchema, ...problems } },
    },
    async (request) => chains.chainClusters(s, actorOf(request), request.query),
  );

  app.get(
    '/chains/export',
    {
      preHandler: guard('case.read'),
      schema: {
        tags: ['cases'],
        produces: ['text/csv', 'application/json', 'application/graphml+xml'],
        querystring: ChainExportQuery,
        response: { 200: Type.String(), ...problems },
      },
    },
    async (request, reply) => {
      const file = await chains.exportChains(s, actorOf(request), request.query);
      return sendDownload(reply, file);
    },
  );
}
