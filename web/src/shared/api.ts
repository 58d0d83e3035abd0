// A small typed client for /api/v1: same-origin cookies, JSON, the CSRF token on changes, the UI
// language as Accept-Language, and every failure thrown as an ApiError parsed from problem+json.
import i18n from './i18n.ts';
import type {
  AreaDetail, Area, AuditEventPage, AuditFilter, AuditVerify, Me, UserPatch, BuildingDetail, BuildingRow, CreatedUser, HouseholdDetail,
  ImportResult, LoginResponse, MeResponse, NewPerson, NewUser, Page, PersonView, Problem, Fault, Revealed, UserView,
  PoolAdvice, PoolAdvisorQuery, Challenge, DoorAccount,
} from './types.ts';

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

type Query = Record<string, string | number | boolean | null | undefined>;

function url(path: string, query?: Query): string {
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
        return { ...body, status: body.status ?? res.status, code: body.code, detail: body.detail ?? body.title ?? body.code } as Problem;
      }
    } catch {
      // not JSON after all: fall through
    }
  }
  return { status: res.status, code: `HTTP_${res.status}`, detail: res.statusText || i18n.t('error.http', { status: res.status }) };
}

async function send(method: string, path: string, options: { query?: Query; json?: unknown; form?: FormData } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json, application/problem+json', 'accept-language': i18n.language || 'zh-CN' };
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

/** One JSON request; other modules' clients (venueApi.ts) build on it. */
export async function json<T>(method: string, path: string, options: { query?: Query; json?: unknown; form?: FormData } = {}): Promise<T> {
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

export const api = {
  login: (username: string, password: string) => json<LoginResponse>('POST', '/auth/login', { json: { username, password } }),
  logout: () => json<void>('POST', '/auth/logout'),
  me: () => json<MeResponse>('GET', '/auth/me'),
  /** Who is signed in, if anyone: user null for an anonymous visitor (no 401 on public pages). */
  session: () => json<Omit<MeResponse, 'user'> & { user: MeResponse['user'] | null }>('GET', '/auth/session'),

  rootAreas: () => json<Page<Area>>('GET', '/areas'),
  childAreas: (parentId: string) => json<Page<Area>>('GET', '/areas', { query: { parentId, limit: 500 } }),
  area: (id: string) => json<AreaDetail>('GET', `/areas/${encodeURIComponent(id)}`),
  /** Buildings of the area's subtree; `q` searches by compound and number ("瑞景 1"). */
  buildingsOf: (areaId: string, limit: number, offset: number, q?: string) =>
    json<Page<BuildingRow>>('GET', `/areas/${encodeURIComponent(areaId)}/buildings`, { query: { limit, offset, ...(q ? { q } : {}) } }),
  building: (id: string) => json<BuildingDetail>('GET', `/buildings/${encodeURIComponent(id)}`, { query: { limit: 500 } }),
  household: (id: string) => json<HouseholdDetail>('GET', `/households/${encodeURIComponent(id)}`),

  searchPersons: (q: string, limit: number, offset: number) => json<Page<PersonView>>('GET', '/persons', { query: { q, limit, offset } }),
  createPerson: (person: NewPerson) => json<PersonView>('POST', '/persons', { json: person }),
  reveal: (personId: string, reason: string) => json<Revealed>('POST', `/persons/${encodeURIComponent(personId)}/reveal`, { json: { reason } }),
  /** Door registration: a one-time code to the resident's phone, then the code creates or re-binds the account. */
  doorCode: (personId: string, phone: string) => json<Challenge>('POST', `/persons/${encodeURIComponent(personId)}/resident-account/code`, { json: { phone } }),
  doorAccount: (personId: string, body: { challengeId: string; code: string; password?: string }) =>
    json<DoorAccount>('POST', `/persons/${encodeURIComponent(personId)}/resident-account`, { json: body }),

  importRoster: (file: File, mode: { dryRun: boolean; partial: boolean; newHousehold: boolean }) => {
    const form = new FormData();
    form.append('file', file);
    return json<ImportResult>('POST', '/registry/import', { query: { dryRun: mode.dryRun, partial: mode.partial, newHousehold: mode.newHousehold }, form });
  },
  /** The roster file; its column headers in the UI language. */
  exportRoster: async (format: 'csv' | 'xlsx', areaId: string): Promise<Download> => {
    const lang = i18n.language === 'en' ? 'en' : 'zh';
    const res = await send('GET', '/registry/export', { query: { format, areaId, lang } });
    return { blob: await res.blob(), filename: filenameOf(res, `roster.${format}`) };
  },

  auditEvents: (filter: AuditFilter, limit: number, beforeSeq?: number) =>
    json<AuditEventPage>('GET', '/audit/events', { query: { ...filter, limit, beforeSeq } }),
  /** The export's address: a plain link, so the browser streams the file to disk however large. */
  auditExportUrl: (filter: AuditFilter, format: 'csv' | 'xlsx') => url('/audit/export', { ...filter, format }),
  auditVerify: () => json<AuditVerify>('GET', '/audit/verify'),

  users: (limit: number, offset: number, q?: string) => json<Page<UserView>>('GET', '/users', { query: { limit, offset, q } }),
  createUser: (user: NewUser) => json<CreatedUser>('POST', '/users', { json: user }),
  updateUser: (id: string, patch: UserPatch) => json<UserView>('PATCH', `/users/${encodeURIComponent(id)}`, { json: patch }),
  /** A generated password, shown once; the user must choose their own at the next sign-in. */
  resetPassword: (id: string) => json<{ password: string | null }>('POST', `/users/${encodeURIComponent(id)}/password`, { json: {} }),
  changeOwnPassword: (currentPassword: string, newPassword: string) => json<Me>('POST', '/auth/password', { json: { currentPassword, newPassword } }),

  poolAdvisor: (query: PoolAdvisorQuery) => json<PoolAdvice>('GET', '/testing/pool-advisor', { query: { ...query } }),
};

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
