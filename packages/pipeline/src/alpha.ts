/**
 * Transparency handling as the reference meets it: Pillow resizes RGBA through premultiplied "RGBa"
 * (integer rounding both ways), then `_whiten_transparency` blends the result onto white.
 */

/** RGBA -> premultiplied RGBa, Pillow's MULDIV255: (c*a + 128 + ((c*a + 128) >> 8)) >> 8. */
export function premultiply(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3];
    for (let c = 0; c < 3; c++) {
      const t = rgba[i + c] * a + 128;
      out[i + c] = ((t >> 8) + t) >> 8;
    }
    out[i + 3] = a;
  }
  return out;
}

/** Premultiplied RGBa -> RGBA: min(255, floor(255*c/a)), alpha 0 and 255 copied as they are. */
export function unpremultiply(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array(rgba.length);
  for (let i = 0; i < rgba.length; i += 4) {
    const a = rgba[i + 3];
    for (let c = 0; c < 3; c++) out[i + c] = a === 0 || a === 255 ? rgba[i + c] : Math.min(255, Math.floor((255 * rgba[i + c]) / a));
    out[i + 3] = a;
  }
  return out;
}

/** True when some pixel of an RGBA buffer is not fully opaque. */
export function hasTransparency(rgba: Uint8Array): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] < 255) return true;
  return false;
}

/**
 * RGBA -> RGB. Fully opaque images just drop alpha; otherwise every pixel is blended onto white in float64,
 * `(1 - a)*255 + a*v` with a = A/255, and truncated (numpy `astype(uint8)`).
 */
export function whiten(rgba: Uint8Array): Uint8Array {
  const n = rgba.length / 4;
  const out = new Uint8Array(n * 3);
  const blend = hasTransparency(rgba);
  for (let i = 0; i < n; i++) {
    const a = rgba[i * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) {
      const v = rgba[i * 4 + c];
      out[i * 3 + c] = blend ? Math.trunc((1 - a) * 255 + a * v) : v;
    }
  }
  return out;
}
