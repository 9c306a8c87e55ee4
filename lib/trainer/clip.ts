// Gradient clipping for the Trainer's clipGradNorm option. Same signature and result as
// nn.utils.clipGradNorm: when that lands, trainer.ts imports it instead (one line).
import { Tensor } from '../tensor';

/**
 * Scales all gradients together so that their total L2 norm is at most maxNorm, as
 * torch.nn.utils.clip_grad_norm_: coef = min(1, maxNorm / (norm + 1e-6)). Returns the norm
 * before clipping.
 */
export function clipGradNorm(parameters: Tensor[], maxNorm: number): number {
  let sq = 0;
  for (const p of parameters) {
    if (!p.grad) continue;
    const g = p.grad.data;
    for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  const norm = Math.sqrt(sq);
  const coef = maxNorm / (norm + 1e-6);
  if (coef < 1) {
    for (const p of parameters) {
      if (!p.grad) continue;
      const g = p.grad.data;
      for (let i = 0; i < g.length; i++) g[i] *= coef;
    }
  }
  return norm;
}
