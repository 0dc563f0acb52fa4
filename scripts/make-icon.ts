// Draws build/icon.png (512×512): a white cross-hair over a rounded blue tile, the mark of a
// treatment isocentre. Drawn here so the icon has a source, not only a binary.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;

function crc32(buf: Buffer): number {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function pixel(x: number, y: number): [number, number, number, number] {
  const c = SIZE / 2;
  const r = 64; // tile corner radius
  const inset = 24;
  const dx = Math.max(inset + r - x, 0, x - (SIZE - inset - r));
  const dy = Math.max(inset + r - y, 0, y - (SIZE - inset - r));
  if (Math.hypot(dx, dy) > r) return [0, 0, 0, 0];
  const d = Math.hypot(x - c, y - c);
  const ring = Math.abs(d - 150) < 14;
  const cross = (Math.abs(x - c) < 10 || Math.abs(y - c) < 10) && d < 200;
  const dot = d < 26;
  if (ring || cross || dot) return [255, 255, 255, 255];
  return [31, 95, 139, 255];
}

const rows: Buffer[] = [];
for (let y = 0; y < SIZE; y++) {
  const row = Buffer.alloc(1 + SIZE * 4);
  for (let x = 0; x < SIZE; x++) row.set(pixel(x, y), 1 + x * 4);
  rows.push(row);
}
const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(Buffer.concat(rows))),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync('build/icon.png', png);
console.log('wrote build/icon.png');
