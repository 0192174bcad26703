// Draws Podium's app icons as PNGs with nothing but Node's zlib, so the build
// needs no image tooling. Run `npm run icons` after changing the design; the
// outputs in public/icons/ are committed. public/icons/icon.svg is the same
// drawing by hand, for the favicon and the in-app logo.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const OUT = new URL('../public/icons/', import.meta.url);
const FROM = [0x4f, 0x46, 0xe5]; // indigo-600
const TO = [0x7c, 0x3a, 0xed]; // violet-600
const WHITE = [0xff, 0xff, 0xff];
const GOLD = [0xf5, 0xb3, 0x01];
const SAMPLES = 4; // 4×4 supersampling per pixel for smooth edges

function roundRect(x, y, x0, y0, x1, y1, r) {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** A bar with rounded top corners and a square base. */
function bar(x, y, x0, y0, x1, y1, r) {
  return roundRect(x, y, x0, y0, x1, y1 + r, r) && y <= y1;
}

const STAR = Array.from({ length: 10 }, (_, i) => {
  const angle = -Math.PI / 2 + (i * Math.PI) / 5;
  const radius = i % 2 === 0 ? 1 : 0.45;
  return [Math.cos(angle) * radius, Math.sin(angle) * radius];
});

function inStar(x, y, cx, cy, size) {
  const px = (x - cx) / size;
  const py = (y - cy) / size;
  let inside = false;
  for (let i = 0, j = STAR.length - 1; i < STAR.length; j = i++) {
    const [xi, yi] = STAR[i];
    const [xj, yj] = STAR[j];
    if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Colour at unit coordinates, or null outside the icon. */
function shade(u, v, maskable) {
  if (!maskable && !roundRect(u, v, 0, 0, 1, 1, 0.22)) return null;
  // Maskable icons may be cropped to a circle of 40% radius: keep the drawing inside.
  const k = maskable ? 0.8 : 1;
  const x = 0.5 + (u - 0.5) / k;
  const y = 0.5 + (v - 0.5) / k;
  if (inStar(x, y, 0.5, 0.25, 0.1)) return GOLD;
  if (bar(x, y, 0.405, 0.4, 0.595, 0.76, 0.035)) return GOLD;
  if (bar(x, y, 0.2, 0.52, 0.39, 0.76, 0.035)) return WHITE;
  if (bar(x, y, 0.61, 0.6, 0.8, 0.76, 0.035)) return WHITE;
  const t = (u + v) / 2;
  return FROM.map((c, i) => Math.round(c + (TO[i] - c) * t));
}

function draw(size, maskable) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          const colour = shade((px + (sx + 0.5) / SAMPLES) / size, (py + (sy + 0.5) / SAMPLES) / size, maskable);
          if (!colour) continue;
          r += colour[0]; g += colour[1]; b += colour[2]; a += 1;
        }
      }
      const o = (py * size + px) * 4;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
      }
      rgba[o + 3] = Math.round((a / SAMPLES ** 2) * 255);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const ICONS = [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['maskable-512.png', 512, true],
  ['apple-touch-icon.png', 180, true],
];

for (const [name, size, maskable] of ICONS) {
  writeFileSync(new URL(name, OUT), png(size, draw(size, maskable)));
  console.log(`public/icons/${name}`);
}
