// Small shared pieces of the tracing pages: badges for case status, contact class, review and call
// status; a person's colour with its reasons; a contact's evidence; date-time input conversion.
import { RuleLabel, RuleSetName } from '../shared/Labels.tsx';
import { useEffect, useState } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { formatDateTime, TIME_ZONE } from '../shared/format.ts';
import { currentLanguage } from '../shared/i18n.ts';
import { tracingApi, type ContactView, type PersonHealth } from './tracingApi.ts';
import './tracing.css';
import { Label } from '../shared/Label.tsx';

export function CaseStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`cls st-${status}`} data-testid="case-status" data-status={status}>
      {t(`tracing.status.${status}`, { defaultValue: status })}
    </span>
  );
}

export function ClassBadge({ cls }: { cls: string | null }) {
  const { t } = useTranslation();
  if (!cls) return null;
  return (
    <span className={`cls cls-${cls}`} data-testid="contact-class" data-class={cls}>
      {t(`tracing.class.${cls}`, { defaultValue: cls })}
    </span>
  );
}

export function ReviewBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`cls rv-${status}`} data-testid="review-status" data-status={status}>
      {t(`tracing.review.${status}`, { defaultValue: status })}
    </span>
  );
}

export function CallStatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`cls call-${status}`} data-testid="call-status" data-status={status}>
      {t(`tracing.call.status.${status}`, { defaultValue: status })}
    </span>
  );
}

/** A person's colour and its reasons from the health module; nothing when that module does not answer. */
export function PersonColour({ personId, refresh = 0 }: { personId: string; refresh?: number }) {
  const { t } = useTranslation();
  const [health, setHealth] = useState<PersonHealth | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void tracingApi.personHealth(personId).then((h) => {
      if (live) setHealth(h);
    });
    return () => {
      live = false;
    };
  }, [personId, refresh]);
  if (!health) return null;
  return (
    <div className={`colour colour-${health.colour}`} data-testid="person-colour" data-colour={health.colour}>
      <span className="colour-dot" aria-hidden="true" />
      <Link to={`/persons/${encodeURIComponent(personId)}/health`}>
        {t(`tracing.colour.${health.colour}`, { defaultValue: health.colour })}
      </Link>
      {health.reasons.length > 0 && (
        <ul className="colour-reasons" data-testid="person-colour-reasons">
          {health.reasons.map((r, i) => (
            <li key={i} data-rule={r.rule} data-fact={r.fact}>
              {t(`tracing.fact.${r.fact}`, { defaultValue: r.fact })}
              {' · '}
              <RuleLabel rule={typeof r.detail.rule === 'string' ? r.detail.rule : r.rule} />
              {r.endsAt !== null ? ` · ${t('tracing.factUntil', { at: formatDateTime(r.endsAt) })}` : ''}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

const time = (ms: number | null | undefined) => formatDateTime(ms ?? null);

/** "03/23 14:00–15:00" (deployment time): a slot on one line, the end's day shown when it differs. */
export function formatSlot(from: number | null, to: number | null): string {
  if (from === null) return '—';
  const lang = currentLanguage();
  const day = (ms: number) =>
    new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, month: '2-digit', day: '2-digit' }).format(new Date(ms));
  const hm = (ms: number) =>
    new Intl.DateTimeFormat(lang, { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false }).format(
      new Date(ms),
    );
  if (to === null) return `${day(from)} ${hm(from)}`;
  return `${day(from)} ${hm(from)}–${day(to) === day(from) ? '' : `${day(to)} `}${hm(to)}`;
}

/** A visit whose check-in a purge deleted: the evidence shows it as stored when the case was traced. */
function PurgedVisit({ purged }: { purged?: boolean }) {
  const { t } = useTranslation();
  return purged ? (
    <span className="muted small" data-testid="evidence-visit-purged">
      {' '}
      ({t('tracing.evidence.purgedVisit')})
    </span>
  ) : null;
}

/** A visit sent later from a guard device's queue: its time is the device's, arrived this much later. */
export const LATE_SCAN_MS = 60_000;

/** " · 补传:扫码后 N 分钟送达" for a visit whose scan reached the server a minute or more after it was made. */
export function LateScan({ gapMs }: { gapMs: number | undefined }) {
  const { t } = useTranslation();
  if (gapMs === undefined || gapMs < LATE_SCAN_MS) return null;
  return (
    <span className="badge badge-warn" data-testid="visit-late-scan" title={t('tracing.evidence.lateScanHelp')}>
      {t('tracing.evidence.lateScan', { minutes: Math.round(gapMs / 60_000) })}
    </span>
  );
}

/**
 * What made the contact: the venue encounters one line each (venue, the contact's visit, the overlap;
 * both visits in full on demand), the household, or the investigator's note.
 */
export function ContactEvidence({ contact }: { contact: ContactView }) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  const encounters = contact.evidence.encounters ?? [];
  const purged = contact.evidence.checkinsPurged;
  return (
    <div data-testid="contact-evidence">
      {contact.basis === 'venue' &&
        encounters.map((e, i) => (
          <div className="evidence" key={`${e.caseVisit.checkinId}-${e.contactVisit.checkinId}-${i}`}>
            <div className="evidence-one" data-testid="evidence-line">
              <span className="evidence-venue" data-testid="evidence-venue">
                {e.venueName}
              </span>
              {' · '}
              {formatSlot(e.contactVisit.enteredAt, e.contactVisit.exitedAt)}
              {(e.caseVisit.purged || e.contactVisit.purged) && (
                <span className="muted small" data-testid="evidence-line-purged">
                  {' '}
                  ({t('tracing.evidence.purgedVisit')})
                </span>
              )}
              {' · '}
              <span data-testid="evidence-overlap">
                {t('tracing.evidence.overlap', { minutes: Math.round(e.overlapMinutes) })}
              </span>{' '}
              <LateScan gapMs={Math.max(e.caseVisit.scanGapMs ?? 0, e.contactVisit.scanGapMs ?? 0) || undefined} />
              {i === 0 && (
                <button
                  type="button"
                  className="btn btn-small btn-ghost evidence-toggle"
                  data-testid="evidence-toggle"
                  aria-expanded={open}
                  onClick={() => setOpen((o) => !o)}
                >
                  {open ? t('reviewGroups.hideDetails') : t('reviewGroups.details')}
                </button>
              )}
            </div>
            <div hidden={!open} data-testid="evidence-details">
              <div className="evidence-line">
                <Label text={t('tracing.evidence.caseVisit')} />
                {time(e.caseVisit.enteredAt)} – {time(e.caseVisit.exitedAt)}
                {!e.caseVisit.exitRecorded && ` (${t('tracing.evidence.noExit')})`}
                <PurgedVisit purged={e.caseVisit.purged} /> <LateScan gapMs={e.caseVisit.scanGapMs} />
              </div>
              <div className="evidence-line">
                <Label text={t('tracing.evidence.contactVisit')} />
                {time(e.contactVisit.enteredAt)} – {time(e.contactVisit.exitedAt)}
                {!e.contactVisit.exitRecorded && ` (${t('tracing.evidence.noExit')})`}
                <PurgedVisit purged={e.contactVisit.purged} /> <LateScan gapMs={e.contactVisit.scanGapMs} />
              </div>
            </div>
          </div>
        ))}
      {contact.basis === 'household' && <div className="evidence">{t('tracing.evidence.household')}</div>}
      {contact.basis === 'secondary' && (
        <div className="evidence">{t('tracing.evidence.secondary', { from: time(contact.firstExposureAt) })}</div>
      )}
      {purged && (
        <div className="muted small" data-testid="evidence-purged" data-before={purged.before}>
          {t('tracing.evidence.purgedNote', { count: purged.encounters, at: time(purged.before) })}
        </div>
      )}
      {contact.basis === 'manual' && (
        <div className="evidence">
          {t(`tracing.reason.${contact.reasonCode}`, { defaultValue: contact.reasonCode })}
          {contact.evidence.note ? `: ${contact.evidence.note}` : ''}
        </div>
      )}
      <div className="muted small" data-testid="contact-rule">
        <Label text={t('tracing.evidence.rule')} />
        <RuleLabel rule={contact.rule.rule} /> ·{' '}
        <RuleSetName id={contact.rule.ruleSet.id} version={contact.rule.ruleSet.version} />
      </div>
    </div>
  );
}

/** A short reason for a review, from the contact's evidence, so that one click can carry it. */
export function suggestedReason(t: (k: string, o?: Record<string, unknown>) => string, c: ContactView): string {
  const e = c.evidence.encounters?.[0];
  if (c.basis === 'venue' && e)
    return t('tracing.queue.suggestVenue', { venue: e.venueName, minutes: Math.round(e.overlapMinutes) });
  if (c.basis === 'household') return t('tracing.queue.suggestHousehold');
  return t('tracing.queue.suggestOther');
}

/** datetime-local value (deployment time, +08:00) ↔ epoch ms. */
export function localInputToMs(value: string): number | null {
  if (!value) return null;
  const ms = Date.parse(`${value.length === 16 ? `${value}:00` : value}+08:00`);
  return Number.isNaN(ms) ? null : ms;
}

export function msToLocalInput(ms: number): string {
  return new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
}

/** A date input (YYYY-MM-DD, deployment time) → the first instant of that day. */
export function dateToMs(value: string, endOfDay = false): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(`${value}T00:00:00+08:00`);
  if (Number.isNaN(ms)) return undefined;
  return endOfDay ? ms + 86_400_000 : ms;
}
