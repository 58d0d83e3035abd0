// The client for the registry: the area tree, buildings, households, persons, and the roster's import and export.
import i18n from '../shared/i18n.ts';
import { download, json, type Download } from '../shared/api.ts';
import type { Area, Page } from '../shared/types.ts';
import type {
  AreaDetail,
  BuildingDetail,
  BuildingRow,
  HouseholdDetail,
  ImportResult,
  NewPerson,
  PersonView,
  Revealed,
} from './types.ts';

export const registryApi = {
  rootAreas: () => json<Page<Area>>('GET', '/areas'),
  childAreas: (parentId: string) => json<Page<Area>>('GET', '/areas', { query: { parentId, limit: 500 } }),
  area: (id: string) => json<AreaDetail>('GET', `/areas/${encodeURIComponent(id)}`),
  /** Buildings of the area's subtree; `q` searches by compound and number ("瑞景 1"). */
  buildingsOf: (areaId: string, limit: number, offset: number, q?: string) =>
    json<Page<BuildingRow>>('GET', `/areas/${encodeURIComponent(areaId)}/buildings`, {
      query: { limit, offset, ...(q ? { q } : {}) },
    }),
  building: (id: string) =>
    json<BuildingDetail>('GET', `/buildings/${encodeURIComponent(id)}`, { query: { limit: 500 } }),
  household: (id: string) => json<HouseholdDetail>('GET', `/households/${encodeURIComponent(id)}`),

  searchPersons: (q: string, limit: number, offset: number) =>
    json<Page<PersonView>>('GET', '/persons', { query: { q, limit, offset } }),
  createPerson: (person: NewPerson) => json<PersonView>('POST', '/persons', { json: person }),
  reveal: (personId: string, reason: string) =>
    json<Revealed>('POST', `/persons/${encodeURIComponent(personId)}/reveal`, { json: { reason } }),

  importRoster: (file: File, mode: { dryRun: boolean; partial: boolean; newHousehold: boolean }) => {
    const form = new FormData();
    form.append('file', file);
    return json<ImportResult>('POST', '/registry/import', {
      query: { dryRun: mode.dryRun, partial: mode.partial, newHousehold: mode.newHousehold },
      form,
    });
  },
  /** The roster file; its column headers in the UI language. */
  exportRoster: (format: 'csv' | 'xlsx', areaId: string): Promise<Download> => {
    const lang = i18n.language === 'en' ? 'en' : 'zh';
    return download('/registry/export', { format, areaId, lang }, `roster.${format}`);
  },
};
