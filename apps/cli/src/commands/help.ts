/** `pure help`: every command with its flags. */
import type { Command } from '../cli-context';

/** The text `pure help` prints. */
export const HELP = `pure: the pure-serve command line

usage: pure COMMAND [ARGS]

  demo [--out DIR] [--examples DIR]    the whole system on this machine (Redis, S3, api, one worker with the
                                        tiny model, a webhook receiver); restores the images in examples/
                                        into DIR (default demo-out) with an index.html contact sheet
  submit DIR|FILES [--param k=v ...] [--webhook URL]
                                        upload images as one batch; prints the batch id
  watch BATCH                           a progress bar per job (tokens done of total, ETA) until it completes
  get JOB|BATCH --out DIR               download output, entropy heatmap, log and summary, and text per job
  model build --tiny NAME --out DIR [--dtype float32|float16]
                                        build a tiny model package (random weights: tests and the demo)
  model import --pure DIR --vq FILE --out DIR [--dtype float16|float32] [--name NAME]
                                        turn PURE + LlamaGen VQ weights into a model package
  help                                  this text

submit, watch and get talk to an api: --api URL (or PURE_API_URL, default http://127.0.0.1:8080) and
--key KEY (or PURE_API_KEY). Params: seed, cfg, temperature, kMin, kMax, mu, textTopK, colorFix, output.
`;

/** Prints the help. */
export const helpCommand: Command = async (_args, ctx) => {
  ctx.stdout.write(HELP);
  return 0;
};
