/** `pure submit DIR|FILES [--param k=v ...] [--webhook URL]`: uploads one batch and prints its id. */
import { parseArgs } from 'node:util';
import { API_OPTIONS, clientFrom, type Command } from '../cli-context';
import { collectImages } from '../collect-images';
import { parseParams } from '../parse-params';

/** Runs `pure submit`; the batch id alone goes to stdout (for `B=$(pure submit ...)`), details to stderr. */
export const submitCommand: Command = async (args, ctx) => {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { ...API_OPTIONS, param: { type: 'string', multiple: true }, webhook: { type: 'string' } },
  });
  const params = parseParams(values.param ?? []);
  const client = clientFrom(values, ctx);
  const files = await collectImages(positionals);
  const batch = await client.submitBatch(files, { params, webhookUrl: values.webhook });
  ctx.stderr.write(`submitted ${files.length} image(s) as batch ${batch.id}\n`);
  batch.jobs.forEach((job, i) => ctx.stderr.write(`  ${job.id}  ${files[i]?.name ?? ''}\n`));
  ctx.stdout.write(`${batch.id}\n`);
  return 0;
};
