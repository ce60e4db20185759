/**
 * Splits the model's text into its two parts: PURE first states the degradation it perceives in one
 * sentence ("Medium blur, small noise."), then captions the image.
 */

/** The text the model wrote before the image, split into the degradation estimate and the caption. */
export interface RestoreText {
  raw: string;
  degradation: string;
  caption: string;
}

/** The first sentence (through the first `.`, `!` or `?` that ends a word) is the degradation; the rest the caption. */
export function splitText(raw: string): RestoreText {
  const text = raw.trim();
  const m = /[.!?](?=\s|$)/.exec(text);
  if (!m) return { raw, degradation: text, caption: '' };
  const end = m.index + 1;
  return { raw, degradation: text.slice(0, end).trim(), caption: text.slice(end).trim() };
}
