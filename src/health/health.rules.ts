// Pure decisions of the health code (健康码): the colour a stored status shows at a moment (reasons
// whose end condition has passed no longer count; an override in force wins), the two-person rule of
// manual changes, the circuit breaker and appeal deadlines. No I/O.
import type { HealthStatusTable } from '../db/database.ts';
import type { Colour, ColourReason, RuleSetRef } from '../rules/ruleset.rules.ts';
import type { FactKind } from '../rules/ruleset.schema.ts';

export const COLOURS = ['green', 'yellow', 'red'] as const;
const SEVERITY: Record<Colour, number> = { green: 0, yellow: 1, red: 2 };

export function worse(a: Colour, b: Colour): Colour {
  return SEVERITY[a] >= SEVERITY[b] ? a : b;
}

export function isColour(value: string): value is Colour {
  return (COLOURS as readonly string[]).includes(value);
}

/** A reason as stored with the colour: the rule's decision plus which fact it rests on. */
export interface StoredReason extends ColourReason {
  source: { type: string; id: string };
  /** Evidence shown with the reason (no raw personal data). */
  detail: Record<string, unknown>;
}

export interface OverrideInForce {
  id: string;
  colour: Colour;
  until: number;
}

/** The manual change stored on a status row, if it is well formed (in force or not). */
export function overrideOf(
  row: Pick<HealthStatusTable, 'override_id' | 'override_colour' | 'override_until'> | undefined,
): OverrideInForce | null {
  if (!row?.override_id || !row.override_colour || row.override_until === null || !isColour(row.override_colour))
    return null;
  return { id: row.override_id, colour: row.override_colour, until: Number(row.override_until) };
}

export interface StatusSnapshot {
  colour: Colour;
  reasons: StoredReason[];
  override: OverrideInForce | null;
}

/** The reasons still in force at `now`. */
export function reasonsAt(reasons: readonly StoredReason[], now: number): StoredReason[] {
  return reasons.filter((r) => r.endsAt === null || r.endsAt > now);
}

/** The colour the rule reasons give at `now` (green when none is left). */
export function derivedColourAt(reasons: readonly StoredReason[], now: number): Colour {
  return reasonsAt(reasons, now).reduce<Colour>((c, r) => worse(c, r.colour), 'green');
}

/** An override in force at `now` wins over the rules; otherwise the rules' colour. */
export function colourAt(
  reasons: readonly StoredReason[],
  override: OverrideInForce | null,
  now: number,
): { colour: Colour; reasons: StoredReason[]; override: OverrideInForce | null } {
  const live = reasonsAt(reasons, now);
  const ov = override && override.until > now ? override : null;
  const colour = ov ? ov.colour : live.reduce<Colour>((c, r) => worse(c, r.colour), 'green');
  return { colour, reasons: live, override: ov };
}

/** When the colour may next change by itself: the earliest end among reasons and the override. */
export function nextChangeAt(
  reasons: readonly StoredReason[],
  override: OverrideInForce | null,
  now: number,
): number | null {
  let next: number | null = null;
  for (const r of reasons)
    if (r.endsAt !== null && r.endsAt > now && (next === null || r.endsAt < next)) next = r.endsAt;
  if (override && override.until > now && (next === null || override.until < next)) next = override.until;
  return next;
}

/** A short words-form of a reason for the door screen: "close-contact (密切接触者) until …". */
export function reasonText(r: Pick<StoredReason, 'rule' | 'fact'>): string {
  return `${r.rule} (${FACT_LABELS[r.fact] ?? r.fact})`;
}

export const FACT_LABELS: Record<FactKind, string> = {
  confirmed: '确诊病例',
  asymptomatic: '无症状感染者',
  suspected: '疑似病例',
  close_contact: '密切接触者',
  centralised_quarantine: '集中隔离',
  home_quarantine: '居家隔离',
  secondary_contact: '次密切接触者',
  fever: '发热或其他症状',
  risk_area_arrival_pending_test: '中高风险区来返人员待检',
  pooled_positive_pending_retest: '混管阳性待复核',
  space_time_companion: '时空伴随者',
  test_overdue: '未按要求检测',
};

export const FACT_LABELS_EN: Record<FactKind, string> = {
  confirmed: 'confirmed case',
  asymptomatic: 'asymptomatic infection',
  suspected: 'suspected case',
  close_contact: 'close contact',
  centralised_quarantine: 'centralised quarantine',
  home_quarantine: 'home quarantine',
  secondary_contact: 'secondary contact',
  fever: 'fever or other symptoms',
  risk_area_arrival_pending_test: 'arrival from a risk area, test pending',
  pooled_positive_pending_retest: 'pooled positive, re-test pending',
  space_time_companion: 'space-time companion',
  test_overdue: 'required test overdue',
};

/** A fact kind in words, or the kind itself when unknown. */
export function factLabel(kind: string, lang: 'zh' | 'en'): string {
  const labels: Record<string, string> = lang === 'en' ? FACT_LABELS_EN : FACT_LABELS;
  return labels[kind] ?? kind;
}

// ---- two-person rule -------------------------------------------------------------------------

export type TwoPersonVerdict = 'ok' | 'SAME_USER' | 'NOT_PENDING';

/** A manual change is approved by a different user than the one who asked, and only once. */
export function twoPersonCheck(request: { requestedBy: string; status: string }, approverId: string): TwoPersonVerdict {
  if (request.status !== 'pending') return 'NOT_PENDING';
  if (request.requestedBy === approverId) return 'SAME_USER';
  return 'ok';
}

// ---- circuit breaker -------------------------------------------------------------------------

/** People in one manual action above the rule set's threshold: held for a command-centre approval. */
export function breakerTrips(threshold: number, people: number, manual: boolean): boolean {
  return manual && people > threshold;
}

// ---- appeals ---------------------------------------------------------------------------------

export type AppealStatus = 'open' | 'upheld' | 'correction_pending' | 'corrected' | 'correction_rejected';

export function appealDueAt(filedAt: number, answerHours: number): number {
  return filedAt + answerHours * 3_600_000;
}

export function appealOverdue(a: { status: string; dueAt: number }, now: number): boolean {
  return a.status === 'open' && a.dueAt <= now;
}

export interface DecisionRecord {
  colour: Colour;
  ruleSet: RuleSetRef;
  reasons: StoredReason[];
}
