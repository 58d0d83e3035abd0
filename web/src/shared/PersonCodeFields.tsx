// Who is at the door or the sampling table: a scanned personal code, or a typed ID number for people
// without a phone — one or the other (typing in one field disables the other). The guard page and the
// sampler page ask the same way.
import type { ReactNode, Ref } from 'react';
import { useTranslation } from 'react-i18next';

export function PersonCodeFields({
  testIdPrefix,
  codeLabel,
  code,
  onCode,
  idNumber,
  onIdNumber,
  codeRef,
  camera,
}: {
  /** "guard" → data-testid "guard-code" and "guard-id-number". */
  testIdPrefix: string;
  codeLabel: string;
  code: string;
  onCode: (value: string) => void;
  idNumber: string;
  onIdNumber: (value: string) => void;
  codeRef?: Ref<HTMLInputElement>;
  /** A camera button under the code field, where the device can scan. */
  camera?: ReactNode;
}) {
  const { t } = useTranslation();
  return (
    <>
      <label className="field">
        <span className="field-label">{codeLabel}</span>
        <input
          ref={codeRef}
          data-testid={`${testIdPrefix}-code`}
          className="mono"
          value={code}
          onChange={(e) => onCode(e.target.value)}
          placeholder={t('guard.codePlaceholder')}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          disabled={!!idNumber.trim()}
        />
        {camera}
      </label>
      <div className="guard-or">{t('guard.or')}</div>
      <label className="field">
        <span className="field-label">{t('guard.idNumber')}</span>
        <input
          data-testid={`${testIdPrefix}-id-number`}
          className="mono"
          value={idNumber}
          onChange={(e) => onIdNumber(e.target.value)}
          maxLength={20}
          autoComplete="off"
          spellCheck={false}
          disabled={!!code.trim()}
        />
      </label>
    </>
  );
}
