// Venues, venue codes, check-ins and occupancy over HTTP: thin handlers over venue.service.
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { Services } from '../services.ts';
import type { App } from '../platform/http.ts';
import { actorOf, guard } from '../access/auth.ts';
import { langFrom } from '../platform/errors.ts';
import { PageOf, PageQuery, pageParams } from '../platform/pagination.ts';
import { venueCategories } from './venue.categories.ts';
import { PERSONAL_CODE_TTL_MS } from './venue.codes.ts';
import {
  CategoryListSchema,
  CheckinBody,
  ExitSchema,
  IdParams,
  OccupancySchema,
  PublicKeySchema,
  QueueKeySchema,
  RevealBody,
  ScreenCodeSchema,
  SuspendBody,
  VenueCodeSchema,
  VenueContactSchema,
  VenueCreateBody,
  VenueListQuery,
  VenueSchema,
  VerificationSchema,
} from './venue.schema.ts';
import * as venues from './venue.service.ts';
import { writerFor } from './checkin.ingest.ts';
import { posterDisposition, posterForActor, renderPoster } from './venue.poster.ts';

/** Codes point back at this server as the client reached it. */
function baseUrlOf(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

export async function venueRoutes(app: App, s: Services): Promise<void> {
  // On a SQLite file the check-in writer thread starts with the server, not with the first scan.
  if (s.dialect === 'sqlite' && s.handle.sqlite && !s.handle.sqlite.memory) writerFor(s);
  app.get(
    '/venue-categories',
    {
      preHandler: guard(),
      schema: { tags: ['venues'], response: { 200: CategoryListSchema } },
    },
    async () => {
      const rules = venueCategories();
      return { version: rules.version, effectiveFrom: rules.effectiveFrom, items: [...rules.categories.values()] };
    },
  );

  app.post(
    '/venues',
    {
      preHandler: guard('venue.manage'),
      schema: { tags: ['venues'], body: VenueCreateBody, response: { 201: VenueSchema } },
    },
    async (request, reply) => {
      reply.status(201);
      return venues.registerVenue(s, actorOf(request), request.body);
    },
  );

  app.get(
    '/venues',
    {
      preHandler: guard(),
      schema: {
        tags: ['venues'],
        querystring: Type.Composite([PageQuery, VenueListQuery]),
        response: { 200: PageOf(VenueSchema) },
      },
    },
    async (request) => venues.listVenues(s, actorOf(request), request.query, pageParams(request.query)),
  );

  app.get(
    '/venues/:id',
    {
      preHandler: guard(),
      schema: { tags: ['venues'], params: IdParams, response: { 200: VenueSchema } },
    },
    async (request) => venues.getVenue(s, actorOf(request), request.params.id),
  );

  app.post(
    '/venues/:id/approve',
    {
      preHandler: guard('venue.approve'),
      schema: { tags: ['venues'], params: IdParams, response: { 200: VenueSchema } },
    },
    async (request) => venues.setVenueStatus(s, actorOf(request), request.params.id, 'approved'),
  );

  app.post(
    '/venues/:id/suspend',
    {
      preHandler: guard('venue.approve'),
      schema: { tags: ['venues'], params: IdParams, body: Type.Optional(SuspendBody), response: { 200: VenueSchema } },
    },
    async (request) =>
      venues.setVenueStatus(s, actorOf(request), request.params.id, 'suspended', request.body?.reason ?? ''),
  );

  // The operator's full contact phone (masked everywhere else), with a reason; audited.
  app.post(
    '/venues/:id/contact/reveal',
    {
      preHandler: guard('venue.approve'),
      schema: { tags: ['venues'], params: IdParams, body: RevealBody, response: { 200: VenueContactSchema } },
    },
    async (request) => venues.revealVenueContact(s, actorOf(request), request.params.id, request.body.reason),
  );

  app.get(
    '/venues/:id/code',
    {
      preHandler: guard('venue.manage'),
      schema: { tags: ['venues'], params: IdParams, response: { 200: VenueCodeSchema } },
    },
    async (request) => venues.venueCode(s, actorOf(request), request.params.id, baseUrlOf(request)),
  );

  app.post(
    '/venues/:id/code/reissue',
    {
      preHandler: guard('venue.manage'),
      schema: {
        tags: ['venues'],
        params: IdParams,
        body: Type.Optional(SuspendBody),
        response: { 200: VenueCodeSchema },
      },
    },
    async (request) =>
      venues.reissueCode(s, actorOf(request), request.params.id, baseUrlOf(request), request.body?.reason ?? ''),
  );

  app.get(
    '/venues/:id/screen-code',
    {
      preHandler: guard('venue.manage'),
      schema: { tags: ['venues'], params: IdParams, response: { 200: ScreenCodeSchema } },
    },
    async (request) => venues.screenCode(s, actorOf(request), request.params.id, baseUrlOf(request)),
  );

  // Public: a head-count and a level, no personal data (the public venue page reads this).
  app.get(
    '/venues/:id/occupancy',
    {
      schema: { tags: ['venues'], security: [], params: IdParams, response: { 200: OccupancySchema } },
    },
    async (request) => venues.occupancy(s, request.params.id),
  );

  // The door's hot path: no preHandler hook — checkIn asserts checkin.create itself (actorOf answers
  // UNAUTHENTICATED first); the response schema serializes the answer.
  app.post(
    '/checkins',
    {
      schema: { tags: ['checkins'], body: CheckinBody, response: { 200: VerificationSchema, 201: VerificationSchema } },
    },
    async (request, reply) => {
      const result = await venues.checkIn(
        s,
        actorOf(request),
        request.body,
        langFrom(request.headers['accept-language']),
      );
      reply.status(result.duplicate ? 200 : 201);
      return result;
    },
  );

  // A guard device's offline queue: the key it signs queued scans with (see venue.codes.ts).
  app.post(
    '/checkins/queue-key',
    {
      preHandler: guard('checkin.create'),
      schema: { tags: ['checkins'], response: { 200: QueueKeySchema } },
    },
    async (request) => venues.issueQueueKey(s, actorOf(request)),
  );

  app.post(
    '/checkins/:id/exit',
    {
      preHandler: guard('checkin.create'),
      schema: { tags: ['checkins'], params: IdParams, response: { 200: ExitSchema } },
    },
    async (request) => venues.exitCheckin(s, actorOf(request), request.params.id),
  );

  // Public: the key that verifies personal codes offline (guard devices cache it).
  app.get(
    '/codes/public-key',
    {
      schema: { tags: ['codes'], security: [], response: { 200: PublicKeySchema } },
    },
    async () => ({
      algorithm: 'Ed25519' as const,
      publicKeyPem: s.signing.personalPublicKeyPem,
      tokenFormat:
        'p1.<base64url JSON {p: personId, iat: ms, exp: ms}>.<base64url Ed25519 signature of "p1.<payload>">',
      ttlSeconds: PERSONAL_CODE_TTL_MS / 1000,
    }),
  );

  // The printable A4 poster of an approved venue (场所码海报), as PDF or PNG.
  for (const format of ['pdf', 'png'] as const) {
    app.get(
      `/venues/:id/poster.${format}`,
      {
        preHandler: guard('venue.manage'),
        schema: {
          tags: ['venues'],
          params: IdParams,
          response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }) },
        },
      },
      async (request, reply) => {
        const view = await posterForActor(s, actorOf(request), request.params.id, baseUrlOf(request));
        const file = await renderPoster(view, format, s.config.cjkFont);
        return reply
          .type(format === 'pdf' ? 'application/pdf' : 'image/png')
          .header('content-disposition', posterDisposition(view, format))
          .send(file);
      },
    );
  }
}
