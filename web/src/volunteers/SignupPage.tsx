// The public sign-up (志愿者报名), phone-sized, no account: name, ID number, phone, home community,
// organisation and team, skills (with the licence number where a skill needs one), availability by
// weekday and half-day, and consent. A coded refusal names the field.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { LangSwitch } from '../shared/LangSwitch.tsx';
import { Loading } from '../shared/Loading.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { named, volunteersApi } from './volunteersApi.ts';
import './volunteers.css';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export function SignupPage() {
  const { t, i18n } = useTranslation();
  const form = useLoad(() => volunteersApi.form(), []);
  const [name, setName] = useState('');
  const [idNumber, setIdNumber] = useState('');
  const [phone, setPhone] = useState('');
  const [areaId, setAreaId] = useState('');
  const [orgKind, setOrgKind] = useState('youth_league');
  const [team, setTeam] = useState('');
  const [skills, setSkills] = useState<Record<string, string>>({});
  const [availability, setAvailability] = useState<string[]>([]);
  const [consent, setConsent] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);

  const toggle = (key: string) => setAvailability((a) => (a.includes(key) ? a.filter((x) => x !== key) : [...a, key]));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await volunteersApi.signup({
        name,
        idNumber,
        phone,
        areaId,
        orgKind,
        ...(team ? { team } : {}),
        skills: Object.entries(skills).map(([code, proof]) => ({ code, ...(proof ? { proof } : {}) })),
        availability,
        consent,
      });
      setDone(true);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="live-page vol-phone">
      <header className="door-top">
        <span className="brand-mark" aria-hidden="true">
          ＋
        </span>
        <span className="door-title">{t('vol.signup.title')}</span>
        <LangSwitch className="on-dark" />
      </header>
      <main className="live-main">
        {done ? (
          <div className="card" data-testid="vol-signup-done">
            <h2 className="card-title">{t('vol.signup.doneTitle')}</h2>
            <p>{t('vol.signup.done')}</p>
          </div>
        ) : (
          <form className="form card" onSubmit={(e) => void submit(e)} data-testid="vol-signup-form">
            <p className="muted">{t('vol.signup.lead')}</p>
            <ErrorBox error={form.error} />
            {form.loading && !form.data && <Loading />}
            <label className="field">
              <span className="field-label">{t('vol.field.name')}</span>
              <input value={name} onChange={(e) => setName(e.target.value)} data-testid="vol-name" required />
            </label>
            <label className="field">
              <span className="field-label">{t('vol.field.idNumber')}</span>
              <input value={idNumber} onChange={(e) => setIdNumber(e.target.value)} data-testid="vol-id" required />
            </label>
            <label className="field">
              <span className="field-label">{t('vol.field.phone')}</span>
              <input
                value={phone}
                onChange={(e) => setPhone(e.target.value)}
                inputMode="tel"
                data-testid="vol-phone"
                required
              />
            </label>
            <label className="field">
              <span className="field-label">{t('vol.field.home')}</span>
              <select value={areaId} onChange={(e) => setAreaId(e.target.value)} data-testid="vol-area" required>
                <option value="">{t('vol.field.choose')}</option>
                {form.data?.areas.map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.parent} {a.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">{t('vol.field.org')}</span>
              <select value={orgKind} onChange={(e) => setOrgKind(e.target.value)} data-testid="vol-org">
                {form.data?.orgKinds.map((o) => (
                  <option key={o.code} value={o.code}>
                    {named(form.data?.orgKinds, o.code, i18n.language)}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span className="field-label">{t('vol.field.team')}</span>
              <input value={team} onChange={(e) => setTeam(e.target.value)} data-testid="vol-team" />
            </label>
            <fieldset className="vol-fieldset">
              <legend className="field-label">{t('vol.field.skills')}</legend>
              {form.data?.skills.map((k) => (
                <div key={k.code} className="vol-skill">
                  <label>
                    <input
                      type="checkbox"
                      checked={k.code in skills}
                      onChange={(e) =>
                        setSkills((s) => {
                          const next = { ...s };
                          if (e.target.checked) next[k.code] = '';
                          else delete next[k.code];
                          return next;
                        })
                      }
                      data-testid={`vol-skill-${k.code}`}
                    />{' '}
                    {named(form.data?.skills, k.code, i18n.language)}
                  </label>
                  {k.proof && k.code in skills && (
                    <input
                      value={skills[k.code]}
                      placeholder={i18n.language.startsWith('zh') ? k.proof.zh : k.proof.en}
                      aria-label={i18n.language.startsWith('zh') ? k.proof.zh : k.proof.en}
                      onChange={(e) => setSkills((s) => ({ ...s, [k.code]: e.target.value }))}
                      data-testid={`vol-proof-${k.code}`}
                    />
                  )}
                </div>
              ))}
            </fieldset>
            <fieldset className="vol-fieldset">
              <legend className="field-label">{t('vol.field.availability')}</legend>
              <table className="vol-week">
                <tbody>
                  {(['am', 'pm'] as const).map((half) => (
                    <tr key={half}>
                      <th scope="row">{t(`vol.half.${half}`)}</th>
                      {DAYS.map((d) => (
                        <td key={d}>
                          <label title={t(`vol.day.${d}`)}>
                            <input
                              type="checkbox"
                              checked={availability.includes(`${d}_${half}`)}
                              onChange={() => toggle(`${d}_${half}`)}
                              data-testid={`vol-avail-${d}_${half}`}
                            />
                            <span className="small">{t(`vol.day.${d}`)}</span>
                          </label>
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </fieldset>
            <label className="vol-consent">
              <input
                type="checkbox"
                checked={consent}
                onChange={(e) => setConsent(e.target.checked)}
                data-testid="vol-consent"
              />{' '}
              {t('vol.signup.consent')}
            </label>
            <ErrorBox error={error} />
            <button type="submit" className="btn btn-primary btn-block" disabled={busy} data-testid="vol-submit">
              {t('vol.signup.submit')}
            </button>
          </form>
        )}
      </main>
    </div>
  );
}
