// Quarantine orders over HTTP: the list and detail (names masked), one order or a batch, extension,
// cancellation, release (refused naming the missing day or test) with its certificate PDF, the public
// verification of a certificate's QR, and the resident's own quarantine.
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { ProblemSchema } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import {
  BatchOrderBody,
  BatchResultSchema,
  CreateOrderBody,
  ExtendBody,
  IdParams,
  ListQuery,
  MyQuarantineSchema,
  OrderDetailSchema,
  OrderSchema,
  ReasonBody,
  ReleaseBody,
  ReleaseResultSchema,
  VerifyQuery,
  VerifySchema,
} from './orders.schema.ts';
import * as orders from './orders.service.ts';
import { renderCertificate, verifyUrl, type CertificateView } from './certificate.ts';

const problems = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema };
const tags = ['quarantine orders'];
const Pdf = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

export async function quarantineOrderRoutes(app: App, s: Services): Promise<void> {
  app.get(
    '/quarantine/orders',
    {
      preHandler: guard('quarantine.read'),
      schema: {
        tags,
        querystring: Type.Composite([PageQuery, ListQuery]),
        response: { 200: PageOf(OrderSchema), ...problems },
      },
    },
    async (request) => orders.listOrders(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.post(
    '/quarantine/orders',
    {
      preHandler: guard('quarantine.order'),
      schema: { tags, body: CreateOrderBody, response: { 201: OrderSchema, ...problems } },
    },
    async (request, reply) => reply.status(201).send(await orders.createOrder(s, actorOf(request), request.body)),
  );

  app.post(
    '/quarantine/orders/batch',
    {
      preHandler: guard('quarantine.order'),
      schema: { tags, body: BatchOrderBody, response: { 201: BatchResultSchema, ...problems } },
    },
    async (request, reply) => reply.status(201).send(await orders.batchOrders(s, actorOf(request), request.body)),
  );

  app.get(
    '/quarantine/orders/:id',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, params: IdParams, response: { 200: OrderDetailSchema, ...problems } },
    },
    async (request) => orders.getOrder(s, actorOf(request), request.params.id),
  );

  app.post(
    '/quarantine/orders/:id/extend',
    {
      preHandler: guard('quarantine.order'),
      schema: { tags, params: IdParams, body: ExtendBody, response: { 200: OrderDetailSchema, ...problems } },
    },
    async (request) => orders.extendOrder(s, actorOf(request), request.params.id, request.body),
  );

  app.post(
    '/quarantine/orders/:id/cancel',
    {
      preHandler: guard('quarantine.order'),
      schema: { tags, params: IdParams, body: ReasonBody, response: { 200: OrderDetailSchema, ...problems } },
    },
    async (request) => orders.cancelOrder(s, actorOf(request), request.params.id, request.body.reason),
  );

  app.post(
    '/quarantine/orders/:id/release',
    {
      preHandler: guard('quarantine.order'),
      schema: { tags, params: IdParams, body: ReleaseBody, response: { 200: ReleaseResultSchema, ...problems } },
    },
    async (request) => orders.releaseOrder(s, actorOf(request), request.params.id, request.body),
  );

  const baseUrl = (request: { protocol: string; host: string }) =>
    s.config.publicUrl ?? `${request.protocol}://${request.host}`;
  const pdf = async (data: orders.CertificateData, base: string) => {
    const view: CertificateView = {
      claims: {
        orderId: data.order.id,
        personName: data.order.person_name.length ? orders.orderView(s, data.order).personName : '',
        kind: data.order.kind,
        startAt: data.order.start_at,
        releasedAt: data.order.released_at!,
        followOn: data.follow ? { place: data.follow.place, until: data.follow.ends_at } : null,
      },
      orderId: data.order.id,
      areaName: data.order.area_name,
      ruleSetId: data.order.rule_set_id,
      url: verifyUrl(base, data.token),
      timeZone: s.config.timeZone,
      printedAt: s.clock.now(),
    };
    return renderCertificate(view, s.config.cjkFont);
  };

  // The printable certificate (解除隔离证明) of a released order, with its signed QR.
  app.get(
    '/quarantine/orders/:id/certificate.pdf',
    {
      preHandler: guard('quarantine.read'),
      schema: { tags, params: IdParams, response: { 200: Pdf, ...problems } },
    },
    async (request, reply) => {
      const data = await orders.certificateData(s, actorOf(request), request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="release-${data.order.id}.pdf"`)
        .send(await pdf(data, baseUrl(request)));
    },
  );

  // Public: a certificate's QR checked against the signature and the order's record.
  app.get(
    '/quarantine/certificates/verify',
    { schema: { tags, security: [], querystring: VerifyQuery, response: { 200: VerifySchema } } },
    async (request) => orders.verifyCertificate(s, request.query.c),
  );

  // The resident's own quarantine: day number, schedule with results, next test, release date.
  app.get(
    '/quarantine/my',
    { preHandler: guard(), schema: { tags, response: { 200: MyQuarantineSchema, ...problems } } },
    async (request) => orders.myQuarantine(s, actorOf(request)),
  );

  app.get(
    '/quarantine/my/orders/:id/certificate.pdf',
    { preHandler: guard(), schema: { tags, params: IdParams, response: { 200: Pdf, ...problems } } },
    async (request, reply) => {
      const data = await orders.myCertificateData(s, actorOf(request), request.params.id);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="release-${data.order.id}.pdf"`)
        .send(await pdf(data, baseUrl(request)));
    },
  );
}
