// 手工登记接触者: a contact the investigator found by interview — the person (registry search), a
// structured reason (RULES.md §1), close or general, a note and the exposure times.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { CONTACT_REASONS, tracingApi } from './tracingApi.ts';
import type { PersonView } from '../registry/types.ts';
import { toApiError } from '../shared/useLoad.ts';
import { PersonPicker } from './PersonPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { localInputToMs } from './TracingBits.tsx';

export function ManualContactForm({ caseId, onAdded }: { caseId: string; onAdded: () => void }) {
  const { t } = useTranslation();
  const [person, setPerson] = useState<PersonView | null>(null);
  const [draft, setDraft] = useState({
    reasonCode: 'shared_meal',
    cls: 'close' as 'close' | 'general',
    note: '',
    first: '',
    last: '',
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof typeof draft>(k: K, v: (typeof draft)[K]) => setDraft((d) => ({ ...d, [k]: v }));
  const first = localInputToMs(draft.first);
  const last = localInputToMs(draft.last) ?? first;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!person || first === null || last === null) return;
    setBusy(true);
    setError(null);
    try {
      await tracingApi.addContact(caseId, {
        personId: person.id,
        class: draft.cls,
        reasonCode: draft.reasonCode,
        note: draft.note.trim() || undefined,
        firstExposureAt: first,
        lastExposureAt: last,
      });
      setPerson(null);
      setDraft((d) => ({ ...d, note: '', first: '', last: '' }));
      onAdded();
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(e) => void submit(e)} data-testid="manual-contact-form">
      <div className="field">
        <span className="field-label">
          {t('tracing.contact.person')} <span className="req">*</span>
        </span>
        <PersonPicker value={person} onChange={setPerson} testId="manual-person" />
      </div>
      <div className="form-grid">
        <label className="field">
          <span className="field-label">
            {t('tracing.manual.reason')} <span className="req">*</span>
          </span>
          <select value={draft.reasonCode} onChange={(e) => set('reasonCode', e.target.value)}>
            {CONTACT_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`tracing.reason.${r}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('tracing.contact.class')}</span>
          <select value={draft.cls} onChange={(e) => set('cls', e.target.value as 'close' | 'general')}>
            <option value="close">{t('tracing.class.close')}</option>
            <option value="general">{t('tracing.class.general')}</option>
          </select>
        </label>
        <label className="field">
          <span className="field-label">
            {t('tracing.manual.first')} <span className="req">*</span>
          </span>
          <input type="datetime-local" value={draft.first} onChange={(e) => set('first', e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('tracing.manual.last')}</span>
          <input type="datetime-local" value={draft.last} onChange={(e) => set('last', e.target.value)} />
        </label>
      </div>
      <label className="field">
        <span className="field-label">{t('tracing.manual.note')}</span>
        <input value={draft.note} maxLength={2000} onChange={(e) => set('note', e.target.value)} />
      </label>
      <ErrorBox error={error} />
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={busy || !person || first === null}>
          {t('tracing.manual.submit')}
        </button>
      </div>
    </form>
  );
}
