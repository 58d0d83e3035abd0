// Labels for what the server keeps as keys, in the reader's language: a role, a rule of the rule set,
// a colour change's basis and an audit event's reason. Pure functions over a translate function (i18next's
// `t`), so the web app's pages and the server's documents (the audit export) say the same words.

/** i18next's `t` as these labels call it. */
export type Translate = (key: string, options?: Record<string, unknown>) => string;
export type Params = Record<string, string | number>;
/** A rule set's name in the reader's language by its id (the id itself until known). */
export type RuleSetName = (id: string) => string;

/** "流调员" for a person whose name is their role, "张三（流调员）" otherwise; the system by its label. */
export function actorLabel(t: Translate, actor: { name: string; role: string }): string {
  const role = t(`role.${actor.role}`, { defaultValue: actor.role });
  if (actor.role === 'system') return role;
  if (!actor.name || actor.name === role || actor.name === actor.role) return role;
  return t('labels.actor', { name: actor.name, role });
}

/** A rule of the rule set, by its key (closeContact.sameHousehold, close-contact, riskAreas.downgrades[0], override:…). */
export function ruleLabel(t: Translate, key: string): string {
  if (key.startsWith('override:')) return t('ruleKey.override');
  const step = /^riskAreas\.downgrades\[(\d+)\]$/.exec(key);
  if (step) return t('ruleKey.riskAreas.downgrade', { n: Number(step[1]) + 1 });
  if (!key.includes('.')) return t(`ruleKey.colour.${key}`, { defaultValue: key });
  return t(`ruleKey.${key}`, { defaultValue: key });
}

/** The basis params a reader sees: codes (statuses, levels, reasons, rule sets, rules) as labels. */
function basisParams(t: Translate, kind: string, p: Params, ruleSetName: RuleSetName): Params {
  const out: Params = { ...p };
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

/** A colour change's basis in the reader's language, from its kind and params; `text` is the stored sentence. */
export function basisSentence(
  t: Translate,
  kind: string,
  params: Params,
  text: string,
  ruleSetName: RuleSetName,
): string {
  if (kind === 'other') return String(params.text ?? text);
  if (kind === 'approved') {
    const inner =
      typeof params.requestedKind === 'string' && params.requestedKind !== 'approved'
        ? basisSentence(t, params.requestedKind, params, text, ruleSetName)
        : String(params.requested ?? '');
    return t('health.basisKind.approved', { requested: inner, decision: params.decision ?? '' });
  }
  return t(`health.basisKind.${kind}`, { ...basisParams(t, kind, params, ruleSetName), defaultValue: text });
}

/**
 * An audit event's reason in the reader's language where a service wrote it (its kind: a colour change's
 * basis or one of auditReason.*); a user's own words, or a reason without a kind, as written.
 */
export function reasonSentence(
  t: Translate,
  event: { reason: string; reasonKind: string | null; reasonParams: Params | null },
  ruleSetName: RuleSetName,
): string {
  const params = event.reasonParams ?? {};
  if (event.reasonKind === 'colour_basis' && typeof params.basisKind === 'string')
    return basisSentence(t, params.basisKind, params, event.reason, ruleSetName);
  if (event.reasonKind) return t(`auditReason.${event.reasonKind}`, { ...params, defaultValue: event.reason });
  return event.reason;
}

/** An audit event's action by its label (auditAction.*), the action itself where none is written. */
export function auditActionLabel(t: Translate, action: string): string {
  return t(`auditAction.${action.replace(/\./g, '_')}`, { defaultValue: action });
}

/** An audit event's object type by its label (auditLog.objectTypes.*). */
export function objectTypeLabel(t: Translate, objectType: string): string {
  return t(`auditLog.objectTypes.${objectType}`, { defaultValue: objectType });
}
