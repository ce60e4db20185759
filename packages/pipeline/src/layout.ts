/**
 * Token layout: every id and size the prompt builder, the structural mask and the output parser need,
 * derived from a model manifest alone (no PURE constant lives in the pipeline).
 */
import { gridOf, type ModelManifest } from '@pure/model/manifest';

/** Ids and sizes of one model package's token space. */
export interface TokenLayout {
  /** Logits width. */
  readonly vocabSize: number;
  /** Codes per row and rows per image. */
  readonly grid: number;
  readonly bos: number;
  readonly imageStart: number;
  readonly imageEnd: number;
  readonly rowEnd: number;
  readonly endOfTurn: number;
  /** The size token for this package's grid (used for both height and width). */
  readonly sizeId: number;
  readonly codebookSize: number;
  /** code -> token id. */
  readonly codeToId: Int32Array;
  /** token id -> code, -1 for ids that are not image codes. */
  readonly idToCode: Int32Array;
  /** Image-code token ids as sorted, merged half-open ranges, flat: [from0, to0, from1, to1, ...]. */
  readonly imageIdRanges: Int32Array;
  /** Tokens after the two size tokens: grid rows of (grid codes + row end), then the image end. */
  readonly imageBodyLength: number;
  /** Text tokens allowed before the image start is forced (manifest sampling default). */
  readonly textBudget: number;
  /** Generated tokens allowed in all (manifest sampling default). */
  readonly maxNewTokens: number;
}

function checkId(name: string, id: number, vocabSize: number): number {
  if (!Number.isInteger(id) || id < 0 || id >= vocabSize) throw new Error(`manifest ${name} id ${id} is outside the vocab [0, ${vocabSize}): fix the package, do not retry`);
  return id;
}

/** Builds the layout, checking that the manifest's ids fit the vocab and the code ranges tile the codebook. */
export function createTokenLayout(m: ModelManifest): TokenLayout {
  const vocabSize = m.decoder.vocabSize;
  if (m.vocab.size !== vocabSize) throw new Error(`manifest vocab.size ${m.vocab.size} != decoder.vocabSize ${vocabSize}: fix the package, do not retry`);
  const grid = gridOf(m);
  if (!Number.isInteger(grid)) throw new Error(`image size ${m.image.size} is not a multiple of downsample ${m.image.downsample}`);
  const units = m.image.size / m.vocab.sizeToken.pixelsPerUnit;
  if (!Number.isInteger(units)) throw new Error(`image size ${m.image.size} is not a multiple of sizeToken.pixelsPerUnit ${m.vocab.sizeToken.pixelsPerUnit}`);
  const v = m.vocab;
  const special = {
    bos: checkId('bos', v.bos, vocabSize),
    imageStart: checkId('imageStart', v.imageStart, vocabSize),
    imageEnd: checkId('imageEnd', v.imageEnd, vocabSize),
    rowEnd: checkId('rowEnd', v.rowEnd, vocabSize),
    endOfTurn: checkId('endOfTurn', v.endOfTurn, vocabSize),
    sizeId: checkId('size token', v.sizeToken.firstId + units, vocabSize),
  };

  const codebookSize = m.vq.codebookSize;
  const codeToId = new Int32Array(codebookSize).fill(-1);
  const idToCode = new Int32Array(vocabSize).fill(-1);
  for (const r of v.imageCodes) {
    if (r.firstCode + r.count > codebookSize) throw new Error(`image code range ${JSON.stringify(r)} exceeds codebook size ${codebookSize}`);
    checkId('image code range end', r.firstId + r.count - 1, vocabSize);
    for (let i = 0; i < r.count; i++) {
      const code = r.firstCode + i;
      const id = r.firstId + i;
      if (codeToId[code] !== -1) throw new Error(`image code ${code} is mapped twice`);
      if (idToCode[id] !== -1) throw new Error(`token id ${id} is mapped to two image codes`);
      codeToId[code] = id;
      idToCode[id] = code;
    }
  }
  const missing = codeToId.indexOf(-1);
  if (missing !== -1) throw new Error(`image code ${missing} has no token id: the code ranges must cover 0..${codebookSize - 1}`);
  for (const [name, id] of Object.entries(special)) {
    if (idToCode[id] !== -1) throw new Error(`special token ${name} (${id}) collides with an image code id`);
  }

  const ranges: number[] = [];
  for (let id = 0; id < vocabSize; id++) {
    if (idToCode[id] === -1) continue;
    const from = id;
    while (id + 1 < vocabSize && idToCode[id + 1] !== -1) id++;
    ranges.push(from, id + 1);
  }

  return {
    vocabSize,
    grid,
    ...special,
    codebookSize,
    codeToId,
    idToCode,
    imageIdRanges: Int32Array.from(ranges),
    imageBodyLength: grid * (grid + 1) + 1,
    textBudget: m.sampling.textBudget,
    maxNewTokens: m.sampling.maxNewTokens,
  };
}

/** The image block: start, two size tokens, each row of code ids followed by a row end, image end. */
export function imageBlock(layout: TokenLayout, codes: ArrayLike<number>): number[] {
  const { grid } = layout;
  if (codes.length !== grid * grid) throw new Error(`expected ${grid * grid} codes, got ${codes.length}`);
  const out = [layout.imageStart, layout.sizeId, layout.sizeId];
  for (let r = 0; r < grid; r++) {
    for (let c = 0; c < grid; c++) {
      const code = codes[r * grid + c];
      if (!(code >= 0 && code < layout.codebookSize)) throw new Error(`image code ${code} at ${r * grid + c} is outside [0, ${layout.codebookSize})`);
      out.push(layout.codeToId[code]);
    }
    out.push(layout.rowEnd);
  }
  out.push(layout.imageEnd);
  return out;
}

/** Prompt ids: BOS + instruction ids + image block + end of turn. */
export function buildPrompt(layout: TokenLayout, instructionIds: readonly number[], codes: ArrayLike<number>): number[] {
  return [layout.bos, ...instructionIds, ...imageBlock(layout, codes), layout.endOfTurn];
}

/** What a generated id sequence holds. */
export interface ParsedOutput {
  /** Ids before the image start (the degradation text and caption). */
  textIds: number[];
  /** The two ids after the image start (normally the size token twice); empty when absent. */
  sizeIds: number[];
  /** Codes in raster order with row ends dropped; as many as were generated. */
  codes: Int32Array;
  /** True when the image end was reached. */
  complete: boolean;
}

/** Splits generated ids into text ids and image codes (the inverse of the image block). */
export function parseOutput(layout: TokenLayout, ids: readonly number[]): ParsedOutput {
  const start = ids.indexOf(layout.imageStart);
  if (start === -1) {
    const end = ids.indexOf(layout.endOfTurn);
    return { textIds: ids.slice(0, end === -1 ? ids.length : end), sizeIds: [], codes: new Int32Array(0), complete: false };
  }
  const textIds = ids.slice(0, start);
  const sizeIds = ids.slice(start + 1, start + 3);
  const codes: number[] = [];
  let complete = false;
  for (let i = start + 3; i < ids.length; i++) {
    const id = ids[i];
    if (id === layout.imageEnd) {
      complete = true;
      break;
    }
    if (id === layout.rowEnd) continue;
    const code = layout.idToCode[id];
    if (code === undefined || code < 0) throw new Error(`token ${id} at ${i} is neither an image code nor a row end inside the image block`);
    codes.push(code);
  }
  return { textIds, sizeIds, codes: Int32Array.from(codes), complete };
}
