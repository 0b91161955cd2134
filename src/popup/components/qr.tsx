import qrcode from 'qrcode-generator';
import { useMemo } from 'preact/hooks';

/**
 * A QR code drawn as one SVG path built from the module matrix (no innerHTML, no data URL):
 * the library only computes which modules are dark. Bytes (text as UTF-8) go in as Latin-1
 * strings, which qrcode-generator's byte mode maps back to the same bytes.
 */
export function qrModules(payload: Uint8Array | string): boolean[][] {
  const bytes = typeof payload === 'string' ? new TextEncoder().encode(payload) : payload;
  const qr = qrcode(0, 'M');
  qr.addData(String.fromCharCode(...bytes), 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  return Array.from({ length: n }, (_, r) => Array.from({ length: n }, (_, c) => qr.isDark(r, c)));
}

export function QrCode({ payload, label, size = 168 }: { payload: Uint8Array | string; label: string; size?: number }) {
  const { n, path } = useMemo(() => {
    const m = qrModules(payload);
    let d = '';
    m.forEach((row, r) =>
      row.forEach((dark, c) => {
        if (dark) d += `M${c + 4} ${r + 4}h1v1h-1z`;
      }),
    );
    return { n: m.length + 8, path: d };
  }, [payload]);
  return (
    <svg
      class="qr"
      role="img"
      aria-label={label}
      width={size}
      height={size}
      viewBox={`0 0 ${n} ${n}`}
      shape-rendering="crispEdges"
      data-testid="qr"
    >
      {/* Always dark on white with a quiet zone, whatever the theme: scanners need the contrast. */}
      <rect width={n} height={n} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
