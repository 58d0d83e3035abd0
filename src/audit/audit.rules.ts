// An audit event's reason as data: what the services write themselves (not what a user typed) is a
// kind and its parameters, kept in the event's detail (so the chain's hash covers them), so that the
// auditor reads it in their own language (the web app's locales, auditReason.*). The English sentence
// stays in the reason column for the terminal, the export and the text search. Events written before
// kinds were stored are read back by matching the sentences the services wrote; any other reason (a
// user's own words, an unknown sentence) has no kind and is shown as written.
import { basisFromText, type BasisData } from '../health/basis.rules.ts';

export const REASON_KINDS = [
  /** A colour change's basis (health/basis.rules.ts): params are the basis's, with its kind as basisKind. */
  'colour_basis',
  /** A resident reading their own colour. */
  'own_colour',
  /** A resident's own page (their person and household). */
  'resident_page',
  /** A person looked up by ID number at a venue's door. */
  'assisted_checkin',
  /** Check-ins older than the retention period purged: days. */
  'retention',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];
export type ReasonParams = Record<string, string | number>;

/** What a service passes to the audit log: the English sentence of the record and the kind with its params. */
export interface KindedReason {
  reason: string;
  reasonKind: ReasonKind;
  reasonParams: ReasonParams;
}

const str = (p: ReasonParams, k: string): string => String(p[k] ?? '');

/** The English sentence of the record for a reason (the words the services wrote before kinds were stored). */
export function reasonText(kind: Exclude<ReasonKind, 'colour_basis'>, p: ReasonParams = {}): string {
  switch (kind) {
    case 'own_colour':
      return 'own colour';
    case 'resident_page':
      return 'resident page';
    case 'assisted_checkin':
      return 'assisted check-in';
    case 'retention':
      return `retention ${str(p, 'days')} days`;
  }
}

/** A reason as a service writes it: its English sentence, its kind and its params. */
export function reasonOf(kind: Exclude<ReasonKind, 'colour_basis'>, params: ReasonParams = {}): KindedReason {
  return { reason: reasonText(kind, params), reasonKind: kind, reasonParams: params };
}

/** A colour change's basis as an event's reason (a basis without its kind: the sentence alone, read back later). */
export function basisReason(basis: Partial<BasisData> & { reason: string }): KindedReason | { reason: string } {
  if (!basis.kind) return { reason: basis.reason };
  return {
    reason: basis.reason,
    reasonKind: 'colour_basis',
    reasonParams: { ...(basis.params ?? {}), basisKind: basis.kind },
  };
}

/** Actions whose reason is a colour change's basis (health, risk areas). */
const BASIS_ACTIONS = new Set([
  'health.colour.change',
  'health.recompute',
  'health.recolour.held',
  'riskarea.downgrade',
  'riskarea.arrivals',
]);

/** Sentences of the record written before kinds were stored, each by the action that wrote it. */
const LEGACY: Array<[string, RegExp, Exclude<ReasonKind, 'colour_basis'>]> = [
  ['health.read', /^own colour$/, 'own_colour'],
  ['person.read', /^resident page$/, 'resident_page'],
  ['person.lookup', /^assisted check-in$/, 'assisted_checkin'],
  ['checkin.purge', /^retention (?<days>\d+) days$/, 'retention'],
];

/**
 * The kind and params of a stored event's reason: those written in its detail, else those read from
 * a sentence the services wrote before kinds were stored; null for a reason of a user's own words or
 * an unknown sentence (shown as written). `rest` is the detail without the reason's fields.
 */
export function storedReason(
  action: string,
  reason: string,
  detail: unknown,
): { kind: ReasonKind | null; params: ReasonParams | null; rest: unknown } {
  if (detail && typeof detail === 'object' && !Array.isArray(detail) && 'reasonKind' in detail) {
    const { reasonKind, reasonParams, ...rest } = detail as Record<string, unknown>;
    if (typeof reasonKind === 'string' && (REASON_KINDS as readonly string[]).includes(reasonKind)) {
      const params =
        reasonParams && typeof reasonParams === 'object' && !Array.isArray(reasonParams)
          ? (reasonParams as ReasonParams)
          : {};
      return { kind: reasonKind as ReasonKind, params, rest };
    }
  }
  if (reason && BASIS_ACTIONS.has(action)) {
    const basis = basisFromText(reason);
    if (basis.kind !== 'other')
      return { kind: 'colour_basis', params: { ...basis.params, basisKind: basis.kind }, rest: detail };
  }
  for (const [a, re, kind] of LEGACY) {
    if (a !== action) continue;
    const m = re.exec(reason);
    if (m) return { kind, params: { ...m.groups }, rest: detail };
  }
  return { kind: null, params: null, rest: detail };
}
