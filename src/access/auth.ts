// Who is asking: resolves the session cookie or Bearer token to an Actor, enforces CSRF on cookie
// requests that change things, and gives routes a guard per permission and an area-scope check.
//
// Resolved sessions and tokens are kept in memory (a door's guard device asks many times a second).
// Any update or delete of users, sessions, tokens or areas through this process's database handle
// (sign-out, password reset, role or area change, disabling, revoking; src/db/connect.ts watchWrites)
// empties the cache at once and tells the other server processes through s.events (Redis when
// REDIS_URL is set), which empty theirs. Expiry is checked on every request against the clock. An
// entry is trusted for at most ACTOR_CACHE_TTL_MS, the bound for a change made by a process that
// shares no event bus with this one (a CLI command without REDIS_URL).
import type {
  FastifyInstance,
  FastifyRequest,
  onRequestAsyncHookHandler,
  preHandlerAsyncHookHandler,
  RouteOptions,
} from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { can, type Actor, type Permission } from './access.rules.ts';
import { resolveApiToken, resolveSession, SESSION_COOKIE } from './session.ts';
import { apiTokenByHash, sessionById } from './access.store.ts';
import type { WriteNotice } from '../db/connect.ts';
import { sha256 } from '../platform/crypto.ts';
import type { Services } from '../services.ts';
import { AppError } from '../platform/errors.ts';
import type { AuditActor } from '../platform/audit.ts';
import { maskPhone } from '../platform/mask.ts';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
  interface FastifyContextConfig {
    /** The route acts on no existing session (sign-in), so it needs no CSRF token. */
    csrfExempt?: boolean;
    /** The route stays open to an account that must choose a new password first (me, sign-out, the change). */
    beforePasswordChange?: boolean;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const AUTH_CHANNEL = 'cordon:auth';
/** The longest a resolved session or token is used without looking at the database again. */
export const ACTOR_CACHE_TTL_MS = 10_000;
/**
 * After a change, nothing is cached for this long: on PostgreSQL another connection may still read
 * the row as it was until the changing transaction commits.
 */
const SETTLE_MS = 2_000;
const MAX_ENTRIES = 50_000;

/** Tables whose changes can end or alter a resolved actor, and columns whose update cannot. */
const WATCHED: Record<string, ReadonlySet<string>> = {
  app_user: new Set(['failed_logins', 'locked_until']),
  session: new Set(['last_seen_at']),
  api_token: new Set(['last_used_at']),
  area: new Set(),
};

/** Whether a write may change who a session or token is, or what it may do. */
export function changesActors(write: Pick<WriteNotice, 'table' | 'columns'>): boolean {
  const harmless = WATCHED[write.table];
  if (!harmless) return false;
  return write.columns === null || write.columns.some((c) => !harmless.has(c));
}

interface Resolved {
  actor: Actor;
  /** The session's CSRF token (null for API tokens). */
  csrfToken: string | null;
  expiresAt: number | null;
  loadedAt: number;
}

/** Resolved sessions and API tokens by the hash of their secret. */
export class ActorCache {
  private readonly entries = new Map<string, Resolved>();
  private generation = 0;
  private settleUntil = 0;

  constructor(private readonly s: Services) {}

  /** Forgets everything (a change was seen here or announced by another process). */
  invalidate(): void {
    this.generation += 1;
    this.entries.clear();
    this.settleUntil = performance.now() + SETTLE_MS;
  }

  get size(): number {
    return this.entries.size;
  }

  private hit(key: string): Resolved | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (
      performance.now() - entry.loadedAt >= ACTOR_CACHE_TTL_MS ||
      (entry.expiresAt !== null && entry.expiresAt <= this.s.clock.now())
    ) {
      this.entries.delete(key);
      return null;
    }
    return entry;
  }

  private keep(key: string, generation: number, entry: Omit<Resolved, 'loadedAt'>): void {
    if (generation !== this.generation || performance.now() < this.settleUntil) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(key, { ...entry, loadedAt: performance.now() });
  }

  async session(token: string): Promise<{ actor: Actor; csrfToken: string } | null> {
    const key = `s:${sha256(token)}`;
    const cached = this.hit(key);
    if (cached) return { actor: cached.actor, csrfToken: cached.csrfToken! };
    const generation = this.generation;
    const row = await sessionById(this.s.db, key.slice(2));
    const resolved = row ? await resolveSession(this.s, token) : null;
    if (resolved)
      this.keep(key, generation, { actor: resolved.actor, csrfToken: resolved.csrfToken, expiresAt: row!.expires_at });
    return resolved;
  }

  async apiToken(token: string): Promise<Actor | null> {
    const key = `t:${sha256(token)}`;
    const cached = this.hit(key);
    if (cached) return cached.actor;
    const generation = this.generation;
    const row = await apiTokenByHash(this.s.db, key.slice(2));
    const actor = row ? await resolveApiToken(this.s, token) : null;
    if (actor) this.keep(key, generation, { actor, csrfToken: null, expiresAt: row!.expires_at });
    return actor;
  }
}

export function registerAuth(app: FastifyInstance, s: Services): void {
  const cache = new ActorCache(s);
  const unwatch = s.handle.watchWrites((write) => {
    if (!changesActors(write)) return;
    cache.invalidate();
    if (write.phase === 'after') s.events.publish(AUTH_CHANNEL, { table: write.table });
  });
  const unsubscribe = s.events.subscribe(AUTH_CHANNEL, () => cache.invalidate());
  app.addHook('onClose', async () => {
    unwatch();
    unsubscribe();
  });
  // A route that needs a session or token refuses an anonymous request in onRequest, before its body
  // is read and parsed (a 10 MB body to a signed-in route costs a stranger nothing otherwise).
  app.addHook('onRoute', (route) => {
    if (!needsActor(route)) return;
    route.onRequest = [
      ...([] as onRequestAsyncHookHandler[]).concat((route.onRequest as onRequestAsyncHookHandler[] | undefined) ?? []),
      requireActor,
    ];
  });
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      request.actor = await cache.apiToken(header.slice(7).trim());
      if (!request.actor) throw new AppError('UNAUTHENTICATED');
      refuseUntilPasswordChanged(request);
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (!token) return;
    const session = await cache.session(token);
    if (!session) return;
    if (!SAFE_METHODS.has(request.method) && !request.routeOptions.config?.csrfExempt) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameToken(sent, session.csrfToken)) throw new AppError('CSRF_TOKEN_INVALID');
    }
    request.actor = session.actor;
    refuseUntilPasswordChanged(request);
  });
}

/**
 * Whether a route needs a signed-in actor before its body is parsed: every /api/ route with a guard,
 * and every other one its OpenAPI schema does not declare public (`security: []`). Hidden routes (the
 * OpenAPI document itself) are outside the documented API and keep their own rules.
 */
export function needsActor(route: Pick<RouteOptions, 'url' | 'preHandler' | 'schema'>): boolean {
  if (!route.url.startsWith('/api/')) return false;
  const pre = ([] as unknown[]).concat(route.preHandler ?? []);
  if (pre.some((f) => GUARDS.has(f as preHandlerAsyncHookHandler))) return true;
  const schema = route.schema as { security?: unknown[]; hide?: boolean } | undefined;
  if (schema?.hide) return false;
  return !(Array.isArray(schema?.security) && schema.security.length === 0);
}

const requireActor: onRequestAsyncHookHandler = async (request) => {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
};

/**
 * An account whose password an administrator set may do nothing but read who it is, sign out and
 * choose its own password (PASSWORD_CHANGE_REQUIRED).
 */
function refuseUntilPasswordChanged(request: FastifyRequest): void {
  if (request.actor?.mustChangePassword && !request.routeOptions.config?.beforePasswordChange) {
    throw new AppError('PASSWORD_CHANGE_REQUIRED');
  }
}

/** The actor of an authenticated request; throws UNAUTHENTICATED otherwise. */
export function actorOf(request: FastifyRequest): Actor {
  if (!request.actor) throw new AppError('UNAUTHENTICATED');
  return request.actor;
}

/** preHandler: the request must be signed in and, if given, hold the permission. */
const GUARDS = new WeakSet<preHandlerAsyncHookHandler>();

export function guard(permission?: Permission): preHandlerAsyncHookHandler {
  const check: preHandlerAsyncHookHandler = async (request) => {
    const actor = actorOf(request);
    if (permission && !can(actor.role, permission)) throw new AppError('FORBIDDEN', { permission });
  };
  GUARDS.add(check);
  return check;
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor.role, permission)) throw new AppError('FORBIDDEN', { permission });
}

/**
 * The actor as the audit log records it. A resident's username is opaque (r.<id>; their phone is
 * sealed); one still named by a phone (an account not yet sealed at start-up) is kept masked, so
 * reading the log is not a read of personal data.
 */
export function auditActor(actor: Actor): AuditActor {
  const name =
    actor.role === 'resident' && /^\+?\d[\d\s-]{6,}$/.test(actor.username)
      ? (maskPhone(actor.username) ?? actor.username)
      : actor.username;
  return { id: actor.userId, name, role: actor.role };
}
