/** `pure watch BATCH`: a progress bar per job (tokens done of total, ETA) until the batch is complete. */
import { parseArgs } from 'node:util';
import { API_OPTIONS, clientFrom, type Command } from '../cli-context';
import { createProgressDisplay } from '../progress/progress-display';
import { watchBatch } from '../progress/watch-batch';
import { UsageError } from '../usage-error';

/** Runs `pure watch`; exits 0 when every job succeeded, 1 when any failed or was canceled. */
export const watchCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { ...API_OPTIONS } });
  if (positionals.length !== 1) throw new UsageError('usage: pure watch BATCH');
  const client = clientFrom(values, ctx);
  const display = createProgressDisplay(ctx.stdout);
  let batch;
  try {
    ({ batch } = await watchBatch(client, positionals[0], display, { signal: ctx.signal }));
  } finally {
    display.stop();
  }
  const c = batch.counts;
  ctx.stdout.write(`batch ${batch.id}: ${c.succeeded} succeeded, ${c.failed} failed, ${c.canceled} canceled\n`);
  return c.succeeded === batch.total ? 0 : 1;
};
