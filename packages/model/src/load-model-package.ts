/**
 * Opens a model package from a folder or an `s3://bucket/prefix` (downloaded once into a local cache
 * through an injected store, so this package never imports an S3 SDK), verifies every file's sha256 and
 * cross-checks the manifest against the graphs. Any problem is a ModelPackageError naming it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decoderGraphProblems, manifestProblems, vqGraphProblems } from './check-package-graphs';
import { fileEntry } from './file-hash';
import { MANIFEST_FORMAT_VERSION, ModelManifest } from './manifest';
import { ModelPackageError } from './model-package-error';

/**
 * What the loader needs from object storage, on one bucket, with full keys. `@pure/storage`'s `Storage`
 * satisfies it: pass `store: (bucket) => storage.withBucket(bucket)`.
 */
export interface PackageStore {
  /** Every object under `prefix` (full keys, or objects with a full `key`). */
  list(prefix: string): Promise<ReadonlyArray<string | { key: string }>>;
  /** Downloads one object to a local file path. */
  download(key: string, toPath: string): Promise<unknown>;
}

/** Where to get and cache a package, and whether to hash it. */
export interface LoadModelPackageOptions {
  /** Required for `s3://` locations: the store for the location's bucket. */
  store?: (bucket: string) => PackageStore;
  /** Local cache root for `s3://` packages (the package lands in `<cacheDir>/<bucket>/<prefix>`). */
  cacheDir?: string;
  /** Hash every file (default true). A downloaded package is hashed once, when it is downloaded. */
  verify?: boolean;
}

/** An opened, verified package: its folder, manifest and the absolute paths of its files. */
export interface LoadedModelPackage {
  dir: string;
  manifest: ModelManifest;
  paths: { decoder: string; vqEncoder: string; vqDecoder: string; tokenizer: string };
}

const MANIFEST = 'manifest.json';
const VERIFIED = '.verified';

/** Opens and checks the package at `location` (folder path or `s3://bucket/prefix`). */
export async function loadModelPackage(location: string, opts: LoadModelPackageOptions = {}): Promise<LoadedModelPackage> {
  if (location.startsWith('s3://')) return fromS3(location, opts);
  return open(resolve(location), location, opts.verify ?? true);
}

function readManifest(dir: string, location: string): ModelManifest {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) throw new ModelPackageError(location, `missing file ${MANIFEST}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ModelPackageError(location, `${MANIFEST} is not valid JSON`, { cause: err });
  }
  const head = raw as { format?: unknown; formatVersion?: unknown };
  if (head?.format !== 'pure-model-package') throw new ModelPackageError(location, `${MANIFEST}: format is ${JSON.stringify(head?.format)}, expected "pure-model-package"`);
  if (head.formatVersion !== MANIFEST_FORMAT_VERSION) {
    throw new ModelPackageError(location, `unknown format version ${JSON.stringify(head.formatVersion)} (this build reads version ${MANIFEST_FORMAT_VERSION})`);
  }
  const parsed = ModelManifest.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ModelPackageError(location, `${MANIFEST} is invalid: ${issues}`);
  }
  return parsed.data;
}

function open(dir: string, location: string, verify: boolean): LoadedModelPackage {
  const m = readManifest(dir, location);
  const named = [m.decoder.file, m.vq.encoderFile, m.vq.decoderFile, m.vocab.tokenizer];
  for (const f of named) if (!(f in m.files)) throw new ModelPackageError(location, `file ${f} is used but has no entry in manifest.files`);
  for (const [file, want] of Object.entries(m.files)) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new ModelPackageError(location, `missing file ${file}`);
    const size = statSync(path).size;
    if (size !== want.bytes) throw new ModelPackageError(location, `file ${file} is ${size} bytes, the manifest says ${want.bytes}`);
    if (verify && fileEntry(path).sha256 !== want.sha256) throw new ModelPackageError(location, `checksum mismatch for file ${file} (sha256 differs from the manifest)`);
  }
  const paths = {
    decoder: join(dir, m.decoder.file),
    vqEncoder: join(dir, m.vq.encoderFile),
    vqDecoder: join(dir, m.vq.decoderFile),
    tokenizer: join(dir, m.vocab.tokenizer),
  };
  let problems: string[];
  try {
    problems = [
      ...manifestProblems(m),
      ...decoderGraphProblems(m, paths.decoder),
      ...vqGraphProblems(m, paths.vqEncoder, m.vq.encoderFile),
      ...vqGraphProblems(m, paths.vqDecoder, m.vq.decoderFile),
    ];
  } catch (err) {
    throw new ModelPackageError(location, `cannot read a graph: ${(err as Error).message}`, { cause: err });
  }
  if (problems.length) throw new ModelPackageError(location, `dims mismatch: ${problems.join('; ')}`);
  return { dir, manifest: m, paths };
}

async function fromS3(location: string, opts: LoadModelPackageOptions): Promise<LoadedModelPackage> {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(location);
  if (!m) throw new ModelPackageError(location, 'not an s3://bucket/prefix location');
  if (!opts.store) throw new ModelPackageError(location, 'an s3:// location needs a store (loadModelPackage option "store")');
  if (!opts.cacheDir) throw new ModelPackageError(location, 'an s3:// location needs a local cacheDir');
  const [, bucket, rawPrefix] = m;
  const prefix = rawPrefix && !rawPrefix.endsWith('/') ? `${rawPrefix}/` : rawPrefix;
  const dest = join(opts.cacheDir, bucket, ...prefix.split('/').filter(Boolean));
  // a complete earlier download was verified when it landed: sizes are checked, hashing is skipped
  if (existsSync(join(dest, VERIFIED))) return open(dest, location, false);

  const store = opts.store(bucket);
  const keys = (await store.list(prefix)).map((k) => (typeof k === 'string' ? k : k.key));
  if (!keys.includes(`${prefix}${MANIFEST}`)) throw new ModelPackageError(location, `missing file ${MANIFEST}`);
  const tmp = `${dest}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    mkdirSync(tmp, { recursive: true });
    await store.download(`${prefix}${MANIFEST}`, join(tmp, MANIFEST));
    const manifest = readManifest(tmp, location);
    for (const file of Object.keys(manifest.files)) {
      if (!keys.includes(`${prefix}${file}`)) throw new ModelPackageError(location, `missing file ${file}`);
      mkdirSync(dirname(join(tmp, file)), { recursive: true });
      await store.download(`${prefix}${file}`, join(tmp, file));
    }
    open(tmp, location, true);
    writeFileSync(join(tmp, VERIFIED), new Date().toISOString());
    mkdirSync(dirname(dest), { recursive: true });
    try {
      renameSync(tmp, dest);
    } catch (err) {
      if (!existsSync(join(dest, VERIFIED))) throw err; // another process finished the same download first
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return open(dest, location, false);
}
