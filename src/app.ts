// build(services) → a Fastify instance with every route, not listening. Tests call app.inject().
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyServerOptions } from 'fastify';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Services } from './services.ts';
import { AppError, langFrom, toProblem } from './platform/errors.ts';
import { installErrorCatalogue } from './errors.catalogue.ts';
import { textKeyword } from './platform/text.ts';
import { registerAuth } from './access/auth.ts';
import { registerSecurityHeaders } from './platform/security.ts';
import type { App } from './platform/http.ts';
import { VERSION } from './version.ts';
import { faultOf } from './db/faults.ts';
import { faultAnswer } from './ops/ops.rules.ts';
import { opsRoutes } from './ops/ops.routes.ts';
import { accessRoutes, type AccessRouteOptions } from './access/access.routes.ts';
import { registryRoutes } from './registry/registry.routes.ts';
import { rosterRoutes } from './registry/roster.routes.ts';
import { auditRoutes } from './audit/audit.routes.ts';
import { venueRoutes } from './venues/venue.routes.ts';
import { liveRoutes } from './venues/venue.live.routes.ts';
import { residentRoutes } from './residents/residents.routes.ts';
import { poolingRoutes } from './testing/pooling.routes.ts';
import { testingRoutes } from './testing/testing.routes.ts';
import { rulesetRoutes } from './rules/ruleset.routes.ts';
import { tracingRoutes } from './tracing/tracing.routes.ts';
import { riskAreaRoutes } from './riskareas/riskareas.routes.ts';
import { quarantineOrderRoutes } from './quarantine/orders.routes.ts';
import { quarantineHomeRoutes } from './quarantine/home.routes.ts';
import { enterpriseRoutes } from './logistics/enterprises.routes.ts';
import { passRoutes } from './logistics/passes.routes.ts';
import { reserveRoutes } from './logistics/reserves.routes.ts';
import { decisionRoutes } from './decision/decision.routes.ts';
import { tripRoutes } from './logistics/trips.routes.ts';
import { volunteerRoutes } from './volunteers/volunteers.routes.ts';
import { lazyRequestLogger } from './platform/logging.ts';
import { rateLimitRedis } from './platform/ratelimit.ts';
import { notifyRoutes } from './notify/notify.routes.ts';
import { healthRoutes } from './health/health.routes.ts';
import { commandRoutes } from './command/command.routes.ts';
import { quarantineSiteRoutes } from './quarantine/sites.routes.ts';
import { allocationRoutes } from './quarantine/allocation.routes.ts';
import { transferRoutes } from './quarantine/transfer.routes.ts';
import { careRoutes } from './quarantine/care.routes.ts';
import { siteOpsRoutes } from './quarantine/siteops.routes.ts';

export const WEB_DIST = fileURLToPath(new URL('../web/dist', import.meta.url));

export interface BuildOptions {
  logger?: boolean | object;
  /** Serve the built web app (default: when web/dist exists). */
  serveWeb?: boolean;
  /** Sign-in rate limit and other access settings (tests lower the limit). */
  access?: AccessRouteOptions;
}

// The validators: Fastify's own AJV compiler (the one it would build itself), twice — querystrings, params
// and headers coerce ("?limit=10" is a number), JSON bodies do not ({"note":123} and {"name":["a"]} are
// refused, not stored as "123" and "a").
type ValidatorFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildValidator']
>;
const ajvCompiler = createRequire(createRequire(import.meta.url).resolve('fastify'))(
  '@fastify/ajv-compiler',
) as () => ValidatorFactory;
const validators = ajvCompiler();
const strictBodies: ValidatorFactory = (externalSchemas, options) => {
  const coercing = validators(externalSchemas, options);
  const strict = validators(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: false },
  } as typeof options);
  return (route) => (route.httpPart === 'body' ? strict : coercing)(route);
};

// The response serializers: fast-json-stringify's, compiled once per schema in this process. Compiling every
// route's response schema is most of the cost of building the app; a process that builds it more than once
// (the API tests build one per test) reuses what it compiled. A serializer is a pure function of its schema
// and options, so one compiled for an earlier instance serves a later one alike.
type SerializerFactory = NonNullable<
  NonNullable<NonNullable<FastifyServerOptions['schemaController']>['compilersFactory']>['buildSerializer']
>;
const serializers = (
  createRequire(createRequire(import.meta.url).resolve('fastify'))('@fastify/fast-json-stringify-compiler') as {
    SerializerSelector: () => SerializerFactory;
  }
).SerializerSelector();
const compiled = new Map<string, WeakMap<object, ReturnType<ReturnType<SerializerFactory>>>>();
const reusedSerializers: SerializerFactory = (externalSchemas, options) => {
  const compile = serializers(externalSchemas, options);
  const key = JSON.stringify([externalSchemas, options]);
  let bySchema = compiled.get(key);
  if (!bySchema) compiled.set(key, (bySchema = new WeakMap()));
  return (route) => {
    const schema = route.schema as object;
    let fn = bySchema.get(schema);
    if (!fn) bySchema.set(schema, (fn = compile(route)));
    return fn;
  };
};

/** A name refused by the `x-text` keyword: TEXT_FORBIDDEN_CHARACTER naming the field and the character. */
function textFault(error: Error): AppError | null {
  const v = (
    error as {
      validation?: Array<{ keyword?: string; instancePath?: string; params?: { char?: string } }>;
      validationContext?: string;
    }
  ).validation;
  const hit = v?.find((e) => e.keyword === 'x-text');
  if (!hit) return null;
  const field =
    (hit.instancePath ?? '').split('/').filter(Boolean).join('.') ||
    (error as { validationContext?: string }).validationContext ||
    'body';
  const char = hit.params?.char ?? '';
  return new AppError(
    'TEXT_FORBIDDEN_CHARACTER',
    { field, char },
    { faults: [{ field, code: 'TEXT_FORBIDDEN_CHARACTER', params: { field, char } }] },
  );
}

export async function build(s: Services, options: BuildOptions = {}): Promise<App> {
  installErrorCatalogue();
  const app = Fastify({
    logger: options.logger ?? false,
    childLoggerFactory: lazyRequestLogger,
    trustProxy: s.config.trustProxy,
    bodyLimit: 10 * 1024 * 1024,
    ajv: {
      customOptions: { coerceTypes: 'array', useDefaults: true, removeAdditional: false, allErrors: false },
      plugins: [textKeyword],
    },
    schemaController: { compilersFactory: { buildValidator: strictBodies, buildSerializer: reusedSerializers } },
  }).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  app.setErrorHandler((error: Error, request, reply) => {
    const lang = langFrom(request.headers['accept-language']);
    const status = (error as { statusCode?: number }).statusCode;
    let appError: AppError;
    const text = textFault(error);
    if (error instanceof AppError) appError = error;
    else if (text) appError = text;
    else if ((error as { validation?: unknown }).validation)
      appError = new AppError('VALIDATION', { detail: error.message });
    else if (status === 429) appError = new AppError('RATE_LIMITED');
    else if (status === 413) appError = new AppError('PAYLOAD_TOO_LARGE');
    else if (status && status < 500) appError = new AppError('VALIDATION', { detail: error.message });
    else if (faultOf(error)) {
      // The database's fault, not the request's: 503 with a retry hint, logged once per interval.
      const kind = faultOf(error)!;
      s.handle.faults.note(kind, error, `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`);
      const answer = faultAnswer(kind);
      reply.header('retry-after', String(answer.retryAfterS));
      appError = new AppError(answer.code);
    } else {
      request.log.error(error);
      appError = new AppError('INTERNAL');
    }
    reply.status(appError.status).type('application/problem+json').send(toProblem(appError, lang));
  });

  await registerSecurityHeaders(app, s.config);

  // A read that met a dropped database connection runs once more (on another connection from the
  // pool): reads change nothing, so the client need not see the fault. Writes answer 503.
  app.addHook('onRoute', (route) => {
    const methods = [route.method].flat();
    const handler = route.handler as (this: unknown, ...args: unknown[]) => unknown;
    if (!methods.every((m) => m === 'GET' || m === 'HEAD') || handler.constructor.name !== 'AsyncFunction') return;
    route.handler = async function retryOnce(this: unknown, request, reply) {
      try {
        return await handler.call(this, request, reply);
      } catch (err) {
        if (faultOf(err) !== 'connection-lost' || reply.sent) throw err;
        s.handle.faults.note('connection-lost', err, `${request.method} ${route.url} (retried)`);
        return await handler.call(this, request, reply);
      }
    };
  });

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      info: { title: 'Cordon API', version: VERSION, description: 'Cordon (一站式防疫指挥系统) HTTP API' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'cordon_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ session: [] }, { token: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/v1/docs' });
  registerAuth(app, s);
  // One Redis connection for the rate limits of this app (sign-in, registration), when there is Redis.
  const rateLimitRedisClient = options.access?.rateLimitRedis ?? rateLimitRedis(s);
  if (rateLimitRedisClient && !options.access?.rateLimitRedis)
    app.addHook('onClose', async () => {
      rateLimitRedisClient.disconnect();
    });
  const access: AccessRouteOptions = { ...options.access, rateLimitRedis: rateLimitRedisClient };

  app.get('/api/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(async (api) => opsRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => accessRoutes(api as App, s, access), { prefix: '/api/v1' });
  await app.register(async (api) => registryRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => rosterRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => auditRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => venueRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => liveRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => residentRoutes(api as App, s, access), { prefix: '/api/v1' });
  await app.register(async (api) => poolingRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => testingRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => rulesetRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => tracingRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => riskAreaRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => notifyRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => healthRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => commandRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => quarantineSiteRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => allocationRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => transferRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => careRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => siteOpsRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => quarantineOrderRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => quarantineHomeRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => enterpriseRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => passRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => reserveRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => decisionRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => tripRoutes(api as App, s), { prefix: '/api/v1' });
  await app.register(async (api) => volunteerRoutes(api as App, s, access), { prefix: '/api/v1' });

  const serveWeb = options.serveWeb ?? fs.existsSync(path.join(WEB_DIST, 'index.html'));
  if (serveWeb) {
    await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false });
  }
  app.setNotFoundHandler((request, reply) => {
    if (!request.url.startsWith('/api/') && serveWeb && request.method === 'GET') {
      return reply.type('text/html').sendFile('index.html');
    }
    const err = new AppError('ROUTE_NOT_FOUND', { method: request.method, url: request.url.split('?')[0] });
    return reply
      .status(404)
      .type('application/problem+json')
      .send(toProblem(err, langFrom(request.headers['accept-language'])));
  });

  await app.ready();
  return app;
}
