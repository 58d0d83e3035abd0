// 添加成员: POST /persons with the household; the server's field faults (name, idNumber, phone,
// sex, birthDate, careTags) appear next to their fields.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link } from 'react-router';
import { useTranslation } from 'react-i18next';
import { type ApiError } from '../shared/api.ts';
import { registryApi } from './registryApi.ts';
import { CARE_TAGS, ID_TYPES, type CareTag, type IdType, type NewPerson, type PersonView, type Sex } from './types.ts';
import { toApiError } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';

interface Draft {
  name: string;
  relation: string;
  idType: IdType;
  idNumber: string;
  sex: '' | Sex;
  birthDate: string;
  phone: string;
  careTags: CareTag[];
  note: string;
}

const EMPTY: Draft = {
  name: '',
  relation: '',
  idType: 'resident_id',
  idNumber: '',
  sex: '',
  birthDate: '',
  phone: '',
  careTags: [],
  note: '',
};
const RELATIONS = [
  'head',
  'spouse',
  'son',
  'daughter',
  'father',
  'mother',
  'grandson',
  'granddaughter',
  'other',
] as const;

function toRequest(householdId: string, d: Draft): NewPerson {
  const r: NewPerson = { householdId, name: d.name.trim(), idType: d.idType, careTags: d.careTags };
  if (d.relation.trim()) r.relation = d.relation.trim();
  if (d.idType !== 'none' && d.idNumber.trim()) r.idNumber = d.idNumber.trim();
  if (d.sex) r.sex = d.sex;
  if (d.birthDate) r.birthDate = d.birthDate;
  if (d.phone.trim()) r.phone = d.phone.trim();
  if (d.note.trim()) r.note = d.note.trim();
  return r;
}

export function AddMemberForm({
  householdId,
  onAdded,
  onCancel,
}: {
  householdId: string;
  onAdded: (p: PersonView) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    formRef.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    formRef.current?.querySelector('input')?.focus({ preventScroll: true });
  }, []);

  const fieldErrors: Record<string, string[]> = {};
  for (const f of error?.errors ?? []) {
    if (f.field) (fieldErrors[f.field] ??= []).push(f.message || f.code);
  }
  const unplaced = (error?.errors ?? []).filter((f) => !f.field);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const person = await registryApi.createPerson(toRequest(householdId, draft));
      setDraft(EMPTY);
      onAdded(person);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  const existing =
    error?.code === 'ID_NUMBER_DUPLICATE'
      ? (error.problem.existing as { name?: string; areaName?: string; householdId?: string | null } | undefined)
      : undefined;

  return (
    <form
      ref={formRef}
      className="form add-member"
      onSubmit={(e) => void submit(e)}
      noValidate
      data-testid="add-member-form"
    >
      <div className="form-grid">
        <Field name="name" label={t('person.name')} required errors={fieldErrors.name}>
          <input
            data-testid="add-name"
            value={draft.name}
            onChange={(e) => set('name', e.target.value)}
            maxLength={50}
            autoComplete="off"
          />
        </Field>
        <Field name="relation" label={t('person.relation')} errors={fieldErrors.relation}>
          <input
            data-testid="add-relation"
            list="relation-options"
            value={draft.relation}
            onChange={(e) => set('relation', e.target.value)}
            autoComplete="off"
          />
          <datalist id="relation-options">
            {RELATIONS.map((r) => (
              <option key={r} value={t(`relation.${r}`)} />
            ))}
          </datalist>
        </Field>
        <Field name="idType" label={t('person.idType')} errors={fieldErrors.idType}>
          <select
            data-testid="add-idType"
            value={draft.idType}
            onChange={(e) => set('idType', e.target.value as IdType)}
          >
            {ID_TYPES.map((it) => (
              <option key={it} value={it}>
                {t(`idType.${it}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field
          name="idNumber"
          label={t('person.idNumber')}
          errors={fieldErrors.idNumber}
          hint={draft.idType === 'resident_id' ? t('addMember.idHint') : undefined}
        >
          <input
            data-testid="add-idNumber"
            className="mono"
            value={draft.idNumber}
            disabled={draft.idType === 'none'}
            onChange={(e) => set('idNumber', e.target.value)}
            maxLength={20}
            autoComplete="off"
            spellCheck={false}
          />
        </Field>
        <Field name="sex" label={t('person.sex')} errors={fieldErrors.sex}>
          <select data-testid="add-sex" value={draft.sex} onChange={(e) => set('sex', e.target.value as Draft['sex'])}>
            <option value="">{t('addMember.fromId')}</option>
            <option value="M">{t('sex.M')}</option>
            <option value="F">{t('sex.F')}</option>
          </select>
        </Field>
        <Field name="birthDate" label={t('person.birthDate')} errors={fieldErrors.birthDate}>
          <input
            data-testid="add-birthDate"
            type="date"
            value={draft.birthDate}
            onChange={(e) => set('birthDate', e.target.value)}
          />
        </Field>
        <Field name="phone" label={t('person.phone')} errors={fieldErrors.phone}>
          <input
            data-testid="add-phone"
            className="mono"
            type="tel"
            inputMode="tel"
            value={draft.phone}
            onChange={(e) => set('phone', e.target.value)}
            maxLength={20}
            autoComplete="off"
          />
        </Field>
        <Field name="note" label={t('person.note')} errors={fieldErrors.note}>
          <input
            data-testid="add-note"
            value={draft.note}
            onChange={(e) => set('note', e.target.value)}
            maxLength={200}
          />
        </Field>
      </div>
      <fieldset className="field" aria-invalid={!!fieldErrors.careTags}>
        <legend className="field-label">{t('person.careTags')}</legend>
        <div className="checks">
          {CARE_TAGS.map((tag) => (
            <label key={tag} className={`check tag-check tag-${tag}`}>
              <input
                type="checkbox"
                data-testid={`add-care-${tag}`}
                checked={draft.careTags.includes(tag)}
                onChange={(e) =>
                  set('careTags', e.target.checked ? [...draft.careTags, tag] : draft.careTags.filter((x) => x !== tag))
                }
              />
              {t(`careTag.${tag}`)}
            </label>
          ))}
        </div>
        {fieldErrors.careTags?.map((m) => (
          <span key={m} className="field-error">
            {m}
          </span>
        ))}
      </fieldset>
      <ErrorBox error={error}>
        {unplaced.map((f, i) => (
          <div key={i}>{f.message}</div>
        ))}
        {error && error.errors.length > unplaced.length && (
          <div>{t('addMember.fixFields', { count: error.errors.length - unplaced.length })}</div>
        )}
        {existing && existing.householdId && (
          <div>
            <Link to={`/households/${existing.householdId}`} data-testid="duplicate-link">
              {t('addMember.seeExisting', { name: existing.name ?? '', area: existing.areaName ?? '' })}
            </Link>
          </div>
        )}
      </ErrorBox>
      <div className="form-actions">
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="btn btn-primary" data-testid="add-submit" disabled={busy}>
          {busy ? t('common.working') : t('addMember.submit')}
        </button>
      </div>
    </form>
  );
}

function Field({
  name,
  label,
  required,
  errors,
  hint,
  children,
}: {
  name: string;
  label: string;
  required?: boolean;
  errors?: string[];
  hint?: string;
  children: ReactNode;
}) {
  return (
    <label className={`field ${errors ? 'has-error' : ''}`} data-field={name}>
      <span className="field-label">
        {label}
        {required && (
          <span className="req" aria-hidden="true">
            {' '}
            *
          </span>
        )}
      </span>
      {children}
      {hint && !errors && <span className="field-hint">{hint}</span>}
      {errors?.map((m) => (
        <span key={m} className="field-error" data-testid={`error-${name}`}>
          {m}
        </span>
      ))}
    </label>
  );
}
