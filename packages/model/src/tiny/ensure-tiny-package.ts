/**
 * Builds a tiny package on first use into a cache folder (default `<repo>/.cache/models/<name>`) and
 * reuses it afterwards. Safe when several processes race: each builds in its own temp folder and renames
 * it into place; a loser of the race discards its copy and uses the winner's (same bytes anyway).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildTinyPackage, type BuildTinyOptions } from './build-tiny-package';
import type { TinyName } from './tiny-specs';

/** Bump to force a rebuild of cached packages (source changes of the builders already do). */
export const TINY_BUILD_VERSION = 1;
const STAMP = '.tiny-build';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = join(SRC, '..', '..', '..');
/** Builder folders whose sources decide a package's bytes. */
const BUILDER_DIRS = ['decoder', 'onnx', 'tiny', 'vq'];

let sourceHash: string | undefined;
/** Hash of the builders' source, so an edited builder invalidates cached packages by itself. */
function builderSourceHash(): string {
  if (sourceHash) return sourceHash;
  const h = createHash('sha256');
  for (const sub of BUILDER_DIRS) {
    const dir = join(SRC, sub);
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) h.update(`${sub}/${f}\0`).update(readFileSync(join(dir, f)));
  }
  for (const f of ['manifest.ts', 'image-code-ranges.ts', 'file-hash.ts']) h.update(readFileSync(join(SRC, f)));
  return (sourceHash = h.digest('hex'));
}

/** Default cache folder of a tiny package. */
export function defaultTinyCacheDir(name: TinyName, opts: BuildTinyOptions = {}): string {
  return join(REPO_ROOT, '.cache', 'models', opts.dtype === 'float16' ? `${name}-fp16` : name);
}

function stampOf(name: TinyName, opts: BuildTinyOptions): string {
  return JSON.stringify({ v: TINY_BUILD_VERSION, src: builderSourceHash(), name, dtype: opts.dtype ?? 'float32', externalData: opts.externalData ?? 'auto' });
}

function current(dir: string, stamp: string): boolean {
  try {
    return readFileSync(join(dir, STAMP), 'utf8') === stamp && existsSync(join(dir, 'manifest.json'));
  } catch {
    return false;
  }
}

/** Returns the folder of package `name`, building it first when missing or built by an older builder. */
export async function ensureTinyPackage(name: TinyName, cacheDir?: string, opts: BuildTinyOptions = {}): Promise<string> {
  const dir = cacheDir ?? defaultTinyCacheDir(name, opts);
  const stamp = stampOf(name, opts);
  if (current(dir, stamp)) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await buildTinyPackage(name, tmp, opts);
    writeFileSync(join(tmp, STAMP), stamp);
    if (existsSync(dir) && !current(dir, stamp)) {
      // stale: move it aside first (rename is atomic; a concurrent reader keeps its open files)
      const old = `${dir}.old-${process.pid}-${randomBytes(4).toString('hex')}`;
      try {
        renameSync(dir, old);
        rmSync(old, { recursive: true, force: true });
      } catch {
        // another process moved it already
      }
    }
    try {
      renameSync(tmp, dir);
    } catch (err) {
      if (!current(dir, stamp)) throw err; // not a lost race: a real failure
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return dir;
}
