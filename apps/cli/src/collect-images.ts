/** Finds the images to upload: every image file in a folder (sorted by name), or the files named. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import type { UploadFile } from './client';
import { UsageError } from './usage-error';

/** Extensions of the formats the api accepts. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.tif', '.tiff', '.avif'];

/** Reads each argument: a folder contributes its image files (not recursive), a file itself. */
export async function collectImages(args: readonly string[]): Promise<UploadFile[]> {
  if (args.length === 0) throw new UsageError('name a folder of images or one or more image files');
  const paths: string[] = [];
  for (const arg of args) {
    const info = await stat(arg).catch(() => null);
    if (!info) throw new UsageError(`${arg}: no such file or folder`);
    if (info.isDirectory()) {
      const names = (await readdir(arg)).filter((n) => IMAGE_EXTENSIONS.includes(extname(n).toLowerCase())).sort();
      if (names.length === 0) throw new UsageError(`${arg}: no image files (${IMAGE_EXTENSIONS.join(' ')})`);
      paths.push(...names.map((n) => join(arg, n)));
    } else {
      paths.push(arg);
    }
  }
  return Promise.all(paths.map(async (p) => ({ name: basename(p), bytes: await readFile(p) })));
}
