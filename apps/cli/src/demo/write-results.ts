/** Writes the demo's results: per example its input, output, heatmap and text, then the contact sheet. */
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import type { JobView } from '@pure/contracts/job';
import type { PureClient } from '../client';
import { downloadJob } from '../download-job';
import { writeContactSheet, type SheetRow } from './contact-sheet';

/** One submitted example and the last view of its job. */
export interface DemoItem {
  /** Path of the example image. */
  input: string;
  job: JobView;
}

/** Writes `<out>/<example>/...` for every item and `<out>/index.html`; returns the sheet's path. */
export async function writeResults(client: PureClient, items: DemoItem[], out: string, note: string): Promise<string> {
  const rows: SheetRow[] = [];
  for (const { input, job } of items) {
    const name = basename(input, extname(input));
    const dir = join(out, name);
    await mkdir(dir, { recursive: true });
    const inputCopy = join(dir, `input${extname(input)}`);
    await copyFile(input, inputCopy);
    const rel = (p: string) => relative(out, p).split('\\').join('/');
    const row: SheetRow = { name, status: job.status, input: rel(inputCopy) };
    if (job.status === 'succeeded' && job.result) {
      const files = await downloadJob(client, job, dir);
      Object.assign(row, {
        output: rel(files.output),
        heatmap: rel(files.heatmap),
        degradation: job.result.degradation,
        caption: job.result.caption,
        meanEntropy: job.result.stats.meanEntropy,
        seconds: job.result.stats.seconds,
      });
    } else if (job.error) {
      row.error = `${job.error.code}: ${job.error.message}`;
    }
    rows.push(row);
  }
  return writeContactSheet(out, rows, note);
}
