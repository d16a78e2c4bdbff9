// Writes icon.png (128x128): a stylised physical memory map — RAM bars split into regions
// (usable, reserved, CMA, no-map) — with a tiny PNG encoder (zlib deflate + CRC32), so no
// image tool is needed. Run: `node --import tsx test/package/make-icon.ts [out.png]`.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const W = 128;
const H = 128;
type Rgb = [number, number, number];
const bg: Rgb = [0x1e, 0x2a, 0x38];
const usable: Rgb = [0x3b, 0x82, 0xf6];
const reserved: Rgb = [0xf5, 0x9e, 0x0b];
const cma: Rgb = [0x10, 0xb9, 0x81];
const nomap: Rgb = [0xef, 0x44, 0x44];

// [x0, y0, x1, y1) rectangles, painted in order.
const rects: [number, number, number, number, Rgb][] = [
  [16, 20, 112, 44, usable],
  [16, 52, 60, 76, reserved],
  [64, 52, 112, 76, cma],
  [16, 84, 40, 108, nomap],
  [44, 84, 112, 108, usable],
];

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

export function iconPng(): Buffer {
  const raw = Buffer.alloc(H * (1 + W * 3));
  for (let y = 0; y < H; y++) {
    raw[y * (1 + W * 3)] = 0; // filter: none
    for (let x = 0; x < W; x++) {
      let px = bg;
      for (const [x0, y0, x1, y1, c] of rects) if (x >= x0 && x < x1 && y >= y0 && y < y1) px = c;
      raw.set(px, y * (1 + W * 3) + 1 + x * 3);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(W, 0);
  ihdr.writeUInt32BE(H, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (require.main === module) writeFileSync(process.argv[2] ?? 'icon.png', iconPng());
