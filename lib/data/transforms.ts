// Per-sample tensor transforms, as torchvision.transforms: Normalize, Compose, RandomCrop and
// RandomHorizontalFlip. A dataset applies them to each sample as it reads it, so a random
// transform draws afresh every epoch; the random ones draw from a seeded kiln Generator.
import { Tensor, checkTensor } from '../tensor';
import { Generator, generatorFrom } from '../random';
import { formatShape } from '../shape';
import { checkInRange, checkInt, checkNumber, checkOptions, describe, rangeError, typeError } from '../errors';
import { rangeErrorText } from '../errors';
import { applyTransform, checkTransform } from './apply';

/** A per-sample transform: a function of a Tensor, or an object with forward(x) (every class here). */
export type Transform =
  | ((x: Tensor) => Tensor)
  | {
      /** The transformed sample. */
      forward(x: Tensor): Tensor;
    };

function checkSample(where: string, x: unknown, minDims: number, layout: string): Tensor {
  const t = checkTensor(where, 'x', x);
  if (t.ndim < minDims) throw rangeErrorText(where, `a Tensor of shape ${layout}`, 'x', `shape ${formatShape(t.shape)}`);
  return t;
}

/** A scalar or a non-empty array of finite numbers, as an array. */
function numbers(where: string, name: string, v: unknown): number[] {
  if (typeof v === 'number') return [checkNumber(where, name, v)];
  if (!Array.isArray(v) || v.length === 0) throw typeError(where, 'a number or a non-empty array of numbers', name, v);
  return v.map((e, i) => checkNumber(where, `${name}[${i}]`, e));
}

/**
 * Normalises a sample channel by channel, as torchvision.transforms.Normalize:
 * out[c] = (x[c] - mean[c]) / std[c], in float32 as PyTorch computes it. On a (..., C, H, W)
 * image, mean and std hold one value per channel (or a single value for all); on any other
 * sample, such as a flat (784,) MNIST digit, they must be single values.
 * @param mean a number, or an array of one per channel
 * @param std a number, or an array of one per channel; none may be 0
 * @throws TypeError for a mean or std that is not a number or array of numbers; RangeError for a non-finite value, a zero std, or mean and std of different lengths. forward throws a RangeError when the channels do not match.
 * @example const norm = new data.transforms.Normalize(0.1307, 0.3081); norm.forward(digit);
 */
export class Normalize {
  /** The per-channel means. */
  readonly mean: number[];
  /** The per-channel standard deviations. */
  readonly std: number[];

  constructor(mean: number | number[], std: number | number[]) {
    const where = 'Normalize';
    this.mean = numbers(where, 'mean', mean).map(Math.fround);
    this.std = numbers(where, 'std', std).map(Math.fround);
    this.std.forEach((s, i) => {
      if (s === 0) throw rangeError(where, 'a non-zero standard deviation (it divides)', this.std.length === 1 && typeof std === 'number' ? 'std' : `std[${i}]`, s);
    });
    if (this.mean.length !== this.std.length && this.mean.length !== 1 && this.std.length !== 1) {
      throw rangeErrorText(where, 'mean and std of the same length (or one of them a single value)', 'std', `${describe(mean)} and ${describe(std)}`);
    }
  }

  /**
   * The normalised sample, a new Tensor of x's shape.
   * @param x a (..., C, H, W) image, or any sample when mean and std are single values
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} when mean/std hold several channels and x is not (..., C, H, W) with that many channels.
   * @example new kiln.data.transforms.Normalize(0.5, 0.25).forward(kiln.tensor([1, 0.5, 0])); // [2, 0, -2]
   */
  forward(x: Tensor): Tensor {
    const where = 'Normalize.forward';
    checkSample(where, x, 0, '(..., C, H, W)');
    const channels = Math.max(this.mean.length, this.std.length);
    let c = 1;
    let plane = x.numel;
    if (channels > 1) {
      checkSample(where, x, 3, `(..., ${channels}, H, W) (mean and std have ${channels} channels)`);
      c = x.shape[x.ndim - 3];
      if (c !== channels) throw rangeErrorText(where, `a Tensor of shape (..., ${channels}, H, W) (mean and std have ${channels} channels)`, 'x', `shape ${formatShape(x.shape)}`);
      plane = x.shape[x.ndim - 2] * x.shape[x.ndim - 1];
    }
    const src = x.data;
    const out = new Float32Array(src.length);
    if (plane === 0) return new Tensor(out, x.shape.slice());
    for (let start = 0, k = 0; start < src.length; start += plane, k = (k + 1) % c) {
      const m = this.mean[this.mean.length === 1 ? 0 : k];
      const s = this.std[this.std.length === 1 ? 0 : k];
      // Two float32 roundings, as torch: sub, then div (a double result rounded once is the correctly rounded float32 op).
      for (let i = start; i < start + plane; i++) out[i] = Math.fround(src[i] - m) / s;
    }
    return new Tensor(out, x.shape.slice());
  }

  /**
   * A readable summary, as torchvision's repr.
   * @example String(new kiln.data.transforms.Normalize(0.5, 0.25)); // 'Normalize(mean=[0.5], std=[0.25])'
   */
  toString(): string {
    return `Normalize(mean=[${this.mean.join(', ')}], std=[${this.std.join(', ')}])`;
  }
}

/**
 * Chains transforms, applied in order, as torchvision.transforms.Compose:
 * compose.forward(x) = t_n(...t_2(t_1(x))).
 * @param transforms an array of transforms (objects with forward(x), or functions of a Tensor)
 * @throws TypeError for a non-array or an entry that is not a transform.
 * @example const t = new data.transforms.Compose([new data.transforms.RandomCrop(28, { padding: 2 }), new data.transforms.Normalize(0.5, 0.5)]);
 */
export class Compose {
  /** The transforms, in the order they run. */
  readonly transforms: Transform[];

  constructor(transforms: Transform[]) {
    const where = 'Compose';
    if (!Array.isArray(transforms)) throw typeError(where, 'an array of transforms', 'transforms', transforms);
    this.transforms = transforms.map((t, i) => checkTransform(where, `transforms[${i}]`, t));
  }

  /**
   * x through every transform in turn.
   * @param x the sample
   * @throws {TypeError} when a transform does not return a Tensor; whatever a transform throws propagates.
   * @example new kiln.data.transforms.Compose([(x) => x.mul(2), new kiln.data.transforms.Normalize(1, 1)]).forward(kiln.tensor([1, 2])); // [1, 3]
   */
  forward(x: Tensor): Tensor {
    return this.transforms.reduce((v, t, i) => applyTransform('Compose.forward', `transforms[${i}]`, t, v), x);
  }

  /**
   * A readable summary, as torchvision's repr: each transform's, and 'function' for a function.
   * @example String(new kiln.data.transforms.Compose([(x) => x.mul(2), new kiln.data.transforms.Normalize(1, 1)])); // 'Compose(function, Normalize(mean=[1], std=[1]))'
   */
  toString(): string {
    return `Compose(${this.transforms.map((t) => (typeof t === 'function' ? 'function' : String(t))).join(', ')})`;
  }
}

/** Options of RandomCrop. */
export interface RandomCropOptions {
  /** Zero padding added before cropping: one value for every border, [left/right, top/bottom], or [left, top, right, bottom]. Default 0. */
  padding?: number | number[];
  /** The random stream (default: the default generator). */
  generator?: Generator;
}

/**
 * Crops a random window of `size` from a (..., H, W) sample, after zero-padding it, as
 * torchvision.transforms.RandomCrop (fill 0, padding_mode 'constant'). The window's offsets
 * are uniform over every position that fits: two values are drawn per sample, the first for
 * the horizontal offset and the second for the vertical one. RandomCrop(28, { padding: 2 }) on
 * 28 x 28 digits shifts each one by up to 2 pixels in each direction, the classic MNIST
 * augmentation (Simard et al. 2003 used elastic distortions; small shifts give most of the gain).
 * @param size the crop's height and width: a number for a square, or [h, w]
 * @param opts `{ padding = 0, generator = the default generator }`
 * @throws TypeError for a wrong type or an unknown option; RangeError for a non-positive size or a negative padding. forward throws a RangeError when the crop is larger than the padded sample.
 * @example const crop = new data.transforms.RandomCrop(28, { padding: 2, generator: new Generator(0) }); crop.forward(image); // image (1, 28, 28)
 */
export class RandomCrop {
  /** [height, width] of the crop. */
  readonly size: [number, number];
  /** [left, top, right, bottom] zero padding. */
  readonly padding: [number, number, number, number];
  /** The random stream the offsets come from. */
  readonly generator: Generator;

  constructor(size: number | [number, number], opts: RandomCropOptions = {}) {
    const where = 'RandomCrop';
    if (typeof size === 'number') {
      const s = checkInt(where, 'size', size, 1);
      this.size = [s, s];
    } else if (Array.isArray(size) && size.length === 2) {
      this.size = [checkInt(where, 'size[0]', size[0], 1), checkInt(where, 'size[1]', size[1], 1)];
    } else {
      throw typeError(where, 'a positive integer or [h, w]', 'size', size);
    }
    const o = checkOptions(where, opts, ['padding', 'generator']);
    const p = o.padding ?? 0;
    if (typeof p === 'number') {
      const v = checkInt(where, 'padding', p);
      this.padding = [v, v, v, v];
    } else if (Array.isArray(p) && (p.length === 2 || p.length === 4)) {
      const v = p.map((e, i) => checkInt(where, `padding[${i}]`, e));
      this.padding = (v.length === 2 ? [v[0], v[1], v[0], v[1]] : v) as [number, number, number, number];
    } else {
      throw typeError(where, 'a non-negative integer or an array of 2 or 4', 'padding', p);
    }
    this.generator = generatorFrom(where, o);
  }

  /**
   * A random (..., h, w) window of the zero-padded sample, as a new Tensor.
   * @param x a (..., H, W) sample, such as a (C, H, W) image
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} for fewer than 2 dimensions or a crop larger than the padded sample.
   * @example new kiln.data.transforms.RandomCrop(24, { generator: new kiln.Generator(0) }).forward(kiln.rand([3, 32, 32])); // shape [3, 24, 24]
   */
  forward(x: Tensor): Tensor {
    const where = 'RandomCrop.forward';
    checkSample(where, x, 2, '(..., H, W)');
    const [th, tw] = this.size;
    const [pl, pt, pr, pb] = this.padding;
    const h = x.shape[x.ndim - 2];
    const w = x.shape[x.ndim - 1];
    const ph = h + pt + pb;
    const pw = w + pl + pr;
    if (th > ph || tw > pw) {
      throw rangeErrorText(where, `a crop size [${th}, ${tw}] no larger than the padded sample [${ph}, ${pw}]`, 'x', `shape ${formatShape(x.shape)}`);
    }
    const u = this.generator.fillUniform(new Float32Array(2));
    // Written as (range - k) so that a shift of the digit by +d pixels comes from the same draw as before.
    const left = pw - tw - Math.floor(u[0] * (pw - tw + 1));
    const top = ph - th - Math.floor(u[1] * (ph - th + 1));
    const src = x.data;
    const planes = x.numel / (h * w);
    const out = new Float32Array(planes * th * tw);
    // Source columns [x0, x1) of the crop's columns are inside the image; the rest stay 0.
    const x0 = Math.max(0, pl - left);
    const x1 = Math.min(tw, w + pl - left);
    for (let p = 0; p < planes; p++) {
      for (let yy = 0; yy < th; yy++) {
        const sy = yy + top - pt;
        if (sy < 0 || sy >= h || x1 <= x0) continue;
        const from = p * h * w + sy * w + (left - pl);
        out.set(src.subarray(from + x0, from + x1), p * th * tw + yy * tw + x0);
      }
    }
    return new Tensor(out, [...x.shape.slice(0, -2), th, tw]);
  }

  /**
   * A readable summary, as torchvision's repr.
   * @example String(new kiln.data.transforms.RandomCrop(28, { padding: 2 })); // 'RandomCrop(size=[28, 28], padding=[2, 2, 2, 2])'
   */
  toString(): string {
    return `RandomCrop(size=[${this.size.join(', ')}], padding=[${this.padding.join(', ')}])`;
  }
}

/**
 * Mirrors a (..., H, W) sample left to right with probability p, as
 * torchvision.transforms.RandomHorizontalFlip: one value u is drawn per sample and the sample
 * flips when u < p (otherwise it is returned as it is).
 * @param opts `{ p = 0.5, generator = the default generator }`
 * @throws TypeError for a wrong type or an unknown option; RangeError for p outside [0, 1].
 * @example const flip = new data.transforms.RandomHorizontalFlip({ p: 0.5, generator: new Generator(0) });
 */
export class RandomHorizontalFlip {
  /** The probability of a flip. */
  readonly p: number;
  /** The random stream the coin flips come from. */
  readonly generator: Generator;

  constructor(opts: { p?: number; generator?: Generator } = {}) {
    const where = 'RandomHorizontalFlip';
    const o = checkOptions(where, opts, ['p', 'generator']);
    this.p = checkInRange(where, 'p', o.p ?? 0.5, 0, 1);
    this.generator = generatorFrom(where, o);
  }

  /**
   * x with its last dimension reversed (a new Tensor) with probability p, else x itself.
   * @param x a (..., H, W) sample
   * @throws {TypeError} when x is not a Tensor.
   * @throws {RangeError} for fewer than 2 dimensions.
   * @example new kiln.data.transforms.RandomHorizontalFlip({ p: 1 }).forward(kiln.tensor([[1, 2, 3]])); // [[3, 2, 1]]
   */
  forward(x: Tensor): Tensor {
    checkSample('RandomHorizontalFlip.forward', x, 2, '(..., H, W)');
    const u = this.generator.fillUniform(new Float32Array(1))[0];
    if (!(u < this.p)) return x;
    const w = x.shape[x.ndim - 1];
    const src = x.data;
    const out = new Float32Array(src.length);
    for (let r = 0; r < src.length; r += w) {
      for (let i = 0; i < w; i++) out[r + i] = src[r + w - 1 - i];
    }
    return new Tensor(out, x.shape.slice());
  }

  /**
   * A readable summary, as torchvision's repr.
   * @example String(new kiln.data.transforms.RandomHorizontalFlip()); // 'RandomHorizontalFlip(p=0.5)'
   */
  toString(): string {
    return `RandomHorizontalFlip(p=${this.p})`;
  }
}
