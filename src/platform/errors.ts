// One error envelope everywhere: RFC 9457 problem+json with a stable `code`, a message in the
// request's language, and for bulk input the row and column of each fault. Domains declare their
// codes with defineErrors(); src/errors.catalogue.ts assembles every domain's codes into the one
// catalogue (ErrorCode) that AppError takes, so a misspelt code fails the typecheck. Tests assert
// codes, never messages.

export type Lang = 'zh' | 'en';

export interface ErrorSpec {
  status: number;
  /** Message templates; {name} is replaced by the error's params. */
  zh: string;
  en: string;
}

/**
 * Every error code of the system, as keys. Empty here: src/errors.catalogue.ts augments it with each
 * domain's codes (platform imports no domain), so ErrorCode is the union of all of them.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging (src/errors.catalogue.ts)
export interface ErrorCodes {}

/**
 * A code of the catalogue. A program that does not include src/errors.catalogue.ts (the web app's
 * check of the response schemas compiles only some schema files) sees no codes and takes any string;
 * `npm run typecheck` compiles all of src, where only catalogue codes pass.
 */
export type ErrorCode = [keyof ErrorCodes] extends [never] ? string : keyof ErrorCodes & string;

/** A domain's codes with their messages and statuses; pure (registers nothing). */
export function defineErrors<T extends Record<string, ErrorSpec>>(specs: T): Readonly<T> {
  return Object.freeze(specs);
}

/**
 * One catalogue from every domain's defineErrors block; a code defined twice is refused, so two
 * domains cannot give one code two meanings.
 */
export function assembleErrorCatalogue(
  parts: Readonly<Record<string, Readonly<Record<string, ErrorSpec>>>>,
): ReadonlyMap<string, Readonly<ErrorSpec>> {
  const catalogue = new Map<string, Readonly<ErrorSpec>>();
  const owner = new Map<string, string>();
  for (const [part, specs] of Object.entries(parts)) {
    for (const [code, spec] of Object.entries(specs)) {
      const first = owner.get(code);
      if (first !== undefined) throw new Error(`error code ${code} defined twice (${first} and ${part})`);
      owner.set(code, part);
      catalogue.set(code, spec);
    }
  }
  return catalogue;
}

let catalog: ReadonlyMap<string, Readonly<ErrorSpec>> = new Map();

/** Makes `catalogue` the one AppError and messageFor read (installErrorCatalogue() in src/errors.catalogue.ts). */
export function useErrorCatalogue(catalogue: ReadonlyMap<string, Readonly<ErrorSpec>>): void {
  catalog = catalogue;
}

/** Every code in use with its messages (read-only; for catalogue checks such as the zh language test). */
export function errorCatalog(): ReadonlyMap<string, Readonly<ErrorSpec>> {
  return catalog;
}

/**
 * `code` when the catalogue has it, else INTERNAL: for codes that arrive as data (a stored outcome, a
 * library's error) rather than from this code base's own literals.
 */
export function asErrorCode(code: string | null | undefined): ErrorCode {
  return code && catalog.has(code) ? (code as ErrorCode) : ('INTERNAL' as ErrorCode);
}

export type Params = Record<string, string | number | undefined>;

/** One fault in one place of a bulk input (row 1 is the header row of a sheet). */
export interface Fault {
  row?: number;
  column?: string;
  field?: string;
  code: ErrorCode;
  params?: Params;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly params: Params;
  readonly faults: Fault[];
  /** Extra machine-readable members for the problem document (e.g. the existing record). */
  readonly extra: Record<string, unknown>;

  constructor(
    code: ErrorCode,
    params: Params = {},
    options: { faults?: Fault[]; extra?: Record<string, unknown> } = {},
  ) {
    const spec = catalog.get(code);
    super(spec ? render(spec.en, params) : code);
    this.name = 'AppError';
    this.code = code;
    this.status = spec?.status ?? 500;
    this.params = params;
    this.faults = options.faults ?? [];
    this.extra = options.extra ?? {};
  }
}

function render(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(params[k] ?? `{${k}}`));
}

export function messageFor(code: ErrorCode, params: Params = {}, lang: Lang = 'zh'): string {
  const spec = catalog.get(code);
  if (!spec) return code;
  return render(spec[lang], params);
}

export function langFrom(acceptLanguage: string | undefined): Lang {
  if (!acceptLanguage) return 'zh';
  const first = acceptLanguage.split(',')[0]!.trim().toLowerCase();
  return first.startsWith('en') ? 'en' : 'zh';
}

export interface ProblemFault extends Fault {
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  errors?: ProblemFault[];
  [extra: string]: unknown;
}

export function localizeFaults(faults: Fault[], lang: Lang): ProblemFault[] {
  return faults.map((f) => ({ ...f, message: messageFor(f.code, f.params, lang) }));
}

export function toProblem(err: AppError, lang: Lang): Problem {
  const detail = messageFor(err.code, err.params, lang);
  return {
    type: `https://cordon.dev/problems/${err.code.toLowerCase().replace(/_/g, '-')}`,
    title: err.code,
    status: err.status,
    code: err.code,
    detail,
    ...err.extra,
    ...(err.faults.length ? { errors: localizeFaults(err.faults, lang) } : {}),
  };
}

export const CommonErrors = defineErrors({
  VALIDATION: { status: 400, zh: '请求格式错误：{detail}', en: 'The request is malformed: {detail}' },
  NOT_FOUND: { status: 404, zh: '找不到{what}', en: '{what} not found' },
  AREA_NOT_FOUND: { status: 404, zh: '找不到该区域', en: 'Area not found' },
  ROUTE_NOT_FOUND: { status: 404, zh: '没有这个接口：{method} {url}', en: 'No such endpoint: {method} {url}' },
  UNAUTHENTICATED: { status: 401, zh: '请先登录', en: 'Please sign in first' },
  FORBIDDEN: { status: 403, zh: '无权执行此操作（{permission}）', en: 'Not allowed ({permission})' },
  OUT_OF_SCOPE: { status: 403, zh: '该记录不在您的管辖区域内', en: 'This record is outside your area' },
  CSRF_TOKEN_INVALID: {
    status: 403,
    zh: '页面已过期，请刷新后重试（CSRF 校验失败）',
    en: 'The page is stale; reload and try again (CSRF check failed)',
  },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests; try again later' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '上传内容过大', en: 'The upload is too large' },
  REASON_REQUIRED: { status: 400, zh: '查看完整信息必须填写事由', en: 'A reason is required to see the full value' },
  INTERNAL: { status: 500, zh: '服务器内部错误', en: 'Internal server error' },
});
