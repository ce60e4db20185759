/**
 * Cross-checks a manifest against itself and against its ONNX graphs (read with our own protobuf reader):
 * returns a list of problems, each naming the field, the graph value and both numbers.
 */
import type { ModelManifest } from './manifest';
import { readModelSignature, type ModelSignature } from './onnx/read-model';

/** Problems in the manifest alone (ids in range, codes covered once, grid integral). */
export function manifestProblems(m: ModelManifest): string[] {
  const out: string[] = [];
  const v = m.vocab;
  if (v.size !== m.decoder.vocabSize) out.push(`vocab.size ${v.size} != decoder.vocabSize ${m.decoder.vocabSize}`);
  for (const key of ['bos', 'imageStart', 'imageEnd', 'rowEnd', 'endOfTurn'] as const) {
    if (v[key] >= v.size) out.push(`vocab.${key} ${v[key]} is outside the vocab (${v.size})`);
  }
  const seen = new Uint8Array(m.vq.codebookSize);
  for (const r of v.imageCodes) {
    if (r.firstId + r.count > v.size) out.push(`imageCodes range at id ${r.firstId} runs past the vocab`);
    for (let c = r.firstCode; c < r.firstCode + r.count; c++) {
      if (c >= seen.length || seen[c]++) {
        out.push(`imageCodes: code ${c} is out of range or mapped twice (codebook ${m.vq.codebookSize})`);
        break;
      }
    }
  }
  if (seen.some((s) => s === 0)) out.push(`imageCodes do not cover all ${m.vq.codebookSize} codebook entries`);
  if (m.image.size % m.image.downsample !== 0) out.push(`image.size ${m.image.size} is not a multiple of downsample ${m.image.downsample}`);
  if (m.decoder.heads * m.decoder.headDim <= 0) out.push('decoder heads x headDim must be positive');
  return out;
}

function dimsEqual(got: readonly (number | string)[] | undefined, want: readonly (number | string | null)[]): boolean {
  return !!got && got.length === want.length && want.every((w, i) => w === null || got[i] === w);
}

/** Problems between the manifest's decoder dims and the decoder graph's inputs, outputs and weights. */
export function decoderGraphProblems(m: ModelManifest, decoderPath: string): string[] {
  const d = m.decoder;
  const sig: ModelSignature = readModelSignature(decoderPath);
  const out: string[] = [];
  const input = new Map(sig.inputs.map((i) => [i.name, i]));
  const output = new Map(sig.outputs.map((o) => [o.name, o]));
  for (const name of ['input_ids', 'attention_mask', 'position_ids']) if (!input.has(name)) out.push(`decoder graph has no input ${name}`);
  const layers = sig.inputs.filter((i) => /^past_key_values\.\d+\.key$/.test(i.name)).length;
  if (layers !== d.layers) out.push(`decoder.layers ${d.layers} but the graph has ${layers} past_key_values.N.key inputs`);
  const past = input.get('past_key_values.0.key');
  if (past && !dimsEqual(past.dims, [null, d.kvHeads, null, d.headDim])) {
    out.push(`decoder kvHeads/headDim ${d.kvHeads}/${d.headDim} but past_key_values.0.key is [${past.dims.join(',')}]`);
  }
  if (past && past.dtype !== d.dtype) out.push(`decoder.dtype ${d.dtype} but past_key_values.0.key is ${past.dtype}`);
  const logits = output.get('logits');
  if (!logits) out.push('decoder graph has no output logits');
  else if (!dimsEqual(logits.dims, [null, 1, d.vocabSize])) out.push(`decoder.vocabSize ${d.vocabSize} but logits are [${logits.dims.join(',')}]`);
  // weight shapes, where the graph uses our builder's names (MatMul layout [in, out])
  const expect: [string, number[]][] = [
    ['model.embed_tokens.weight', [d.vocabSize, d.hidden]],
    ['model.layers.0.self_attn.q_proj.weight', [d.hidden, d.heads * d.headDim]],
    ['model.layers.0.mlp.gate_proj.weight', [d.hidden, d.intermediate]],
    ['lm_head.weight', [d.hidden, d.vocabSize]],
    ['rope.cos', [d.maxPositions, d.headDim / 2]],
  ];
  if (d.qkNorm === 'layernorm-shared') expect.push(['model.layers.0.self_attn.q_norm.weight', [d.headDim]]);
  for (const [name, dims] of expect) {
    const init = sig.initializers.get(name);
    if (init && !dimsEqual(init.dims, dims)) out.push(`decoder weight ${name} is [${init.dims.join(',')}], the manifest implies [${dims.join(',')}]`);
    if (init && init.dtype !== d.dtype) out.push(`decoder weight ${name} is ${init.dtype}, the manifest says ${d.dtype}`);
  }
  return out;
}

/** Problems between the manifest's VQ dims and a VQ graph's codebook initializer (when it has one). */
export function vqGraphProblems(m: ModelManifest, path: string, file: string): string[] {
  const sig = readModelSignature(path);
  const out: string[] = [];
  for (const [name, init] of sig.initializers) {
    if (!name.startsWith('quantize.embedding.weight')) continue;
    if (!dimsEqual(init.dims, [m.vq.codebookSize, m.vq.codeDim])) {
      out.push(`${file}: codebook ${name} is [${init.dims.join(',')}], the manifest says [${m.vq.codebookSize},${m.vq.codeDim}]`);
    }
  }
  return out;
}
