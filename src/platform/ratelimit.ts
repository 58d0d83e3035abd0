// Rate limits shared by every server process: with REDIS_URL, @fastify/rate-limit counts in Redis
// (its own store, under the deployment's prefix), so a client spreading its attempts over N processes
// is limited as one; without it, in the process's memory (the single embedded process). While Redis
// does not answer the limit is skipped rather than refusing everyone: sign-in keeps its lockout in the
// database (login_failure) whatever Redis does.
import type { RateLimitPluginOptions } from '@fastify/rate-limit';
import { Redis } from 'ioredis';
import { redisPrefix } from '../config.ts';
import type { Services } from '../services.ts';
import { AppError } from './errors.ts';

/** Longest wait for Redis on a rate-limited request before it is let through unlimited (ms). */
const REDIS_WAIT_MS = 500;

/** A Redis connection for the rate limits when the deployment has Redis; the caller closes it. */
export function rateLimitRedis(s: Pick<Services, 'config' | 'handle'>): Redis | undefined {
  if (!s.config.redisUrl) return undefined;
  const client = new Redis(s.config.redisUrl, {
    connectTimeout: REDIS_WAIT_MS * 4,
    commandTimeout: REDIS_WAIT_MS,
    maxRetriesPerRequest: 0,
    // Nothing waits for a connection: a request while Redis is away is let through at once.
    enableOfflineQueue: false,
  });
  let last = 0;
  client.on('error', (err: Error) => {
    const now = Date.now();
    if (now - last < 60_000) return; // said at most once a minute
    last = now;
    console.error(`redis rate limits (skipped while it does not answer): ${err.message}`);
  });
  return client;
}

/** The plugin's options: limits per route (`config.rateLimit`), the 429 as RATE_LIMITED with its retry. */
export function rateLimitOptions(
  s: Pick<Services, 'config' | 'handle'>,
  redis: Redis | undefined,
): RateLimitPluginOptions {
  return {
    global: false,
    ...(redis ? { redis, nameSpace: `${redisPrefix(s.config, s.handle.pgSchema)}rate:`, skipOnError: true } : {}),
    errorResponseBuilder: (_request, context) =>
      new AppError('RATE_LIMITED', {}, { extra: { retryAfterSeconds: Math.ceil(context.ttl / 1000) } }),
  };
}
