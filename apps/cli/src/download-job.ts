/** Downloads a succeeded job's artifacts into one folder, with its text and view beside them. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { JobView } from '@pure/contracts/job';
import type { PureClient } from './client';

/** File names written into a job's folder. */
export interface JobFiles {
  dir: string;
  /** `output.<format>`: the restored image. */
  output: string;
  /** `entropy.png`: the per-token entropy heatmap. */
  heatmap: string;
  /** `entropy.f32`: the per-token log, little-endian float32 (entropy, k) pairs in raster order. */
  entropyLog: string;
  /** `entropy.json`: the entropy summary. */
  entropySummary: string;
  /** `text.txt`: the model's degradation description and caption. */
  text: string;
  /** `job.json`: the job view (links stripped: they expire). */
  view: string;
}

/** Writes the artifacts of `job` (which must have succeeded) into `dir`; returns the paths. */
export async function downloadJob(client: PureClient, job: JobView, dir: string): Promise<JobFiles> {
  const result = job.result;
  if (job.status !== 'succeeded' || !result) throw new Error(`job ${job.id} is ${job.status}: nothing to download`);
  await mkdir(dir, { recursive: true });
  const files: JobFiles = {
    dir,
    output: join(dir, `output.${result.format}`),
    heatmap: join(dir, 'entropy.png'),
    entropyLog: join(dir, 'entropy.f32'),
    entropySummary: join(dir, 'entropy.json'),
    text: join(dir, 'text.txt'),
    view: join(dir, 'job.json'),
  };
  const links: [string, string][] = [
    [result.image.url, files.output],
    [result.entropyMap.url, files.heatmap],
    [result.entropyLog.url, files.entropyLog],
    [result.entropySummary.url, files.entropySummary],
  ];
  await Promise.all(links.map(async ([url, path]) => writeFile(path, await client.download(url))));
  await writeFile(files.text, `degradation: ${result.degradation}\ncaption: ${result.caption}\n`);
  const { image, entropyMap, entropyLog, entropySummary, manifest, ...kept } = result;
  await writeFile(files.view, `${JSON.stringify({ ...job, result: kept }, null, 2)}\n`);
  return files;
}
