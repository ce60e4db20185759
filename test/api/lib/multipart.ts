/** Builds multipart/form-data bodies with the platform's FormData (what clients send). */

/** A form with `image` parts and optional text fields. */
export function form(images: Buffer[], fields: Record<string, string> = {}): FormData {
  const fd = new FormData();
  images.forEach((img, i) => fd.append('image', new Blob([new Uint8Array(img)], { type: 'application/octet-stream' }), `img${i}.png`));
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  return fd;
}
