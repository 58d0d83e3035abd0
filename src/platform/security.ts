// Security headers on every answer (API, web app, API docs) through @fastify/helmet: a
// Content-Security-Policy the web app and Swagger UI pass, no framing (frame-ancestors 'none' and
// X-Frame-Options DENY), X-Content-Type-Options nosniff, and no Referer sent (codes and ids in URLs
// stay on the page). HSTS only when the deployment runs behind HTTPS (CORDON_SECURE_COOKIES=1).
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';

/**
 * Inline styles the policy allows by hash, not by 'unsafe-inline'. React's style props go through the
 * CSS object model, which CSP does not restrict. The inline <style> elements are Cytoscape's (the
 * transmission-chain graph: ".__________cytoscape_container { position: relative; }") and the one
 * Swagger UI renders on the API docs page (/api/v1/docs). test/e2e/security.e2e.test.ts loads both
 * pages in Chromium and fails on any violation, so an upgrade that changes them is noticed.
 */
const STYLE_HASHES = [
  "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='", // Cytoscape
  "'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='", // Swagger UI
];

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'self'"],
  baseUri: ["'self'"],
  scriptSrc: ["'self'"],
  scriptSrcAttr: ["'none'"],
  styleSrc: ["'self'", ...STYLE_HASHES],
  // data: for the page icon and QR codes, blob: for files made in the page (rejected rows, exports).
  imgSrc: ["'self'", 'data:', 'blob:'],
  fontSrc: ["'self'", 'data:'],
  // Same origin only: the API, server-sent events, the service worker.
  connectSrc: ["'self'"],
  workerSrc: ["'self'"],
  manifestSrc: ["'self'"],
  mediaSrc: ["'self'", 'blob:'],
  objectSrc: ["'none'"],
  frameSrc: ["'none'"],
  frameAncestors: ["'none'"],
  formAction: ["'self'"],
};

export async function registerSecurityHeaders(
  app: FastifyInstance,
  config: Pick<Config, 'secureCookies'>,
): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // The camera page and the service worker need nothing cross-origin; embedding is refused anyway.
    crossOriginEmbedderPolicy: false,
    strictTransportSecurity: config.secureCookies ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}
