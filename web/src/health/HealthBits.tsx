// Shared pieces of the health-code pages: the colour badge, a reason with its end condition, the
// colour history with each change's basis, status badges of requests and appeals.
import { useTranslation } from 'react-i18next';
import { formatDateTime } from '../shared/format.ts';
import type { Colour, EndCondition, HealthHistory, HealthReason } from './healthApi.ts';
import './health.css';
import { actorLabel, BasisText, RuleLabel, RuleSetName } from '../shared/Labels.tsx';
import { Label } from '../shared/Label.tsx';

export function ColourBadge({ colour, big = false }: { colour: Colour; big?: boolean }) {
  const { t } = useTranslation();
  return (
    <span className={`hc-badge hc-${colour} ${big ? 'hc-big' : ''}`} data-testid="health-colour" data-colour={colour}>
      <span className="hc-dot" aria-hidden="true" />
      {t(`health.colour.${colour}`)}
    </span>
  );
}

export function EndsText({ ends, endsAt }: { ends: EndCondition; endsAt: number | null }) {
  const { t } = useTranslation();
  const how =
    ends.kind === 'negative_tests'
      ? t('health.ends.negative_tests', { count: ends.count, hours: ends.minHoursApart })
      : ends.kind === 'days'
        ? t('health.ends.days', { days: ends.days })
        : t(`health.ends.${ends.kind}`);
  return (
    <span className="hc-ends" data-testid="health-ends">
      <Label text={t('health.endsWhen')} />
      {how}
      {endsAt !== null ? ` · ${t('health.endsAt', { at: formatDateTime(endsAt) })}` : ''}
    </span>
  );
}

export function ReasonList({ reasons }: { reasons: HealthReason[] }) {
  const { t } = useTranslation();
  if (!reasons.length)
    return (
      <p className="muted" data-testid="health-no-reasons">
        {t('health.noReasons')}
      </p>
    );
  return (
    <ul className="hc-reasons" data-testid="health-reasons">
      {reasons.map((r, i) => (
        <li key={`${r.rule}-${r.source.id}-${i}`} className={`hc-r-${r.colour}`} data-rule={r.rule} data-fact={r.fact}>
          <div>
            <strong>{t(`health.fact.${r.fact}`, { defaultValue: r.fact })}</strong>{' '}
            <span className="muted small">
              · <RuleLabel rule={r.rule} />
            </span>
          </div>
          <div className="small">
            {t('health.since', { at: formatDateTime(r.since) })} ·{' '}
            {t(`health.source.${r.source.type}`, { defaultValue: r.source.type })} <code>{r.source.id}</code>
          </div>
          <EndsText ends={r.endsWhen} endsAt={r.endsAt} />
          <PlanText detail={r.detail} />
        </li>
      ))}
    </ul>
  );
}

interface Plan {
  centralisedUntil: number;
  homeUntil: number;
  homeKind: string;
  testDates: Array<{ phase: string; day: number; date: string }>;
}

/** The management order behind a contact's colour (the rule set's plan from the last exposure). */
function PlanText({ detail }: { detail: Record<string, unknown> }) {
  const { t } = useTranslation();
  const plan = detail.plan as Plan | undefined;
  if (!plan || typeof plan.centralisedUntil !== 'number') return null;
  return (
    <div className="small" data-testid="health-plan">
      {t('health.plan.order', {
        centralised: formatDateTime(plan.centralisedUntil),
        home: formatDateTime(plan.homeUntil),
        kind: t(`health.plan.${plan.homeKind}`),
      })}
      {plan.testDates.length > 0 && (
        <> · {t('health.plan.tests', { dates: plan.testDates.map((d) => d.date.slice(5)).join('、') })}</>
      )}
    </div>
  );
}

export function HistoryList({ history }: { history: HealthHistory[] }) {
  const { t } = useTranslation();
  if (!history.length) return <p className="muted">{t('health.noHistory')}</p>;
  return (
    <ul className="hc-history" data-testid="health-history">
      {history.map((h) => (
        <li key={h.id} data-testid="health-history-row">
          <div className="small muted">
            {formatDateTime(h.at)} · {actorLabel(t, h.actor)} ·{' '}
            <RuleSetName id={h.ruleSet.id} version={h.ruleSet.version} />
            {h.manual ? ` · ${t('health.manual')}` : ''}
          </div>
          <div>
            <ColourBadge colour={h.from} /> → <ColourBadge colour={h.to} />
          </div>
          <div className="hc-basis">
            <Label text={t('health.basis')} />
            <BasisText kind={h.basisKind} params={h.basisParams} text={h.basis} />
          </div>
          {h.rules.length > 0 && (
            <div className="small muted">
              <Label text={t('health.rules')} />
              {h.rules.map((r, i) => (
                <span key={`${r}-${i}`}>
                  {i > 0 ? t('labels.listSeparator') : ''}
                  <RuleLabel rule={r} />
                </span>
              ))}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <span className={`hc-status hc-status-${status}`} data-testid="health-status" data-status={status}>
      {t(`health.status.${status}`, { defaultValue: status })}
    </span>
  );
}
