// Parameter and Buffer: tensors that a Module registers when they are assigned as properties.
import { Tensor } from '../tensor';
import { typeError } from '../errors';

/**
 * A trainable tensor: requiresGrad defaults to true, and a Module lists it in parameters().
 * @example this.weight = new nn.Parameter(zeros([10, 5]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor | Float32Array, shapeOrRequiresGrad?: number[] | boolean, requiresGrad = true) {
    if (data instanceof Tensor) {
      super(data.data, data.shape.slice(), typeof shapeOrRequiresGrad === 'boolean' ? shapeOrRequiresGrad : true);
    } else if (data instanceof Float32Array && Array.isArray(shapeOrRequiresGrad)) {
      super(data, shapeOrRequiresGrad.slice(), requiresGrad);
    } else {
      throw typeError('Parameter', 'a Tensor', 'data', data);
    }
  }

  override toString(): string {
    return `Parameter(shape=[${this.shape.join(', ')}]${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/**
 * A tensor that is module state but not trained (BatchNorm's running statistics): a Module
 * lists it in buffers() and stateDict(), and moves nothing else about it.
 * @example this.runningMean = new nn.Buffer(zeros([C]));
 */
export class Buffer extends Tensor {
  /** False for buffers left out of stateDict (PyTorch's persistent=False). */
  persistent: boolean;

  constructor(data: Tensor | Float32Array, shape?: number[], { persistent = true } = {}) {
    if (data instanceof Tensor) super(data.data, data.shape.slice(), false);
    else if (data instanceof Float32Array && Array.isArray(shape)) super(data, shape.slice(), false);
    else throw typeError('Buffer', 'a Tensor', 'data', data);
    this.persistent = persistent;
  }

  override toString(): string {
    return `Buffer(shape=[${this.shape.join(', ')}])`;
  }
}
