/**
 * Writes the demo's sample images to examples/: small synthetic scenes drawn here (SVG rendered by sharp),
 * then degraded the way real-world SR inputs are (downscale, blur, noise, JPEG), so they carry no licence
 * but ours. Run: npx tsx scripts/make-examples.ts
 */
import sharp from 'sharp';
import { mkdirSync } from 'node:fs';

const out = new URL('../examples/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });

const scenes: Record<string, string> = {
  sunset: `<rect width="256" height="256" fill="#1d2b53"/><rect y="128" width="256" height="128" fill="#7e2553"/>
    <circle cx="128" cy="140" r="50" fill="#ffa300"/><rect y="170" width="256" height="86" fill="#29adff" opacity="0.6"/>
    <path d="M0 200 L60 150 L120 200 Z" fill="#008751"/><path d="M100 210 L180 140 L256 210 Z" fill="#00e436"/>`,
  checker: Array.from({ length: 64 }, (_, i) => {
    const x = (i % 8) * 32, y = Math.floor(i / 8) * 32;
    return `<rect x="${x}" y="${y}" width="32" height="32" fill="${(i + Math.floor(i / 8)) % 2 ? '#f2f2f2' : '#202020'}"/>`;
  }).join(''),
  rings: `<rect width="256" height="256" fill="#fff1e8"/>` + Array.from({ length: 9 }, (_, i) =>
    `<circle cx="128" cy="128" r="${120 - i * 13}" fill="none" stroke="${i % 2 ? '#ff004d' : '#1d2b53'}" stroke-width="6"/>`).join(''),
  text: `<rect width="256" height="256" fill="#fafafa"/><text x="16" y="80" font-size="44" font-family="sans-serif" fill="#111">PURE</text>
    <text x="16" y="140" font-size="26" font-family="serif" fill="#333">entropy top-k</text>
    <text x="16" y="200" font-size="20" font-family="monospace" fill="#555">4096 tokens</text>`,
};

function noise(width: number, height: number, seed: number): Buffer {
  const buf = Buffer.alloc(width * height * 3);
  let s = seed >>> 0;
  for (let i = 0; i < buf.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    buf[i] = 128 + ((s >>> 24) % 24) - 12;
  }
  return buf;
}

let seed = 1;
for (const [name, body] of Object.entries(scenes)) {
  const svg = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256">${body}</svg>`);
  const small = await sharp(svg).resize(96, 96, { kernel: 'linear' }).blur(0.8).removeAlpha().raw().toBuffer();
  const noisy = await sharp(small, { raw: { width: 96, height: 96, channels: 3 } })
    .composite([{ input: noise(96, 96, seed++), raw: { width: 96, height: 96, channels: 3 }, blend: 'overlay' }])
    .jpeg({ quality: 35 })
    .toBuffer();
  await sharp(noisy).png().toFile(`${out}${name}.png`);
  console.log(`examples/${name}.png`);
}
