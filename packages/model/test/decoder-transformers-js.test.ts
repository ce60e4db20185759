/**
 * The decoder file follows Hugging Face/optimum naming closely enough that transformers.js runs it as a
 * Llama-style causal LM, unchanged: its greedy generation equals our own KV-cache loop token for token.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { AutoModelForCausalLM, Tensor, env } from '@huggingface/transformers';
import { loadModelPackage } from '../src/load-model-package';
import { OrtSession } from '../src/session';
import { ensureTinyPackage } from '../src/tiny/ensure-tiny-package';
import { runDecoder } from './decoder-harness';

const root = mkdtempSync(join(tmpdir(), 'tjs-'));
after(() => rmSync(root, { recursive: true, force: true }));

test('transformers.js generates with the tiny decoder exactly like our greedy loop', async () => {
  const pkg = await loadModelPackage(await ensureTinyPackage('tiny'));
  const d = pkg.manifest.decoder;
  const v = pkg.manifest.vocab;
  const dir = join(root, 'tiny');
  mkdirSync(join(dir, 'onnx'), { recursive: true });
  copyFileSync(pkg.paths.decoder, join(dir, 'onnx', 'model.onnx'));
  copyFileSync(pkg.paths.tokenizer, join(dir, 'tokenizer.json'));
  const config = {
    model_type: 'llama', architectures: ['LlamaForCausalLM'], vocab_size: d.vocabSize, hidden_size: d.hidden,
    num_attention_heads: d.heads, num_key_value_heads: d.kvHeads, num_hidden_layers: d.layers, head_dim: d.headDim,
    intermediate_size: d.intermediate, max_position_embeddings: d.maxPositions, bos_token_id: v.bos, eos_token_id: v.endOfTurn,
  };
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  writeFileSync(join(dir, 'generation_config.json'), JSON.stringify({ bos_token_id: v.bos, eos_token_id: v.endOfTurn }));
  writeFileSync(join(dir, 'tokenizer_config.json'), JSON.stringify({ tokenizer_class: 'PreTrainedTokenizerFast' }));
  env.allowRemoteModels = false;
  env.localModelPath = `${root}/`;
  const model = await AutoModelForCausalLM.from_pretrained('tiny', { dtype: 'fp32' });

  const prompt = [v.bos, 200, 201, 300, 17];
  const newTokens = 8;
  const i64 = (xs: number[]) => new Tensor('int64', BigInt64Array.from(xs.map(BigInt)), [1, xs.length]);
  const out = (await model.generate({ input_ids: i64(prompt), attention_mask: i64(prompt.map(() => 1)), max_new_tokens: newTokens, do_sample: false })) as Tensor;
  const theirs = Array.from(out.data as BigInt64Array, Number);
  await model.dispose();

  const s = await OrtSession.create(pkg.paths.decoder);
  const seq = [...prompt];
  let r = await runDecoder(s, d, [seq], [seq.map((_, i) => i)], [seq.map(() => 1)]);
  for (let k = 0; k < newTokens; k++) {
    let best = 0;
    for (let i = 1; i < r.logits.length; i++) if (r.logits[i] > r.logits[best]) best = i;
    seq.push(best);
    if (best === v.endOfTurn) break;
    if (k < newTokens - 1) r = await runDecoder(s, d, [[best]], [[seq.length - 1]], [seq.map(() => 1)], r.present);
  }
  await s.dispose();
  assert.deepEqual(theirs, seq);
});
