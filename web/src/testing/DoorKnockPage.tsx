// 敲门行动 The grid worker's door-knock list, on a phone: pick the round, walk down to a building (each
// with how many are still missing), and see its households and the people not yet sampled (names
// masked). Each visit is marked — sampled at home, away, refused, bedridden (a home sampler is sent:
// the squad gets a task). Marks are queued on the device like the sampler's scans and sent once.
import { useCallback, useState } from 'react';
import { useSearchParams } from 'react-router';
import { useTranslation } from 'react-i18next';
import { testingApi, VISIT_OUTCOMES, type CoverageRow, type RoundView, type VisitOutcome } from './testingApi.ts';
import { newOpId, useOpQueue, type Answered } from './samplingQueue.ts';
import { useLoad } from '../shared/useLoad.ts';
import { ErrorBox } from '../shared/ErrorBox.tsx';
import { Loading } from '../shared/Loading.tsx';
import { formatDateTime, formatNumber } from '../shared/format.ts';
import { RateBar, RoundPicker } from './TestingParts.tsx';
import { isBareUnitNumber } from '../registry/units.ts';

interface Mark {
  outcome: VisitOutcome;
  state: 'queued' | 'ok' | 'refused';
  message?: string;
}

export function DoorKnockPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const roundId = params.get('round') ?? '';
  const buildingId = params.get('building') ?? '';
  const [marks, setMarks] = useState<Record<string, Mark>>({});

  const onAnswer = useCallback(({ item, result }: Answered) => {
    if (item.op.type !== 'visit') return;
    const personId = item.op.personId;
    const outcome = item.op.outcome;
    setMarks((m) => ({
      ...m,
      [personId]: {
        outcome,
        state: result.ok ? 'ok' : 'refused',
        message: result.ok ? undefined : result.error.message,
      },
    }));
  }, []);
  const queue = useOpQueue('doorknock', onAnswer);

  const set = (next: { round?: string; building?: string }) => {
    const p = new URLSearchParams();
    const r = next.round ?? roundId;
    if (r) p.set('round', r);
    if (next.building) p.set('building', next.building);
    setParams(p);
  };

  return (
    <div className="doorknock-page">
      <div className="guard-head">
        <h1 className="page-title">{t('testing.doorKnock.title')}</h1>
        <span className={`net ${queue.online ? 'net-on' : 'net-off'}`} data-testid="doorknock-network">
          {queue.online ? t('guard.online') : t('guard.offline')}
        </span>
      </div>
      <div className="card">
        <RoundPicker
          value={roundId}
          onPick={(r: RoundView | null) => set({ round: r?.id ?? '' })}
          testId="doorknock-round"
        />
      </div>
      {queue.queued.length > 0 && (
        <div className="alert alert-warn" data-testid="doorknock-queued" data-count={queue.queued.length}>
          {t('testing.doorKnock.queued', { count: queue.queued.length })}
        </div>
      )}
      {roundId && !buildingId && <BuildingFinder roundId={roundId} onPick={(b) => set({ building: b })} />}
      {roundId && buildingId && (
        <BuildingList
          roundId={roundId}
          buildingId={buildingId}
          marks={marks}
          onBack={() => set({})}
          onMark={(personId, outcome) => {
            setMarks((m) => ({ ...m, [personId]: { outcome, state: 'queued' } }));
            void queue.submit({
              op: { type: 'visit', clientId: newOpId(), at: Date.now(), roundId, personId, outcome },
              label: t(`testing.visit.${outcome}`),
            });
          }}
        />
      )}
    </div>
  );
}

/** Down the area tree of the round to a building, each row with its missing count. */
function BuildingFinder({ roundId, onPick }: { roundId: string; onPick: (buildingId: string) => void }) {
  const { t } = useTranslation();
  const [path, setPath] = useState<Array<{ areaId: string; name: string }>>([]);
  const here = path[path.length - 1];
  const coverage = useLoad(() => testingApi.coverage(roundId, here?.areaId), [roundId, here?.areaId]);
  const open = (row: CoverageRow) => {
    if (row.level === 'building' && row.buildingId) onPick(row.buildingId);
    else if (row.areaId) setPath((p) => [...p, { areaId: row.areaId!, name: row.name }]);
  };
  return (
    <div className="card" data-testid="doorknock-finder">
      <div className="card-title-row">
        <h2 className="card-title">{here ? here.name : t('testing.coverage.roundAreas')}</h2>
        {path.length > 0 && (
          <button
            type="button"
            className="btn btn-small"
            data-testid="doorknock-up"
            onClick={() => setPath(path.slice(0, -1))}
          >
            {t('testing.doorKnock.up')}
          </button>
        )}
      </div>
      <ErrorBox error={coverage.error} />
      {/* The rows of the area on screen only: while the next level loads, the last one's are not shown under its title. */}
      {coverage.loading && <Loading />}
      <ul className="knock-areas">
        {(coverage.loading ? [] : (coverage.data?.rows ?? [])).map((row) => (
          <li key={row.buildingId ?? row.areaId ?? row.name}>
            <button
              type="button"
              className="knock-area"
              data-testid="doorknock-area"
              data-level={row.level}
              data-building-id={row.buildingId ?? ''}
              onClick={() => open(row)}
            >
              <span className="knock-area-name">
                <span className="strong">{row.name}</span>
                <RateBar rate={row.rate} />
              </span>
              <span className={`knock-missing ${row.missing > 0 ? 'has' : ''}`}>
                {t('testing.doorKnock.missing', { count: row.missing })}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}

function BuildingList({
  roundId,
  buildingId,
  marks,
  onBack,
  onMark,
}: {
  roundId: string;
  buildingId: string;
  marks: Record<string, Mark>;
  onBack: () => void;
  onMark: (personId: string, outcome: VisitOutcome) => void;
}) {
  const { t } = useTranslation();
  const list = useLoad(() => testingApi.doorKnock(roundId, buildingId), [roundId, buildingId]);
  const d = list.data;
  return (
    <div data-testid="doorknock-building">
      <div className="card">
        <div className="card-title-row">
          <div>
            <h2 className="card-title">{d ? d.building.name : t('common.loading')}</h2>
            {d?.building.address && <div className="muted small">{d.building.address}</div>}
          </div>
          <div className="button-row inline">
            <button type="button" className="btn btn-small" onClick={list.reload}>
              {t('common.refresh')}
            </button>
            <button type="button" className="btn btn-small" data-testid="doorknock-back" onClick={onBack}>
              {t('testing.doorKnock.back')}
            </button>
          </div>
        </div>
        {d && (
          <p className="small" data-testid="doorknock-counts" data-missing={d.missing}>
            {t('testing.doorKnock.counts', { missing: formatNumber(d.missing), target: formatNumber(d.target) })}
          </p>
        )}
        <ErrorBox error={list.error} />
        {list.loading && !d && <Loading />}
        {d && d.households.length === 0 && (
          <p className="alert alert-ok" data-testid="doorknock-done">
            {t('testing.doorKnock.allSampled')}
          </p>
        )}
      </div>
      {d?.households.map((h) => (
        <div
          key={h.householdId ?? `${h.unit}-${h.door}`}
          className="card knock-household"
          data-testid="doorknock-household"
        >
          <h3 className="knock-door">
            {[h.unit && (isBareUnitNumber(h.unit) ? t('building.unit', { unit: h.unit }) : h.unit), h.door]
              .filter(Boolean)
              .join(' ') || t('testing.doorKnock.household')}
          </h3>
          <ul className="knock-people">
            {h.people.map((p) => {
              const mark = marks[p.personId];
              const last = mark ? null : p.lastVisit;
              return (
                <li
                  key={p.personId}
                  className="knock-person"
                  data-testid="doorknock-person"
                  data-person-id={p.personId}
                  data-mark={mark?.outcome ?? last?.outcome ?? ''}
                  data-state={mark?.state ?? (last ? 'ok' : '')}
                >
                  <div className="knock-who">
                    <span className="strong">{p.maskedName}</span>
                    {p.age !== null && (
                      <span className="muted small">{t('testing.doorKnock.age', { age: p.age })}</span>
                    )}
                    {p.careTags.map((tag) => (
                      <span key={tag} className={`tag tag-${tag}`}>
                        {t(`careTag.${tag}`, { defaultValue: tag })}
                      </span>
                    ))}
                  </div>
                  {(mark || last) && (
                    <div className={`small ${mark?.state === 'refused' ? 'field-error' : 'muted'}`}>
                      {t(`testing.visit.${(mark ?? last)!.outcome}`)}
                      {mark
                        ? ` · ${t(`testing.sampler.state.${mark.state}`)}${mark.message ? ` · ${mark.message}` : ''}`
                        : ` · ${formatDateTime(last!.at)} · ${last!.by}`}
                    </div>
                  )}
                  <div className="knock-actions">
                    {VISIT_OUTCOMES.map((o) => (
                      <button
                        key={o}
                        type="button"
                        className={`btn btn-small knock-${o} ${mark?.outcome === o ? 'on' : ''}`}
                        data-testid={`visit-${o}`}
                        onClick={() => onMark(p.personId, o)}
                      >
                        {t(`testing.visit.${o}`)}
                      </button>
                    ))}
                  </div>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
    </div>
  );
}
