// What a device queue shows on every offline page (the door guard's, the sampler's): the network
// badge, and a card with how many items wait on the device, "send now", why they wait when it is not
// just the network, the waiting items (labels only, never a full ID number), what was sent and refused
// since the page opened, and below it the page's own list of recent answers.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime } from './format.ts';
import type { OfflineQueue } from './offlineQueue.ts';
import type { QueueLine } from './queueFormats.ts';

/** 在线 / 离线, as the browser sees it. */
export function NetworkBadge({ online, testId }: { online: boolean; testId: string }) {
  const { t } = useTranslation();
  return (
    <span className={`net ${online ? 'net-on' : 'net-off'}`} data-testid={testId}>
      {online ? t('guard.online') : t('guard.offline')}
    </span>
  );
}

export function QueueStatus<T>({
  queue,
  line,
  title,
  testIdPrefix,
  children,
}: {
  queue: Pick<OfflineQueue<T, unknown>, 'queued' | 'online' | 'counts' | 'waitingBecause' | 'flush'>;
  line: (item: T) => QueueLine;
  /** "N waiting", in the page's words. */
  title: string;
  /** guard → guard-queue-count, guard-send-now, guard-waiting, guard-queue-item. */
  testIdPrefix: string;
  children?: ReactNode;
}) {
  const { t } = useTranslation();
  const n = queue.queued.length;
  const waiting = queue.waitingBecause;
  return (
    <div className="card guard-queue">
      <div className="card-title-row">
        <h2 className="card-title" data-testid={`${testIdPrefix}-queue-count`} data-count={n}>
          {title}
        </h2>
        {n > 0 && (
          <button
            type="button"
            className="btn btn-small"
            data-testid={`${testIdPrefix}-send-now`}
            disabled={!queue.online}
            onClick={() => void queue.flush()}
          >
            {t('guard.sendNow')}
          </button>
        )}
      </div>
      {n > 0 && waiting && waiting.status !== 0 && (
        <p className="field-error" data-testid={`${testIdPrefix}-waiting`}>
          {waiting.detail} <code>{waiting.code}</code>
        </p>
      )}
      {n > 0 && (
        <ul className="guard-list">
          {queue.queued.map((item) => {
            const l = line(item);
            return (
              <li key={l.id} data-testid={`${testIdPrefix}-queue-item`}>
                <span className="mono">{l.label}</span>
                {l.where ? ` · ${l.where}` : ''} · {formatDateTime(l.at)}
              </li>
            );
          })}
        </ul>
      )}
      {(queue.counts.sent > 0 || queue.counts.refused > 0) && (
        <p
          className="muted small"
          data-testid={`${testIdPrefix}-queue-done`}
          data-sent={queue.counts.sent}
          data-refused={queue.counts.refused}
          data-denied={queue.counts.denied}
        >
          {queue.counts.denied === undefined
            ? t('offlineQueue.done', { sent: queue.counts.sent, refused: queue.counts.refused })
            : t('offlineQueue.doneAtDoor', {
                sent: queue.counts.sent,
                denied: queue.counts.denied,
                refused: queue.counts.refused,
              })}
        </p>
      )}
      {children}
    </div>
  );
}
