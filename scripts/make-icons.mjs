// Draws Hush's mark (a white padlock on a speech bubble) as PNGs at the sizes the
// manifest needs. Pure Node (zlib): no image tool, deterministic output, so the
// committed icons/ can always be regenerated and checked.
import { deflateSync } from 'node:zlib';
import { writeFileSync, mkdirSync } from 'node:fs';

const BUBBLE = [0x5b, 0x3f, 0xd6]; // violet, readable on light and dark toolbars
const LOCK = [0xff, 0xff, 0xff];

// Shapes in a unit square (0..1), y down. Returns 'bubble' | 'lock' | null.
function shapeAt(x, y) {
  const inRoundRect = (x0, y0, x1, y1, r) => {
    const cx = Math.min(Math.max(x, x0 + r), x1 - r);
    const cy = Math.min(Math.max(y, y0 + r), y1 - r);
    return x >= x0 && x <= x1 && y >= y0 && y <= y1 && (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
  };
  // Lock: body, shackle (ring segment above the body), keyhole cut out.
  const body = inRoundRect(0.33, 0.4, 0.67, 0.66, 0.04);
  const sx = x - 0.5,
    sy = y - 0.4,
    d = Math.hypot(sx, sy);
  const shackle = y <= 0.41 && d <= 0.125 && d >= 0.075;
  const keyhole = Math.hypot(x - 0.5, y - 0.5) <= 0.035 || (Math.abs(x - 0.5) <= 0.016 && y >= 0.5 && y <= 0.59);
  if ((body && !keyhole) || shackle) return 'lock';
  // Bubble: rounded rectangle plus a tail at the bottom left.
  if (inRoundRect(0.06, 0.08, 0.94, 0.8, 0.16)) return 'bubble';
  const tail =
    y >= 0.78 && y <= 0.96 && x >= 0.18 && x <= 0.4 && x - 0.18 <= (0.96 - y) * 1.2 && x >= 0.18 + (y - 0.78) * 0.2;
  return tail ? 'bubble' : null;
}

function crc32(buf) {
  let c,
    crc = 0xffffffff;
  for (const b of buf) {
    c = (crc ^ b) & 0xff;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crc = (crc >>> 8) ^ c;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

function png(size) {
  const SS = 4; // 4x4 supersampling for anti-aliased edges
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4);
    for (let px = 0; px < size; px++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (let i = 0; i < SS; i++)
        for (let j = 0; j < SS; j++) {
          const s = shapeAt((px + (i + 0.5) / SS) / size, (py + (j + 0.5) / SS) / size);
          if (s) {
            const c = s === 'lock' ? LOCK : BUBBLE;
            r += c[0];
            g += c[1];
            b += c[2];
            a += 1;
          }
        }
      const o = 1 + px * 4,
        n = SS * SS;
      if (a) {
        row[o] = r / a;
        row[o + 1] = g / a;
        row[o + 2] = b / a;
      }
      row[o + 3] = Math.round((255 * a) / n);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 6; // 8-bit RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(new URL('../icons/', import.meta.url), { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(new URL(`../icons/hush-${size}.png`, import.meta.url), png(size));
console.log('icons written');
