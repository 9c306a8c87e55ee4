// Why initialisation matters, measured: a 784 -> 256 Linear layer in front of a Sigmoid, fed
// MNIST-like inputs (pixel intensities in [0, 1]; uniform noise stands in for digits).
//
// With N(0, 1) weights, each pre-activation sums 784 terms w_i x_i, so its std is about
// sqrt(784 * E[x^2]) = sqrt(784 / 3) ~ 16 for x ~ U[0, 1] (and ~4000 for raw 0-255 pixels).
// The sigmoid is flat beyond |z| ~ 4.6, so most of its outputs sit at 0 or 1, where its
// gradient y (1 - y) vanishes. Xavier/Glorot's uniform init (Glorot & Bengio 2010) scales the
// weights by sqrt(6 / (fan_in + fan_out)) and brings the pre-activations back to order 1,
// where the sigmoid is responsive.
//
// Run: node scripts/run-ts.js examples/init-inspector.ts
import { Generator, rand, nn } from '../lib';

export interface ExampleResult {
  normal: nn.init.InitReport;
  xavier: nn.init.InitReport;
  rawPixels: nn.init.InitReport;
}

/** Builds the model, inspects it under each initialisation, and logs the tables. */
export function main(log: (s: string) => void = console.log): ExampleResult {
  const g = new Generator(0);
  const x = rand([128, 784], { generator: g });
  const fc = new nn.Linear(784, 256, { generator: g });
  const net = new nn.Sequential(fc, new nn.Sigmoid(), new nn.Linear(256, 10, { generator: g }));

  nn.init.normal(fc.weight, 0, 1, { generator: g });
  const normal = nn.init.inspect(net, x);
  log('Linear weights ~ N(0, 1), inputs in [0, 1]:');
  log(normal.toString());

  const rawPixels = nn.init.inspect(net, x.mul(255));
  log('\nThe same weights on raw 0-255 pixels:');
  log(rawPixels.toString());

  nn.init.xavierUniform(fc.weight, { generator: g });
  const xavier = nn.init.inspect(net, x);
  log('\nLinear weights from xavierUniform, inputs in [0, 1]:');
  log(xavier.toString());

  const pct = (v: number | null) => `${(100 * (v ?? 0)).toFixed(1)}%`;
  log(
    `\nSigmoid outputs saturated (y < ${nn.init.SIGMOID_SATURATION} or y > ${1 - nn.init.SIGMOID_SATURATION}): ` +
      `${pct(normal.layers[1].saturated)} with N(0, 1) weights, ${pct(rawPixels.layers[1].saturated)} on raw pixels, ` +
      `${pct(xavier.layers[1].saturated)} with xavierUniform.`,
  );
  return { normal, xavier, rawPixels };
}

if (require.main === module) main();
