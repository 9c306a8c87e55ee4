// The demo's two networks, with the initialisation each layer type wants.
import * as nn from '../../lib/nn';
import { Module } from '../../lib/nn/module';
import { Generator } from '../../lib/random';

/**
 * MLP: (Linear without bias -> BatchNorm1d -> ReLU -> Dropout) twice, then Linear.
 * The hidden Linears have no bias because BatchNorm's shift replaces it.
 */
export function buildMlp({ hidden = [512, 256], dropout = 0.2 } = {}): nn.Sequential {
  const layers: Module[] = [];
  let inFeatures = 784;
  for (const h of hidden) {
    layers.push(new nn.Linear(inFeatures, h, { bias: false }), new nn.BatchNorm1d(h), new nn.ReLU(), new nn.Dropout(dropout));
    inFeatures = h;
  }
  layers.push(new nn.Linear(inFeatures, 10));
  return new nn.Sequential(...layers);
}

/**
 * CNN: (Conv 3x3 pad 1 without bias -> BatchNorm2d -> ReLU -> MaxPool 2) for 1->32 and
 * 32->64 channels, then Flatten -> Dropout -> Linear(64*7*7 -> 10).
 */
export function buildCnn({ dropout = 0.25 } = {}): nn.Sequential {
  return new nn.Sequential(
    new nn.Unflatten(1, [1, 28, 28]),
    new nn.Conv2d(1, 32, 3, { padding: 1, bias: false }),
    new nn.BatchNorm2d(32),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Conv2d(32, 64, 3, { padding: 1, bias: false }),
    new nn.BatchNorm2d(64),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.Dropout(dropout),
    new nn.Linear(64 * 7 * 7, 10),
  );
}

/**
 * Kaiming (He et al. 2015) normal init, fan_in, for the weights of layers followed by a ReLU;
 * zero biases. The last Linear feeds the softmax, so it keeps Xavier-like scale (gain 1).
 */
export function initKaiming(model: nn.Sequential, generator?: Generator): void {
  const weighted = model.modules().filter((m): m is nn.Linear | nn.Conv2d => m instanceof nn.Linear || m instanceof nn.Conv2d);
  weighted.forEach((m, i) => {
    const last = i === weighted.length - 1;
    nn.init.kaimingNormal(m.weight, { nonlinearity: last ? 'linear' : 'relu', generator });
    if (m.bias) nn.init.zeros(m.bias);
  });
}
