/**
 * An independent float64 forward pass of LlamaGen's VQ model (encode to codes, decode to pixels), written
 * from the architecture description in plain loops for tests. It shares no code with the ONNX builder:
 * it has its own config type, weight lookup, layer order and maths. Batch size 1, CHW layout.
 */

/** The widths the reference needs; the same fields as the builder's config, declared independently. */
export interface RefVqConfig {
  imageSize: number;
  ch: number;
  encoderChMult: number[];
  decoderChMult: number[];
  numResBlocks: number;
  zChannels: number;
  codebookSize: number;
  codeDim: number;
  groups: number;
}

interface Map3 {
  c: number;
  h: number;
  w: number;
  v: Float64Array;
}

type Weights = Map<string, ArrayLike<number>>;

const EPS = 1e-6;

function get(w: Weights, name: string): ArrayLike<number> {
  const t = w.get(name);
  if (!t) throw new Error(`reference: weight ${name} missing`);
  return t;
}

function conv(x: Map3, w: Weights, name: string, cout: number, k: number, stride = 1, pad = [k >> 1, k >> 1, k >> 1, k >> 1]): Map3 {
  // pad = [top, left, bottom, right]; out[o,y,x] = b[o] + sum_{i,ky,kx} W[o,i,ky,kx] in[i, y*s+ky-top, x*s+kx-left]
  const W = Float64Array.from(get(w, `${name}.weight`));
  const B = get(w, `${name}.bias`);
  const h = Math.floor((x.h + pad[0] + pad[2] - k) / stride) + 1;
  const wd = Math.floor((x.w + pad[1] + pad[3] - k) / stride) + 1;
  const out = new Float64Array(cout * h * wd);
  const src = x.v;
  for (let o = 0; o < cout; o++) {
    const base = o * h * wd;
    out.fill(B[o], base, base + h * wd);
    for (let i = 0; i < x.c; i++) {
      for (let ky = 0; ky < k; ky++) {
        for (let kx = 0; kx < k; kx++) {
          const wv = W[((o * x.c + i) * k + ky) * k + kx];
          for (let y = 0; y < h; y++) {
            const sy = y * stride + ky - pad[0];
            if (sy < 0 || sy >= x.h) continue;
            const row = (i * x.h + sy) * x.w;
            const orow = base + y * wd;
            for (let xx = 0; xx < wd; xx++) {
              const sx = xx * stride + kx - pad[1];
              if (sx >= 0 && sx < x.w) out[orow + xx] += wv * src[row + sx];
            }
          }
        }
      }
    }
  }
  return { c: cout, h, w: wd, v: out };
}

function groupNorm(x: Map3, w: Weights, name: string, groups: number): Map3 {
  const gamma = get(w, `${name}.weight`);
  const beta = get(w, `${name}.bias`);
  const per = x.c / groups;
  const hw = x.h * x.w;
  const out = new Float64Array(x.v.length);
  for (let g = 0; g < groups; g++) {
    const start = g * per * hw;
    const n = per * hw;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += x.v[start + i];
    mean /= n;
    let variance = 0;
    for (let i = 0; i < n; i++) variance += (x.v[start + i] - mean) ** 2;
    variance /= n;
    const inv = 1 / Math.sqrt(variance + EPS);
    for (let i = 0; i < n; i++) {
      const c = g * per + Math.floor(i / hw);
      out[start + i] = (x.v[start + i] - mean) * inv * gamma[c] + beta[c];
    }
  }
  return { ...x, v: out };
}

function swish(x: Map3): Map3 {
  return { ...x, v: x.v.map((a) => a / (1 + Math.exp(-a))) };
}

function add(a: Map3, b: Map3): Map3 {
  return { ...a, v: a.v.map((x, i) => x + b.v[i]) };
}

function res(x: Map3, w: Weights, name: string, cout: number, groups: number): Map3 {
  let h = conv(swish(groupNorm(x, w, `${name}.norm1`, groups)), w, `${name}.conv1`, cout, 3);
  h = conv(swish(groupNorm(h, w, `${name}.norm2`, groups)), w, `${name}.conv2`, cout, 3);
  const skip = x.c === cout ? x : conv(x, w, `${name}.nin_shortcut`, cout, 1);
  return add(skip, h);
}

function attn(x: Map3, w: Weights, name: string, groups: number): Map3 {
  const h = groupNorm(x, w, `${name}.norm`, groups);
  const q = conv(h, w, `${name}.q`, x.c, 1);
  const k = conv(h, w, `${name}.k`, x.c, 1);
  const v = conv(h, w, `${name}.v`, x.c, 1);
  const n = x.h * x.w;
  const o = new Float64Array(x.c * n);
  const scale = 1 / Math.sqrt(x.c);
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < x.c; c++) s += q.v[c * n + i] * k.v[c * n + j];
      p[j] = s * scale;
      if (p[j] > max) max = p[j];
    }
    let total = 0;
    for (let j = 0; j < n; j++) total += (p[j] = Math.exp(p[j] - max));
    for (let c = 0; c < x.c; c++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += v.v[c * n + j] * p[j];
      o[c * n + i] = s / total;
    }
  }
  return add(x, conv({ ...x, v: o }, w, `${name}.proj_out`, x.c, 1));
}

function upsample2(x: Map3): Map3 {
  const h = x.h * 2;
  const wd = x.w * 2;
  const v = new Float64Array(x.c * h * wd);
  for (let c = 0; c < x.c; c++)
    for (let y = 0; y < h; y++)
      for (let xx = 0; xx < wd; xx++) v[(c * h + y) * wd + xx] = x.v[(c * x.h + (y >> 1)) * x.w + (xx >> 1)];
  return { c: x.c, h, w: wd, v };
}

function unitRows(e: ArrayLike<number>, k: number, d: number): Float64Array {
  const out = new Float64Array(k * d);
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += e[r * d + i] ** 2;
    const norm = Math.max(Math.sqrt(s), 1e-12);
    for (let i = 0; i < d; i++) out[r * d + i] = e[r * d + i] / norm;
  }
  return out;
}

/** Encodes pixels [3,S,S] (CHW, in [-1,1]) to codes, with each position's distance margin to the runner-up. */
export function referenceEncode(cfg: RefVqConfig, w: Weights, pixels: ArrayLike<number>): { codes: number[]; margins: number[] } {
  const G = cfg.groups;
  let h = conv({ c: 3, h: cfg.imageSize, w: cfg.imageSize, v: Float64Array.from(pixels) }, w, 'encoder.conv_in', cfg.ch, 3);
  const last = cfg.encoderChMult.length - 1;
  cfg.encoderChMult.forEach((mult, i) => {
    for (let j = 0; j < cfg.numResBlocks; j++) {
      h = res(h, w, `encoder.conv_blocks.${i}.res.${j}`, cfg.ch * mult, G);
      if (i === last) h = attn(h, w, `encoder.conv_blocks.${i}.attn.${j}`, G);
    }
    if (i !== last) h = conv(h, w, `encoder.conv_blocks.${i}.downsample.conv`, h.c, 3, 2, [0, 0, 1, 1]);
  });
  h = res(h, w, 'encoder.mid.0', h.c, G);
  h = attn(h, w, 'encoder.mid.1', G);
  h = res(h, w, 'encoder.mid.2', h.c, G);
  h = conv(swish(groupNorm(h, w, 'encoder.norm_out', G)), w, 'encoder.conv_out', cfg.zChannels, 3);
  const z = conv(h, w, 'quant_conv', cfg.codeDim, 1);
  const D = cfg.codeDim;
  const e = unitRows(get(w, 'quantize.embedding.weight'), cfg.codebookSize, D);
  const n = z.h * z.w;
  const codes: number[] = [];
  const margins: number[] = [];
  for (let pos = 0; pos < n; pos++) {
    const zv = new Float64Array(D);
    for (let d = 0; d < D; d++) zv[d] = z.v[d * n + pos];
    const zn = unitRows(zv, 1, D);
    let best = Infinity;
    let second = Infinity;
    let arg = -1;
    for (let k = 0; k < cfg.codebookSize; k++) {
      let dist = 0;
      for (let d = 0; d < D; d++) dist += (zn[d] - e[k * D + d]) ** 2;
      if (dist < best) (second = best), (best = dist), (arg = k);
      else if (dist < second) second = dist;
    }
    codes.push(arg);
    margins.push(second - best);
  }
  return { codes, margins };
}

/** Decodes row-major codes to pixels [3,S,S] (CHW), unclamped. */
export function referenceDecode(cfg: RefVqConfig, w: Weights, codes: ArrayLike<number>): Float64Array {
  const G = cfg.groups;
  const D = cfg.codeDim;
  const grid = cfg.imageSize / 2 ** (cfg.decoderChMult.length - 1);
  const e = unitRows(get(w, 'quantize.embedding.weight'), cfg.codebookSize, D);
  const n = grid * grid;
  const quant = new Float64Array(D * n);
  for (let pos = 0; pos < n; pos++) for (let d = 0; d < D; d++) quant[d * n + pos] = e[codes[pos] * D + d];
  let h = conv({ c: D, h: grid, w: grid, v: quant }, w, 'post_quant_conv', cfg.zChannels, 1);
  const levels = cfg.decoderChMult.length;
  h = conv(h, w, 'decoder.conv_in', cfg.ch * cfg.decoderChMult[levels - 1], 3);
  h = res(h, w, 'decoder.mid.0', h.c, G);
  h = attn(h, w, 'decoder.mid.1', G);
  h = res(h, w, 'decoder.mid.2', h.c, G);
  for (let b = 0; b < levels; b++) {
    const cout = cfg.ch * cfg.decoderChMult[levels - 1 - b];
    for (let j = 0; j <= cfg.numResBlocks; j++) {
      h = res(h, w, `decoder.conv_blocks.${b}.res.${j}`, cout, G);
      if (b === 0) h = attn(h, w, `decoder.conv_blocks.${b}.attn.${j}`, G);
    }
    if (b !== levels - 1) h = conv(upsample2(h), w, `decoder.conv_blocks.${b}.upsample.conv`, h.c, 3);
  }
  h = conv(swish(groupNorm(h, w, 'decoder.norm_out', G)), w, 'decoder.conv_out', 3, 3);
  return h.v;
}
