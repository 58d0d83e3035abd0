// Who is asking: resolves the session cookie or Bearer token to an Actor, enforces CSRF on cookie
// requests that change things, and gives routes a guard per permission and an area-scope check.
import type { FastifyInstance, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { can, inScope, type Actor, type Permission } from '../access/access.rules.ts';
import { resolveApiToken, resolveSession, SESSION_COOKIE } from '../access/session.ts';
import type { Services } from '../services.ts';
import { AppError } from './errors.ts';
import type { AuditActor } from './audit.ts';
import { maskPhone } from './mask.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** The route acts on no existing session (sign-in), so it needs no CSRF token. */
    csrfExempt?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function registerAuth(app: FastifyInstance, s: Services): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      request.actor = await resolveApiToken(s, header.slice(7).trim());
      if (!request.actor) throw new AppError('UNAUTHENTICATED');
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await resolveSession(s, token);
    if (!session) return;
    if (!SAFE_METHODS.has(request.method) && !request.routeOptions.config?.csrfExempt) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken)) throw new AppError('CSRF_TOKEN_INVALID');
    }
    request.actor = session.actor;
  });
}

/** The actor of an authenticated request; throws UNAUTHENTICATED otherwise. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}

/** preHandler: the request must be signed in and, if given, hold the permission. */
export function guard(permission?: Permission): preHandlerAsyncHookHandler {
  return async (request) => {
    const actor = actorOf(request);
    if (permission && !can(actor.role, permission)) throw new AppError('FORBIDDEN', { permission });
  };
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw new AppError('FORBIDDEN', { permission });
}

/** Throws OUT_OF_SCOPE unless the area path lies inside the actor's subtree. */
export function assertInScope(actor: Actor, areaPath: string): void {
  if (!inScope(actor.areaPath, areaPath)) throw new AppError('OUT_OF_SCOPE');
}

/**
 * The actor as the audit log records it. A resident's username is their phone number: the log keeps
 * it masked (the user id identifies them exactly), so reading the log is not a read of personal data.
 */
export function auditActor(actor: Actor): AuditActor {
  const name = actor.role === 'resident' ? maskPhone(actor.username) ?? actor.username : actor.username;
  return { id: actor.userId, name, role: actor.role };
}
