// Labels for what the server keeps as keys: who did something (a name and a translated role, once),
// a rule of the rule set (its key stays on the element, the reader sees a label), a rule set (its
// name in the reader's language, not its id), and a colour change's basis (its kind and params).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { actorLabel, basisSentence, ruleLabel } from '../../../common/labels.ts';
import { json } from './api.ts';
import { currentLanguage } from './i18n.ts';

export { actorLabel, ruleLabel };

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
  return (
    <span data-testid="health-basis" data-basis-kind={kind} title={text}>
      {basisSentence(t, kind, params, text, name)}
    </span>
  );
}
