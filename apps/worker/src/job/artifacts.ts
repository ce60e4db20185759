/** A job's artifacts in S3: stored together (each with its checksum), or removed together. */
import type { JobData } from '@pure/contracts/job';
import type { ArtifactKeys } from '@pure/contracts/job-manifest';
import type { OutputFormat } from '@pure/contracts/params';
import type { Storage } from '@pure/storage/storage';
import type { RestoreResult } from '../inference/restorer';

const IMAGE_TYPES: Record<OutputFormat, string> = { png: 'image/png', webp: 'image/webp', jpeg: 'image/jpeg' };

/** Artifact keys of a job (the manifest's included). */
export function artifactKeys(storage: Storage, data: Pick<JobData, 'tenant' | 'jobId' | 'params'>): ArtifactKeys {
  const k = storage.jobKeys(data.tenant, data.jobId);
  return {
    // the format's name as extension, as the api names inputs
    image: k.output(data.params.output),
    entropyMap: k.entropyMap,
    entropyLog: k.entropyLog,
    entropySummary: k.entropySummary,
    manifest: k.manifest,
  };
}

/** Stores image, entropy log, summary and heatmap; returns their sha256 by artifact name. Same keys on every attempt. */
export async function storeArtifacts(storage: Storage, keys: ArtifactKeys, result: RestoreResult): Promise<Record<string, string>> {
  const [image, entropyLog, entropySummary, entropyMap] = await Promise.all([
    storage.put(keys.image, result.image, { contentType: IMAGE_TYPES[result.format] }),
    storage.put(keys.entropyLog, result.entropy.log, { contentType: 'application/octet-stream' }),
    storage.put(keys.entropySummary, JSON.stringify(result.entropy.summary), { contentType: 'application/json' }),
    storage.put(keys.entropyMap, result.entropy.heatmap, { contentType: 'image/png' }),
  ]);
  return { image: image.sha256, entropyLog: entropyLog.sha256, entropySummary: entropySummary.sha256, entropyMap: entropyMap.sha256 };
}

/** Removes whatever an attempt may have stored besides the input (the manifest included). */
export async function removeArtifacts(storage: Storage, keys: ArtifactKeys): Promise<void> {
  await Promise.all([keys.image, keys.entropyLog, keys.entropySummary, keys.entropyMap, keys.manifest].map((k) => storage.delete(k)));
}
