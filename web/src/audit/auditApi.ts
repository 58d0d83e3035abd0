// The client for the audit log: its events, their export and the chain check.
import { json, url } from '../shared/api.ts';
import type { AuditEventPage, AuditFilter, AuditVerify } from './types.ts';
import { currentLanguage } from '../shared/i18n.ts';

export const auditApi = {
  auditEvents: (filter: AuditFilter, limit: number, beforeSeq?: number) =>
    json<AuditEventPage>('GET', '/audit/events', { query: { ...filter, limit, beforeSeq } }),
  /**
   * The export's address: a plain link, so the browser streams the file to disk however large; the file
   * in the page's language (headers, actions, roles and reasons as the page shows them).
   */
  auditExportUrl: (filter: AuditFilter, format: 'csv' | 'xlsx') =>
    url('/audit/export', { ...filter, format, lang: currentLanguage() === 'en' ? 'en' : 'zh' }),
  auditVerify: () => json<AuditVerify>('GET', '/audit/verify'),
};
