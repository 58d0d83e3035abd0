// A QR code drawn client-side as one SVG path (uqr does the encoding): crisp at any size, no canvas.
import { useMemo } from 'react';
import { encode } from 'uqr';

export function QrCode({
  text,
  size = 240,
  label,
  testId,
  ecc = 'M',
}: {
  text: string;
  size?: number;
  label: string;
  testId?: string;
  ecc?: 'L' | 'M' | 'Q' | 'H';
}) {
  const { path, modules } = useMemo(() => {
    const qr = encode(text, { ecc, border: 2 });
    let d = '';
    qr.data.forEach((row, y) => {
      // Runs of dark modules on a row become one rectangle each: a short path even for large codes.
      let x = 0;
      while (x < row.length) {
        if (!row[x]) {
          x++;
          continue;
        }
        const start = x;
        while (x < row.length && row[x]) x++;
        d += `M${start} ${y}h${x - start}v1h${start - x}z`;
      }
    });
    return { path: d, modules: qr.size };
  }, [text, ecc]);
  return (
    <svg
      className="qr"
      viewBox={`0 0 ${modules} ${modules}`}
      width={size}
      height={size}
      role="img"
      aria-label={label}
      data-testid={testId}
      data-text={text}
      shapeRendering="crispEdges"
    >
      <rect width={modules} height={modules} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
