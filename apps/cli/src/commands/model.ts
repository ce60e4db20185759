/**
 * `pure model build --tiny NAME --out DIR` (a tiny package with seeded random weights, for tests and the demo)
 * and `pure model import --pure DIR --vq FILE --out DIR [--dtype float16|float32]` (PURE + LlamaGen weights).
 */
import { parseArgs } from 'node:util';
import { buildTinyPackage } from '@pure/model/tiny/build-tiny-package';
import { importPure } from '@pure/model/import/import-pure';
import { TINY_NAMES, type TinyName } from '@pure/model/tiny/tiny-specs';
import type { Command } from '../cli-context';
import { UsageError } from '../usage-error';

const DTYPES = ['float16', 'float32'] as const;
type Dtype = (typeof DTYPES)[number];

function dtypeOf(value: string | undefined, fallback: Dtype): Dtype {
  if (value === undefined) return fallback;
  if (!(DTYPES as readonly string[]).includes(value)) throw new UsageError(`--dtype ${value}: expected ${DTYPES.join(' or ')}`);
  return value as Dtype;
}

const build: Command = async (args, ctx) => {
  const { values } = parseArgs({ args, options: { tiny: { type: 'string' }, out: { type: 'string' }, dtype: { type: 'string' } } });
  if (!values.tiny || !values.out) throw new UsageError(`usage: pure model build --tiny ${TINY_NAMES.join('|')} --out DIR [--dtype float32|float16]`);
  if (!(TINY_NAMES as readonly string[]).includes(values.tiny)) throw new UsageError(`--tiny ${values.tiny}: expected one of ${TINY_NAMES.join(', ')}`);
  const manifest = await buildTinyPackage(values.tiny as TinyName, values.out, { dtype: dtypeOf(values.dtype, 'float32') });
  const files = Object.keys(manifest.files);
  ctx.stdout.write(`built ${manifest.name} into ${values.out} (${files.length} files: ${files.join(', ')}); its weights are random\n`);
  return 0;
};

const importCommand: Command = async (args, ctx) => {
  const { values } = parseArgs({
    args,
    options: { pure: { type: 'string' }, vq: { type: 'string' }, out: { type: 'string' }, dtype: { type: 'string' }, name: { type: 'string' } },
  });
  if (!values.pure || !values.vq || !values.out) throw new UsageError('usage: pure model import --pure DIR --vq FILE --out DIR [--dtype float16|float32] [--name NAME]');
  ctx.stderr.write(`importing ${values.pure} + ${values.vq} (every tensor is checked before anything is written)...\n`);
  const { manifest, dropped } = await importPure({
    pureDir: values.pure,
    vqFile: values.vq,
    outDir: values.out,
    dtype: dtypeOf(values.dtype, 'float16'),
    name: values.name,
  });
  ctx.stdout.write(`imported ${manifest.name} into ${values.out} (${Object.keys(manifest.files).length} files, decoder ${manifest.decoder.dtype}); left out ${dropped.length} unused tensors\n`);
  return 0;
};

/** Runs `pure model build|import`. */
export const modelCommand: Command = async (args, ctx) => {
  const [sub, ...rest] = args;
  if (sub === 'build') return build(rest, ctx);
  if (sub === 'import') return importCommand(rest, ctx);
  throw new UsageError('usage: pure model build --tiny NAME --out DIR | pure model import --pure DIR --vq FILE --out DIR');
};
