/**
 * `pure demo [--out DIR] [--examples DIR]` (`npm run demo`): the whole system on this machine. Starts
 * Redis, an S3 server, the api and one worker with the tiny model, and a webhook receiver, all on loopback;
 * submits every example image as one batch through the REST api; shows a progress bar per job; writes the
 * results and an index.html contact sheet; stops everything it started, in reverse order, also on failure
 * or Ctrl-C.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Command } from '../cli-context';
import { collectImages } from '../collect-images';
import { createProgressDisplay } from '../progress/progress-display';
import { watchBatch } from '../progress/watch-batch';
import { startDemoStack, type DemoStack } from './demo-stack';
import { DemoSetupError } from './demo-setup-error';
import { superviseDemo, SUPERVISED_ENV } from './supervise';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver';
import { writeResults } from './write-results';

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const WEBHOOK_WAIT_MS = 15_000;
const RUN_TIMEOUT_MS = 10 * 60_000;

/** Said at the start and written on the contact sheet. */
export const RANDOM_WEIGHTS_NOTE =
  'The tiny model has random weights: it shows the system (queue, worker, artifacts, webhooks), not the quality of PURE. Outputs look like noise; that is expected.';

/** Runs the demo; resolves 0 when every job succeeded and the sheet is written. */
export const demoCommand: Command = async (args, ctx) => {
  const { values } = parseArgs({ args, options: { out: { type: 'string' }, examples: { type: 'string' } } });
  if (ctx.env[SUPERVISED_ENV] !== '1') return superviseDemo(args, ctx);
  const out = resolve(values.out ?? 'demo-out');
  const examplesDir = resolve(values.examples ?? join(REPO_ROOT, 'examples'));
  const say = (line: string) => ctx.stdout.write(`${line}\n`);
  say(`pure-serve demo. ${RANDOM_WEIGHTS_NOTE}`);
  const files = await collectImages([examplesDir]);
  await mkdir(join(out, 'logs'), { recursive: true });

  let stack: DemoStack | undefined;
  let receiver: WebhookReceiver | undefined;
  let stopping = false;
  // Aborts the run when the user interrupts, when the api or worker dies, or when it takes far too long.
  const died = new AbortController();
  const signal = AbortSignal.any([ctx.signal, died.signal, AbortSignal.timeout(RUN_TIMEOUT_MS)]);
  try {
    stack = await startDemoStack({ repoRoot: REPO_ROOT, logDir: join(out, 'logs'), env: { ...ctx.env }, say, signal });
    for (const app of stack.apps) {
      app.child.once('exit', (code, sig) => stopping || died.abort(new DemoSetupError(`the ${app.name} exited (${code ?? sig}) while the demo ran`)));
    }
    const { client } = stack;
    receiver = await startWebhookReceiver(await client.webhookSecret());
    say(`webhook receiver on ${receiver.url} (verifies Standard Webhooks signatures)`);

    const batch = await client.submitBatch(files, { webhookUrl: receiver.url, metadata: { source: 'pure demo' } });
    say(`submitted ${files.length} images from ${examplesDir} as batch ${batch.id}`);
    const labels = new Map(batch.jobs.map((j, i) => [j.id, files[i].name]));
    const display = createProgressDisplay(ctx.stdout);
    let jobs;
    try {
      ({ jobs } = await watchBatch(client, batch.id, display, { labels, signal, intervalMs: 200 }));
    } finally {
      display.stop();
    }

    // Deliveries are asynchronous: wait (bounded) for one per job plus batch.completed.
    const expected = (d: { type: string | null; verified: boolean }[]) =>
      d.filter((x) => x.verified && x.type?.startsWith('job.')).length >= jobs.length && d.some((x) => x.verified && x.type === 'batch.completed');
    await receiver.waitFor(expected, WEBHOOK_WAIT_MS, signal);

    const items = jobs.map((job, i) => ({ input: join(examplesDir, files[i].name), job }));
    const sheet = await writeResults(client, items, out, RANDOM_WEIGHTS_NOTE);
    const signed = receiver.deliveries.filter((d) => d.verified).length;
    const unsigned = receiver.deliveries.length - signed;
    const succeeded = jobs.filter((j) => j.status === 'succeeded').length;
    say(`${succeeded} of ${jobs.length} jobs succeeded`);
    say(`${signed} signed webhooks arrived and verified${unsigned ? `, ${unsigned} failed verification` : ''} (${receiver.deliveries.map((d) => d.type).join(', ')})`);
    say(`results: ${out}/<example>/ (input, output, entropy.png heatmap, entropy log and summary, text.txt)`);
    say(`contact sheet: ${sheet}`);
    say(`logs: ${join(out, 'logs')}`);
    return succeeded === jobs.length && unsigned === 0 ? 0 : 1;
  } catch (err) {
    if (ctx.signal.aborted) throw err; // main() reports the interrupt
    const reason: unknown = signal.aborted ? signal.reason : err;
    const message = reason instanceof DemoSetupError ? reason.message : signal.aborted ? `gave up after ${RUN_TIMEOUT_MS / 60_000} minutes` : null;
    if (stack) for (const app of stack.apps) ctx.stderr.write(`--- last lines of ${app.logFile} ---\n${await app.tail()}\n`);
    if (message === null) throw err;
    ctx.stderr.write(`pure demo: ${message}\n`);
    return 1;
  } finally {
    stopping = true;
    say('stopping the demo services...');
    await receiver?.close();
    const clean = (await stack?.stop()) ?? true;
    say(clean ? 'stopped; nothing is left running' : 'stopped; what did not stop in time is killed as the demo exits');
  }
};
