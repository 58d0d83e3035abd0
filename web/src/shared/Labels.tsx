// Labels for what the server keeps as keys: who did something (a name and a translated role, once),
// a rule of the rule set (its key stays on the element, the reader sees a label), a rule set (its
// name in the reader's language, not its id), and a colour change's basis (its kind and params).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { json } from './api.ts';
import { currentLanguage } from './i18n.ts';

type T = TFunction;

/** "流调员" for a person whose name is their role, "张三（流调员）" otherwise; the system by its label. */
export function actorLabel(t: T, actor: { name: string; role: string }): string {
  const role = t(`role.${actor.role}`, { defaultValue: actor.role });
  if (actor.role === 'system') return role;
  if (!actor.name || actor.name === role || actor.name === actor.role) return role;
  return t('labels.actor', { name: actor.name, role });
}

/** A rule of the rule set, by its key (closeContact.sameHousehold, close-contact, riskAreas.downgrades[0], override:…). */
export function ruleLabel(t: T, key: string): string {
  if (key.startsWith('override:')) return t('ruleKey.override');
  const step = /^riskAreas\.downgrades\[(\d+)\]$/.exec(key);
  if (step) return t('ruleKey.riskAreas.downgrade', { n: Number(step[1]) + 1 });
  if (!key.includes('.')) return t(`ruleKey.colour.${key}`, { defaultValue: key });
  return t(`ruleKey.${key}`, { defaultValue: key });
}

export function RuleLabel({ rule }: { rule: string }) {
  const { t } = useTranslation();
  return (
    <span className="rule-label" data-rule-key={rule} title={rule}>
      {ruleLabel(t, rule)}
    </span>
  );
}

interface RuleSetSummary {
  id: string;
  version: string;
  name: { zh: string; en: string };
  effectiveFrom: string;
}
let known: Promise<Map<string, RuleSetSummary>> | null = null;

function ruleSets(): Promise<Map<string, RuleSetSummary>> {
  known ??= json<{ items: RuleSetSummary[] }>('GET', '/rulesets')
    .then((r) => new Map(r.items.map((i) => [i.id, i])))
    .catch(() => {
      known = null;
      return new Map<string, RuleSetSummary>();
    });
  return known;
}

/** The rule set's name in the reader's language (with its version when it is not the one named); the id until known. */
export function useRuleSetName(id: string): string {
  const [names, setNames] = useState<Map<string, RuleSetSummary> | null>(null);
  useEffect(() => {
    let live = true;
    void ruleSets().then((m) => {
      if (live) setNames(m);
    });
    return () => {
      live = false;
    };
  }, [id]);
  const r = names?.get(id);
  if (!r) return names ? id : '…';
  return currentLanguage() === 'en' ? r.name.en : r.name.zh;
}

export function RuleSetName({ id, version }: { id: string; version?: string }) {
  const { t } = useTranslation();
  const name = useRuleSetName(id);
  return (
    <span
      className="ruleset-name"
      data-ruleset={id}
      data-version={version}
      title={version ? t('labels.ruleSetVersion', { id, version }) : id}
    >
      {name}
    </span>
  );
}

/** The basis params a reader sees: codes (statuses, levels, reasons, rule sets, rules) as labels. */
function basisParams(
  t: T,
  kind: string,
  p: Record<string, string | number>,
  ruleSetName: (id: string) => string,
): Record<string, string | number> {
  const out: Record<string, string | number> = { ...p };
  const tracingStatus = (s: unknown) => t(`tracing.status.${String(s)}`, { defaultValue: String(s) });
  const review = (s: unknown) => t(`tracing.review.${String(s)}`, { defaultValue: String(s) });
  const level = (s: unknown) =>
    s ? t(`riskAreas.level.${String(s)}`, { defaultValue: String(s) }) : t('health.basisKind.noLevel');
  if (kind === 'case_registered') out.status = tracingStatus(p.status);
  if (kind === 'case_status') {
    out.from = tracingStatus(p.from);
    out.to = tracingStatus(p.to);
  }
  if (kind === 'contact_reviewed' || kind === 'contacts_reviewed') out.status = review(p.status);
  if (kind === 'contact_entered')
    out.reasonCode = t(`tracing.reason.${String(p.reasonCode)}`, { defaultValue: String(p.reasonCode) });
  if (kind.startsWith('risk_area_')) {
    out.from = level(p.from);
    out.to = level(p.to);
    out.level = level(p.level);
  }
  if (kind === 'quarantine_ordered') {
    out.kind = t(`qorders.kind.${String(p.kind)}`, { defaultValue: String(p.kind) });
    out.place = t(`qorders.place.${String(p.place)}`, { defaultValue: String(p.place) });
  }
  if (p.ruleSet !== undefined) out.ruleSet = ruleSetName(String(p.ruleSet));
  if (p.rule !== undefined) out.rule = ruleLabel(t, String(p.rule));
  return out;
}

/** A colour change's basis in the reader's language, from its kind and params. */
export function BasisText({
  kind,
  params,
  text,
}: {
  kind: string;
  params: Record<string, string | number>;
  text: string;
}) {
  const { t } = useTranslation();
  const [names, setNames] = useState<Map<string, RuleSetSummary> | null>(null);
  useEffect(() => {
    let live = true;
    void ruleSets().then((m) => {
      if (live) setNames(m);
    });
    return () => {
      live = false;
    };
  }, []);
  const name = (id: string) => {
    const r = names?.get(id);
    return r ? (currentLanguage() === 'en' ? r.name.en : r.name.zh) : id;
  };
  const say = (k: string, p: Record<string, string | number>): string => {
    if (k === 'other') return String(p.text ?? text);
    if (k === 'approved') {
      const inner =
        typeof p.requestedKind === 'string' && p.requestedKind !== 'approved'
          ? say(p.requestedKind, p)
          : String(p.requested ?? '');
      return t('health.basisKind.approved', { requested: inner, decision: p.decision ?? '' });
    }
    return t(`health.basisKind.${k}`, { ...basisParams(t, k, p, name), defaultValue: text });
  };
  return (
    <span data-testid="health-basis" data-basis-kind={kind} title={text}>
      {say(kind, params)}
    </span>
  );
}
