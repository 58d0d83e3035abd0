// A list filter's choice: every row (the empty value) or one of the options, each shown by its label.
export function FilterSelect<V extends string>({
  value,
  options,
  label,
  allLabel,
  onChange,
  testId,
  className,
  ariaLabel,
}: {
  value: V | '';
  options: readonly V[];
  label: (option: V) => string;
  allLabel: string;
  onChange: (value: V | '') => void;
  testId?: string;
  className?: string;
  ariaLabel?: string;
}) {
  return (
    <select
      className={className}
      data-testid={testId}
      aria-label={ariaLabel}
      value={value}
      onChange={(e) => onChange(e.target.value as V | '')}
    >
      <option value="">{allLabel}</option>
      {options.map((o) => (
        <option key={o} value={o}>
          {label(o)}
        </option>
      ))}
    </select>
  );
}
