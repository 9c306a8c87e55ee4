// torch.nn.Flatten.
import { Tensor, checkTensor } from '../tensor';
import { Module } from './module';
import { checkInt } from '../errors';

/** Flattens dimensions startDim..endDim (by default all but the batch). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
    checkInt('Flatten', 'startDim', startDim, -64, 64);
    checkInt('Flatten', 'endDim', endDim, -64, 64);
  }
  override forward(x: Tensor): Tensor {
    checkTensor('Flatten.forward', 'input', x);
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
