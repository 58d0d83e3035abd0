// The audit log for auditors: page through events, verify the chain (and against the signed anchors
// in the server's anchor directory, when it has one).
import { Type } from '@sinclair/typebox';
import { AuditEventSchema, AuditVerifyResult } from './audit.schema.ts';
import type { Services } from '../services.ts';
import type { App } from './http.ts';
import { maskPhonesIn } from './mask.ts';
import { isoInZone } from './clock.ts';
import { guard } from './auth.ts';
import type { ChainVerdict } from './audit.ts';
import { verifyWithAnchors } from './audit.anchors.ts';
import { PageOf, PageQuery, pageParams } from './pagination.ts';

function verdictView(v: ChainVerdict, timeZone: string) {
  const { anchors, ...rest } = v;
  return {
    ...rest,
    ...(anchors ? { anchors: {
      checked: anchors.checked,
      newestSeq: anchors.newest?.seq ?? null,
      newestAt: anchors.newest ? isoInZone(anchors.newest.at, timeZone) : null,
    } } : {}),
  };
}

export async function auditRoutes(app: App, s: Services): Promise<void> {
  app.get('/audit/events', {
    preHandler: guard('audit.read'),
    schema: {
      tags: ['audit'],
      querystring: Type.Composite([PageQuery, Type.Object({
        action: Type.Optional(Type.String()),
        objectType: Type.Optional(Type.String()),
        objectId: Type.Optional(Type.String()),
      })]),
      response: { 200: PageOf(AuditEventSchema) },
    },
  }, async (request) => {
    const { limit, offset } = pageParams(request.query);
    let q = s.db.selectFrom('audit_event');
    if (request.query.action) q = q.where('action', '=', request.query.action);
    if (request.query.objectType) q = q.where('object_type', '=', request.query.objectType);
    if (request.query.objectId) q = q.where('object_id', '=', request.query.objectId);
    const [rows, total] = await Promise.all([
      q.selectAll().orderBy('seq', 'desc').limit(limit).offset(offset).execute(),
      q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return {
      items: rows.map((r) => ({
        // Mobile numbers are masked on the way out: events written before resident phones were sealed
        // named a resident by their phone (the stored text stays as it was, for the chain's hashes).
        seq: Number(r.seq), at: isoInZone(Number(r.at), s.config.timeZone), actorId: r.actor_id, actorName: maskPhonesIn(r.actor_name), actorRole: r.actor_role,
        action: r.action, objectType: r.object_type, objectId: r.object_id, reason: maskPhonesIn(r.reason),
        detail: JSON.parse(maskPhonesIn(r.detail)) as unknown, hash: r.hash,
      })),
      total: Number(total.n), limit, offset,
    };
  });

  app.get('/audit/verify', {
    preHandler: guard('audit.read'),
    schema: {
      tags: ['audit'],
      response: { 200: AuditVerifyResult },
    },
  }, async () => verdictView(await verifyWithAnchors(s, s.config.auditAnchors.dir), s.config.timeZone));
}
