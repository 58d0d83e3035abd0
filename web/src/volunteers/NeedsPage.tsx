// Posting needs (发布需求): a unit of the area asks for volunteers — task type, place, slot, number of
// people, skills, health condition, contact — once or daily for a period; the area's needs of the day below.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiError } from '../shared/api.ts';
import { AreaPicker } from '../shared/AreaPicker.tsx';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { toApiError, useLoad } from '../shared/useLoad.ts';
import { slotText, todayInZone } from './shared.tsx';
import { named, volunteersApi, type Health } from './volunteersApi.ts';
import './volunteers.css';

export function NeedsPage() {
  const { t, i18n } = useTranslation();
  const rules = useLoad(() => volunteersApi.rules(), []);
  const [date, setDate] = useState(todayInZone(1));
  const list = useLoad(() => volunteersApi.needs({ date, limit: 200 }), [date]);
  const [areaId, setAreaId] = useState('');
  const [unitKind, setUnitKind] = useState('community');
  const [unitName, setUnitName] = useState('');
  const [taskType, setTaskType] = useState('door_knocking');
  const [place, setPlace] = useState('');
  const [startTime, setStartTime] = useState('08:00');
  const [endTime, setEndTime] = useState('12:00');
  const [people, setPeople] = useState(2);
  const [skill, setSkill] = useState('');
  const [health, setHealth] = useState<Health>('green');
  const [testWithinHours, setTestWithinHours] = useState(48);
  const [contactName, setContactName] = useState('');
  const [contactPhone, setContactPhone] = useState('');
  const [repeatDays, setRepeatDays] = useState(1);
  const [error, setError] = useState<ApiError | null>(null);
  const [posted, setPosted] = useState<number | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setPosted(null);
    try {
      const made = await volunteersApi.postNeed({
        unitKind,
        unitName,
        taskType,
        areaId,
        ...(place ? { place } : {}),
        date,
        startTime,
        endTime,
        people,
        ...(skill ? { skills: [skill] } : {}),
        health,
        ...(health === 'green_test' ? { testWithinHours } : {}),
        contactName,
        contactPhone,
        repeatDays,
      });
      setPosted(made.length);
      list.reload();
    } catch (err) {
      setError(toApiError(err));
    }
  };
  const lang = i18n.language;
  const r = rules.data;
  return (
    <div>
      <h1 className="page-title">{t('vol.needs.title')}</h1>
      <form className="form card form-grid" onSubmit={(e) => void submit(e)} data-testid="vol-need-form">
        <div className="field">
          <span className="field-label">{t('vol.needs.area')}</span>
          <AreaPicker onChange={(a) => setAreaId(a.id)} testId="vol-need-area" />
        </div>
        <label className="field">
          <span className="field-label">{t('vol.needs.unitKind')}</span>
          <select value={unitKind} onChange={(e) => setUnitKind(e.target.value)}>
            {r?.unitKinds.map((u) => (
              <option key={u.code} value={u.code}>
                {named(r.unitKinds, u.code, lang)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.unitName')}</span>
          <input value={unitName} onChange={(e) => setUnitName(e.target.value)} data-testid="vol-need-unit" required />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.taskType')}</span>
          <select value={taskType} onChange={(e) => setTaskType(e.target.value)} data-testid="vol-need-task">
            {r?.taskTypes.map((k) => (
              <option key={k.code} value={k.code}>
                {named(r.taskTypes, k.code, lang)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.place')}</span>
          <input value={place} onChange={(e) => setPlace(e.target.value)} />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.board.date')}</span>
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} data-testid="vol-need-date" />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.start')}</span>
          <input
            type="time"
            value={startTime}
            onChange={(e) => setStartTime(e.target.value)}
            data-testid="vol-need-start"
          />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.end')}</span>
          <input type="time" value={endTime} onChange={(e) => setEndTime(e.target.value)} data-testid="vol-need-end" />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.people')}</span>
          <input
            type="number"
            min={0}
            value={people}
            onChange={(e) => setPeople(Number(e.target.value))}
            data-testid="vol-need-people"
          />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.skill')}</span>
          <select value={skill} onChange={(e) => setSkill(e.target.value)}>
            <option value="">{t('vol.needs.noSkill')}</option>
            {r?.skills.map((k) => (
              <option key={k.code} value={k.code}>
                {named(r.skills, k.code, lang)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.health')}</span>
          <select value={health} onChange={(e) => setHealth(e.target.value as Health)} data-testid="vol-need-health">
            {(['none', 'green', 'green_test'] as const).map((h) => (
              <option key={h} value={h}>
                {t(`vol.healthChoice.${h}`)}
              </option>
            ))}
          </select>
        </label>
        {health === 'green_test' && (
          <label className="field">
            <span className="field-label">{t('vol.needs.testWithin')}</span>
            <select value={testWithinHours} onChange={(e) => setTestWithinHours(Number(e.target.value))}>
              {r?.testWithinHours.map((h) => (
                <option key={h} value={h}>
                  {t('vol.needs.hours', { n: h })}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field">
          <span className="field-label">{t('vol.needs.contactName')}</span>
          <input
            value={contactName}
            onChange={(e) => setContactName(e.target.value)}
            data-testid="vol-need-contact"
            required
          />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.field.phone')}</span>
          <input
            value={contactPhone}
            onChange={(e) => setContactPhone(e.target.value)}
            data-testid="vol-need-phone"
            required
          />
        </label>
        <label className="field">
          <span className="field-label">{t('vol.needs.repeat')}</span>
          <input type="number" min={1} value={repeatDays} onChange={(e) => setRepeatDays(Number(e.target.value))} />
        </label>
        <div>
          <button type="submit" className="btn btn-primary" data-testid="vol-need-submit">
            {t('vol.needs.submit')}
          </button>
        </div>
      </form>
      <ErrorBox error={error ?? rules.error ?? list.error} />
      {posted !== null && (
        <div className="alert" data-testid="vol-need-posted">
          {t('vol.needs.posted', { n: posted })}
        </div>
      )}
      <h2 className="card-title">{t('vol.needs.ofDay', { date })}</h2>
      {list.data?.items.length === 0 && <p className="empty">{t('vol.board.none')}</p>}
      <ul className="vol-needs" data-testid="vol-need-list">
        {list.data?.items.map((n) => (
          <li key={n.id} className="card">
            <strong>{named(r?.taskTypes, n.taskType, lang)}</strong> · {n.unitName} · {slotText(n.startAt, n.endAt)} ·{' '}
            {t('vol.board.fill', { accepted: n.accepted, offered: n.offered, people: n.people })}
          </li>
        ))}
      </ul>
    </div>
  );
}
