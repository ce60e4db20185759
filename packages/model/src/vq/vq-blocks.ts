/**
 * LlamaGen's VQ building blocks as ONNX nodes: Conv, GroupNorm(eps 1e-6) + swish, ResnetBlock,
 * single-head AttnBlock with 1x1-conv q/k/v, Downsample (pad right/bottom, 3x3 stride 2) and Upsample
 * (nearest x2, 3x3). Activations are [batch, C, H, W] float32; weights are read by LlamaGen name.
 */
import type { GraphBuilder } from '../onnx/graph-builder';
import { VQ_NORM_EPS } from './vq-config';
import type { VqWeightSource } from './vq-tensors';

/** How weights are stored: fp16 weights are cast to float32 inside the graph, so compute stays fp32. */
export type VqWeightDtype = 'float32' | 'float16';

/** A value and its spatial size, which the reshapes need. */
export interface Act {
  name: string;
  channels: number;
  height: number;
  width: number;
}

export class VqBlocks {
  constructor(
    readonly g: GraphBuilder,
    private readonly weights: VqWeightSource,
    private readonly dtype: VqWeightDtype,
    private readonly groups: number,
  ) {}

  /** A weight initializer under its LlamaGen name, read when the graph is written, as a float32 value. */
  weight(name: string, dims: number[]): string {
    const n = dims.reduce((a, b) => a * b, 1);
    const data = (): Float32Array => {
      const values = this.weights(name);
      if (values.length !== n) throw new Error(`VQ weight ${name} has ${values.length} values, expected [${dims}]`);
      return values;
    };
    const stored = this.g.initializer(name, this.dtype, dims, data);
    return this.dtype === 'float32' ? stored : this.g.op('Cast', [stored], { to: 1 });
  }

  conv(x: Act, name: string, cout: number, k: number, opts: { stride?: number; pads?: number[] } = {}): Act {
    const stride = opts.stride ?? 1;
    const pads = opts.pads ?? (k === 3 ? [1, 1, 1, 1] : [0, 0, 0, 0]);
    const w = this.weight(`${name}.weight`, [cout, x.channels, k, k]);
    const b = this.weight(`${name}.bias`, [cout]);
    const y = this.g.op('Conv', [x.name, w, b], { kernel_shape: [k, k], strides: [stride, stride], pads });
    const height = Math.floor((x.height + pads[0] + pads[2] - k) / stride) + 1;
    const width = Math.floor((x.width + pads[1] + pads[3] - k) / stride) + 1;
    return { name: y, channels: cout, height, width };
  }

  /** GroupNorm as InstanceNormalization over [batch, groups, C/groups*H*W], then the per-channel affine. */
  groupNorm(x: Act, name: string): Act {
    const g = this.g;
    const grouped = g.op('Reshape', [x.name, g.constI64([0, this.groups, -1])]);
    const ones = g.constF(new Array(this.groups).fill(1));
    const zeros = g.constF(new Array(this.groups).fill(0));
    const normed = g.op('InstanceNormalization', [grouped, ones, zeros], { epsilon: VQ_NORM_EPS });
    const back = g.op('Reshape', [normed, g.constI64([0, x.channels, x.height, x.width])]);
    const scale = g.op('Reshape', [this.weight(`${name}.weight`, [x.channels]), g.constI64([x.channels, 1, 1])]);
    const shift = g.op('Reshape', [this.weight(`${name}.bias`, [x.channels]), g.constI64([x.channels, 1, 1])]);
    return { ...x, name: g.op('Add', [g.op('Mul', [back, scale]), shift]) };
  }

  swish(x: Act): Act {
    return { ...x, name: this.g.op('Mul', [x.name, this.g.op('Sigmoid', [x.name])]) };
  }

  resBlock(x: Act, name: string, cout: number): Act {
    let h = this.swish(this.groupNorm(x, `${name}.norm1`));
    h = this.conv(h, `${name}.conv1`, cout, 3);
    h = this.swish(this.groupNorm(h, `${name}.norm2`));
    h = this.conv(h, `${name}.conv2`, cout, 3);
    const skip = x.channels === cout ? x : this.conv(x, `${name}.nin_shortcut`, cout, 1);
    return { ...h, name: this.g.op('Add', [skip.name, h.name]) };
  }

  /** softmax(q^T k / sqrt(C)) over key positions, applied to v; one head of all C channels. */
  attnBlock(x: Act, name: string): Act {
    const g = this.g;
    const c = x.channels;
    const h = this.groupNorm(x, `${name}.norm`);
    const flat = (a: Act): string => g.op('Reshape', [a.name, g.constI64([0, c, -1])]);
    const q = g.op('Transpose', [flat(this.conv(h, `${name}.q`, c, 1))], { perm: [0, 2, 1] });
    const k = flat(this.conv(h, `${name}.k`, c, 1));
    const v = flat(this.conv(h, `${name}.v`, c, 1));
    const scores = g.op('Mul', [g.op('MatMul', [q, k]), g.constF(c ** -0.5)]);
    const probs = g.op('Softmax', [scores], { axis: -1 });
    // out[c, i] = sum_j v[c, j] p[i, j]
    const attended = g.op('MatMul', [v, g.op('Transpose', [probs], { perm: [0, 2, 1] })]);
    const shaped: Act = { ...x, name: g.op('Reshape', [attended, g.constI64([0, c, x.height, x.width])]) };
    const out = this.conv(shaped, `${name}.proj_out`, c, 1);
    return { ...x, name: g.op('Add', [x.name, out.name]) };
  }

  /** torch's F.pad(x, (0,1,0,1)) then a 3x3 stride-2 conv, as one Conv with asymmetric pads. */
  downsample(x: Act, name: string): Act {
    return this.conv(x, `${name}.conv`, x.channels, 3, { stride: 2, pads: [0, 0, 1, 1] });
  }

  /** Nearest-neighbour x2 (torch `interpolate(scale_factor=2, mode="nearest")`) then a 3x3 conv. */
  upsample(x: Act, name: string): Act {
    const up = this.g.op('Resize', [x.name, '', this.g.constF([1, 1, 2, 2])], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
    return this.conv({ ...x, name: up, height: x.height * 2, width: x.width * 2 }, `${name}.conv`, x.channels, 3);
  }
}
