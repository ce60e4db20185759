/**
 * The structural mask inside an image span (the reference's MultiModalLogitsProcessor): a row end is forced
 * after every grid codes, the image end after the last row, and everything but image-code ids is -inf
 * elsewhere. Position t counts tokens after [image start, size, size].
 */
import type { TokenLayout } from '../layout';

/** Half-open index ranges, flat [from0, to0, from1, to1, ...], outside which every logit is -inf. */
export type Support = Int32Array;

/** The whole vocab. */
export function fullSupport(vocabSize: number): Support {
  return Int32Array.from([0, vocabSize]);
}

/** Precomputed supports for one layout, so the per-token path allocates nothing. */
export class StructuralMask {
  readonly image: Support;
  readonly rowEnd: Support;
  readonly imageEnd: Support;
  private readonly imageComplement: Int32Array;

  constructor(private readonly layout: TokenLayout) {
    this.image = layout.imageIdRanges;
    this.rowEnd = Int32Array.from([layout.rowEnd, layout.rowEnd + 1]);
    this.imageEnd = Int32Array.from([layout.imageEnd, layout.imageEnd + 1]);
    const comp: number[] = [];
    let at = 0;
    for (let r = 0; r < this.image.length; r += 2) {
      if (this.image[r] > at) comp.push(at, this.image[r]);
      at = this.image[r + 1];
    }
    if (at < layout.vocabSize) comp.push(at, layout.vocabSize);
    this.imageComplement = Int32Array.from(comp);
  }

  /** The id forced at body position t, or -1 when t samples an image code. */
  forcedAt(t: number): number {
    const { grid } = this.layout;
    if ((t + 1) % (grid + 1) === 0) return this.layout.rowEnd;
    if (t === grid * (grid + 1)) return this.layout.imageEnd;
    return -1;
  }

  /** Where logits stay finite at body position t. */
  supportAt(t: number): Support {
    const forced = this.forcedAt(t);
    if (forced === this.layout.rowEnd) return this.rowEnd;
    if (forced === this.layout.imageEnd) return this.imageEnd;
    return this.image;
  }

  /** Applies the mask in place: -inf outside the support; a forced id gets 0 and is the only finite logit. */
  apply(logits: Float32Array, t: number): Support {
    const forced = this.forcedAt(t);
    if (forced !== -1) {
      logits.fill(-Infinity);
      logits[forced] = 0;
      return forced === this.layout.rowEnd ? this.rowEnd : this.imageEnd;
    }
    const c = this.imageComplement;
    for (let r = 0; r < c.length; r += 2) logits.fill(-Infinity, c[r], c[r + 1]);
    return this.image;
  }
}
