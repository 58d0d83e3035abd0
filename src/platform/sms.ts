// Text messages (短信) through a pluggable sender. Development and tests use the log sender, which keeps
// the last messages in memory (tests read one-time codes from it) and writes a line per message with the
// phone masked; production posts JSON to an SMS gateway configured by environment (CORDON_SMS_URL,
// CORDON_SMS_TOKEN). A gateway that fails or does not answer in time is SMS_UNAVAILABLE (503), never a crash.
import { AppError, defineErrors } from './errors.ts';
import { maskPhone } from './mask.ts';

export const SmsErrors = defineErrors({
  SMS_UNAVAILABLE: {
    status: 503,
    zh: '短信服务暂不可用，请稍后再试',
    en: 'The text message service is unavailable; try again later',
  },
});

export interface SmsMessage {
  /** Mainland mobile number, 11 digits. */
  to: string;
  text: string;
}

export interface SmsSender {
  readonly kind: 'log' | 'http';
  /** Resolves once the message is accepted; throws AppError('SMS_UNAVAILABLE') otherwise. */
  send(message: SmsMessage): Promise<void>;
}

/** Keeps the last messages in memory and logs each with the phone masked (development and tests). */
export class LogSmsSender implements SmsSender {
  readonly kind = 'log' as const;
  readonly sent: SmsMessage[] = [];

  constructor(
    private readonly log: (line: string) => void = () => {},
    private readonly keep = 200,
  ) {}

  async send(message: SmsMessage): Promise<void> {
    this.sent.push({ ...message });
    if (this.sent.length > this.keep) this.sent.splice(0, this.sent.length - this.keep);
    this.log(`SMS to ${maskPhone(message.to)}: ${message.text}`);
  }

  /** The latest message to this phone, if any. */
  lastTo(phone: string): SmsMessage | undefined {
    for (let i = this.sent.length - 1; i >= 0; i--) if (this.sent[i]!.to === phone) return this.sent[i];
    return undefined;
  }
}

export interface HttpSmsOptions {
  url: string;
  token?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

/**
 * POSTs `{ "to": "13800000000", "text": "…" }` as JSON with `Authorization: Bearer <token>` to the
 * gateway; any 2xx answer is acceptance.
 */
export class HttpSmsSender implements SmsSender {
  readonly kind = 'http' as const;

  constructor(private readonly options: HttpSmsOptions) {}

  async send(message: SmsMessage): Promise<void> {
    const doFetch = this.options.fetch ?? fetch;
    let status: number;
    try {
      const res = await doFetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
        },
        body: JSON.stringify({ to: message.to, text: message.text }),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch {
      throw new AppError('SMS_UNAVAILABLE');
    }
    if (status < 200 || status >= 300) throw new AppError('SMS_UNAVAILABLE');
  }
}

export interface SmsConfig {
  /** The gateway's URL; without it messages go to the log sender. */
  url?: string;
  token?: string;
  timeoutMs: number;
}

export function createSmsSender(config: SmsConfig, log?: (line: string) => void): SmsSender {
  return config.url
    ? new HttpSmsSender({ url: config.url, token: config.token, timeoutMs: config.timeoutMs })
    : new LogSmsSender(log);
}
