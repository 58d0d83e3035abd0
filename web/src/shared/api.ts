// The fetch core of the typed client for /api/v1: same-origin cookies, JSON, the CSRF token on changes,
// the UI language as Accept-Language, and every failure thrown as an ApiError parsed from problem+json.
// Each domain's calls are in its own <domain>Api.ts (registryApi, accessApi, auditApi, venueApi, ...).
import i18n from './i18n.ts';
import type { Problem, Fault } from './types.ts';

const BASE = '/api/v1';

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: string;
  readonly errors: Fault[];
  /** The whole problem document, for extra members such as lockedUntil or existing. */
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
    this.name = 'ApiError';
    this.status = problem.status;
    this.code = problem.code;
    this.detail = problem.detail;
    this.errors = problem.errors ?? [];
    this.problem = problem;
  }
}

let csrfToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request that needed a session got 401 (the session ended or expired). */
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

/** The address of an API path with its query (empty values left out), for plain links. */
export function url(path: string, query?: Query): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return `${BASE}${path}${qs ? `?${qs}` : ''}`;
}

async function problemOf(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Partial<Problem>;
      if (body && typeof body.code === 'string') {
        return {
          ...body,
          status: body.status ?? res.status,
          code: body.code,
          detail: body.detail ?? body.title ?? body.code,
        } as Problem;
      }
    } catch {
      // not JSON after all: fall through
    }
  }
  return {
    status: res.status,
    code: `HTTP_${res.status}`,
    detail: res.statusText || i18n.t('error.http', { status: res.status }),
  };
}

async function send(
  method: string,
  path: string,
  options: { query?: Query; json?: unknown; form?: FormData } = {},
): Promise<Response> {
  const headers: Record<string, string> = {
    accept: 'application/json, application/problem+json',
    'accept-language': i18n.language || 'zh-CN',
  };
  let body: BodyInit | undefined;
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.json);
  } else if (options.form) {
    body = options.form;
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(url(path, options.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError({ status: 0, code: 'NETWORK', detail: i18n.t('error.network') });
  }
  if (!res.ok) {
    const problem = await problemOf(res);
    if (res.status === 401 && path !== '/auth/login' && path !== '/auth/me') onUnauthenticated?.();
    throw new ApiError(problem);
  }
  return res;
}

/** One JSON request; every domain's client (registryApi.ts, venueApi.ts, ...) builds on it. */
export async function json<T>(
  method: string,
  path: string,
  options: { query?: Query; json?: unknown; form?: FormData } = {},
): Promise<T> {
  const res = await send(method, path, options);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A file the server sends (exports): the bytes and the name from Content-Disposition. */
export interface Download {
  blob: Blob;
  filename: string;
}

function filenameOf(res: Response, fallback: string): string {
  const cd = res.headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
  if (star) return decodeURIComponent(star[1]!.trim());
  const plain = /filename="?([^";]+)"?/i.exec(cd);
  return plain ? plain[1]!.trim() : fallback;
}

/** A file the server sends, named by its Content-Disposition (or `fallback`). */
export async function download(path: string, query: Query, fallback: string): Promise<Download> {
  const res = await send('GET', path, { query });
  return { blob: await res.blob(), filename: filenameOf(res, fallback) };
}

/** Offers bytes to the user as a file download. */
export function saveFile(blob: Blob, filename: string): void {
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
