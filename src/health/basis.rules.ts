// The basis of a colour change as data: a kind and its parameters, stored with each history row, so
// that a reader sees it in their own language (the web app's locales, health.basisKind.*). The
// English sentence stays in the record (the history's basis column, the audit chain) for the
// terminal and the auditor. Rows written before the kind was stored are read back by matching the
// English sentences the services wrote (basisFromText); a sentence that matches none is 'other'.

export const BASIS_KINDS = [
  'case_registered',
  'case_times_changed',
  'case_traced',
  'case_status',
  'contact_reviewed',
  'contacts_reviewed',
  'contact_entered',
  'manual_change',
  'approved',
  'recomputed',
  'end_reached',
  'pool_positive',
  'pools_positive',
  'pool_retests_negative',
  'lab_results',
  'risk_area_designated',
  'risk_area_lifted',
  'risk_area_downgraded',
  'risk_area_arrival',
  'quarantine_ordered',
  'quarantine_extended',
  'quarantine_released',
  'quarantine_cancelled',
  'quarantine_converted',
  'other',
] as const;
export type BasisKind = (typeof BASIS_KINDS)[number];
export type BasisParams = Record<string, string | number>;

export interface BasisData {
  kind: BasisKind;
  params: BasisParams;
}

const str = (p: BasisParams, k: string): string => String(p[k] ?? '');

/** The English sentence of the record for a basis (the words the services wrote before kinds were stored). */
export function basisText(kind: BasisKind, p: BasisParams): string {
  switch (kind) {
    case 'case_registered':
      return `case ${str(p, 'caseId')} registered (${str(p, 'status')})`;
    case 'case_times_changed':
      return `case ${str(p, 'caseId')} times changed: ${str(p, 'reason')}`;
    case 'case_traced':
      return `case ${str(p, 'caseId')} traced again`;
    case 'case_status':
      return `case ${str(p, 'caseId')} ${str(p, 'from')} → ${str(p, 'to')}: ${str(p, 'reason')}`;
    case 'contact_reviewed':
      return `contact ${str(p, 'contactId')} ${str(p, 'status')}: ${str(p, 'reason')}`;
    case 'contacts_reviewed':
      return `${str(p, 'count')} contacts ${str(p, 'status')}: ${str(p, 'reason')}`;
    case 'contact_entered':
      return `contact ${str(p, 'contactId')} entered: ${str(p, 'reasonCode')}`;
    case 'manual_change':
      return `manual change ${str(p, 'overrideId')}: ${str(p, 'legalBasis')}`;
    case 'approved':
      return `${str(p, 'requested')} (approved by the command centre: ${str(p, 'decision')})`;
    case 'recomputed':
      return `recomputed under rule set ${str(p, 'ruleSet')} ${str(p, 'version')}`;
    case 'end_reached':
      return 'end condition reached, or a fact recorded ahead of time began';
    case 'pool_positive':
      return `pool ${str(p, 'barcode')} reported suspected positive`;
    case 'pools_positive':
      return `${str(p, 'count')} pools reported suspected positive: ${str(p, 'barcodes')}`;
    case 'pool_retests_negative':
      return `every single-tube re-test of pool ${str(p, 'poolId')} negative`;
    case 'lab_results':
      return `lab results ${str(p, 'file')}`;
    case 'risk_area_designated':
      return `risk area ${str(p, 'name')}: ${str(p, 'from') || 'none'} → ${str(p, 'to')} (${str(p, 'reason')}; ${str(p, 'legalBasis')})`;
    case 'risk_area_lifted':
      return `risk area ${str(p, 'name')} lifted (${str(p, 'reason')}; ${str(p, 'legalBasis')})`;
    case 'risk_area_downgraded':
      return `risk area ${str(p, 'name')}: ${str(p, 'from')} → ${str(p, 'to')} by ${str(p, 'ruleSet')} ${str(p, 'rule')}`;
    case 'risk_area_arrival':
      return `arrival from ${str(p, 'level')} risk area ${str(p, 'name')} (${str(p, 'ruleSet')} riskAreas.arrivals.${str(p, 'level')})`;
    case 'quarantine_ordered':
      return `quarantine order ${str(p, 'orderId')} (${str(p, 'kind')}, ${str(p, 'place')})`;
    case 'quarantine_extended':
      return `quarantine order ${str(p, 'orderId')} extended: ${str(p, 'reason')}`;
    case 'quarantine_released':
      return `quarantine order ${str(p, 'orderId')} released`;
    case 'quarantine_cancelled':
      return `quarantine order ${str(p, 'orderId')} cancelled: ${str(p, 'reason')}`;
    case 'quarantine_converted':
      return `quarantine order ${str(p, 'orderId')} ended: the person is case ${str(p, 'caseId')}`;
    case 'other':
      return str(p, 'text');
  }
}

/** A basis as data with its English sentence, ready for ColourBasis. */
export function basisOf(kind: BasisKind, params: BasisParams = {}): BasisData & { reason: string } {
  return { kind, params, reason: basisText(kind, params) };
}

/** A request held for approval, then approved by the command centre: the request's own kind travels in the params. */
export function approvedBasis(
  requested: BasisData & { reason: string },
  decision: string,
): BasisData & { reason: string } {
  const params: BasisParams = {
    ...requested.params,
    requestedKind: requested.kind,
    requested: requested.reason,
    decision,
  };
  return { kind: 'approved', params, reason: basisText('approved', params) };
}

// Sentences written before the kind was stored, newest forms first; named groups become params.
const LEGACY: Array<[BasisKind, RegExp]> = [
  ['approved', /^(?<requested>.*) \(approved by the command centre: (?<decision>.*)\)$/s],
  ['case_registered', /^case (?<caseId>\S+) registered \((?<status>[a-z_]+)\)$/],
  ['case_times_changed', /^case (?<caseId>\S+) times changed: (?<reason>.*)$/s],
  ['case_traced', /^case (?<caseId>\S+) traced again$/],
  ['case_status', /^case (?<caseId>\S+) (?<from>[a-z_]+) → (?<to>[a-z_]+): (?<reason>.*)$/s],
  ['contact_entered', /^contact (?<contactId>\S+) entered: (?<reasonCode>.*)$/s],
  ['contact_reviewed', /^contact (?<contactId>\S+) (?<status>[a-z_]+): (?<reason>.*)$/s],
  ['contacts_reviewed', /^(?<count>\d+) contacts (?<status>[a-z_]+): (?<reason>.*)$/s],
  ['manual_change', /^manual change (?<overrideId>\S+): (?<legalBasis>.*)$/s],
  ['recomputed', /^recomputed under rule set (?<ruleSet>\S+) (?<version>\S+)$/],
  ['end_reached', /^end condition reached, or a fact recorded ahead of time began$/],
  ['pool_positive', /^pool (?<barcode>\S+) reported suspected positive$/],
  ['pools_positive', /^(?<count>\d+) pools reported suspected positive: (?<barcodes>.*)$/s],
  ['pool_retests_negative', /^every single-tube re-test of pool (?<poolId>\S+) negative$/],
  ['lab_results', /^lab results (?<file>.*)$/s],
  ['risk_area_lifted', /^risk area (?<name>.*) lifted \((?<reason>.*); (?<legalBasis>.*)\)$/s],
  ['risk_area_downgraded', /^risk area (?<name>.*): (?<from>[a-z]+) → (?<to>[a-z]+) by (?<ruleSet>\S+) (?<rule>\S+)$/],
  [
    'risk_area_designated',
    /^risk area (?<name>.*): (?<from>[a-z]+) → (?<to>[a-z]+) \((?<reason>.*); (?<legalBasis>.*)\)$/s,
  ],
  ['quarantine_extended', /^quarantine order (?<orderId>\S+) extended: (?<reason>.*)$/s],
  ['quarantine_cancelled', /^quarantine order (?<orderId>\S+) cancelled: (?<reason>.*)$/s],
  ['quarantine_released', /^quarantine order (?<orderId>\S+) released$/],
  ['quarantine_converted', /^quarantine order (?<orderId>\S+) ended: the person is case (?<caseId>\S+)$/],
  ['quarantine_ordered', /^quarantine order (?<orderId>\S+) \((?<kind>[a-z_]+), (?<place>[a-z_]+)\)$/],
  [
    'risk_area_arrival',
    /^arrival from (?<level>[a-z]+) risk area (?<name>.*) \((?<ruleSet>\S+) riskAreas\.arrivals\.[a-z]+\)$/,
  ],
];

/** The kind and params of an English sentence of the record (rows stored before kinds were). */
export function basisFromText(text: string): BasisData {
  for (const [kind, re] of LEGACY) {
    const m = re.exec(text);
    if (!m) continue;
    const params: BasisParams = { ...m.groups };
    if (kind === 'approved') {
      const inner = basisFromText(String(params.requested));
      Object.assign(params, inner.params, {
        requestedKind: inner.kind,
        requested: params.requested,
        decision: params.decision,
      });
    }
    if (kind === 'risk_area_designated' && params.from === 'none') params.from = '';
    return { kind, params };
  }
  return { kind: 'other', params: { text } };
}

/** The stored kind and params of a history row, or those read from its sentence when none were stored. */
export function storedBasis(kind: string | null, params: string | null, text: string): BasisData {
  if (kind && (BASIS_KINDS as readonly string[]).includes(kind)) {
    try {
      const parsed = JSON.parse(params ?? '{}') as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
        return { kind: kind as BasisKind, params: parsed as BasisParams };
    } catch {
      // unreadable params: fall back to the sentence
    }
  }
  return basisFromText(text);
}
