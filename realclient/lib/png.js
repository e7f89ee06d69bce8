'use strict';
// Minimal PNG reader: enough to check Teams' icon rules (size, real
// transparency, white outline) without pulling in an image library.
const zlib = require('node:zlib');

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

function chunks(buf) {
  if (!buf.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG file');
  const out = [];
  for (let off = 8; off + 8 <= buf.length;) {
    const len = buf.readUInt32BE(off);
    out.push({ type: buf.toString('ascii', off + 4, off + 8), data: buf.subarray(off + 8, off + 8 + len) });
    off += 12 + len;
  }
  return out;
}

function paeth(a, b, c) {
  const p = a + b - c;
  const pa = Math.abs(p - a); const pb = Math.abs(p - b); const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : (pb <= pc ? b : c);
}

// Returns RGBA pixels for 8-bit, non-interlaced images (what icon tools write);
// for anything else `rgba` is null and callers fall back to header facts.
function readPng(buf) {
  const list = chunks(buf);
  const ihdr = list.find((c) => c.type === 'IHDR').data;
  const info = {
    width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4),
    bitDepth: ihdr[8], colorType: ihdr[9], interlace: ihdr[12],
    hasTrns: list.some((c) => c.type === 'tRNS'), rgba: null,
  };
  const ch = CHANNELS[info.colorType];
  if (info.bitDepth !== 8 || info.interlace !== 0 || info.colorType === 3) return info;
  const raw = zlib.inflateSync(Buffer.concat(list.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  const stride = info.width * ch;
  const px = Buffer.alloc(stride * info.height);
  for (let y = 0; y < info.height; y++) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= ch ? px[y * stride + x - ch] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= ch && y > 0 ? px[(y - 1) * stride + x - ch] : 0;
      const pred = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter];
      if (pred === undefined) throw new Error(`bad PNG filter ${filter} on row ${y}`);
      px[y * stride + x] = (line[x] + pred) & 0xff;
    }
  }
  const rgba = Buffer.alloc(info.width * info.height * 4);
  for (let i = 0; i < info.width * info.height; i++) {
    const s = px.subarray(i * ch, i * ch + ch);
    const [r, g, b] = ch >= 3 ? [s[0], s[1], s[2]] : [s[0], s[0], s[0]];
    const alpha = ch === 4 ? s[3] : ch === 2 ? s[1] : 255;
    rgba.set([r, g, b, alpha], i * 4);
  }
  info.rgba = rgba;
  return info;
}

module.exports = { readPng };
