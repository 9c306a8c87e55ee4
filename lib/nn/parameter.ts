// Parameter and Buffer: tensors that a Module registers when they are assigned as properties.
import { Tensor, checkTensor } from '../tensor';
import { checkBoolean, checkOptions, typeError } from '../errors';
import { formatShape, sameShape } from '../shape';

/**
 * A trainable tensor: requiresGrad defaults to true, and a Module lists it in parameters().
 * Shares the given tensor's data (or wraps a Float32Array with a shape).
 * @throws TypeError for data that is neither a whole Tensor nor a Float32Array with a shape, or a
 *   non-boolean requiresGrad.
 * @example this.weight = new nn.Parameter(zeros([10, 5]));
 */
export class Parameter extends Tensor {
  constructor(data: Tensor | Float32Array, shapeOrRequiresGrad?: number[] | boolean, requiresGrad = true) {
    if (data instanceof Tensor) {
      checkTensor('Parameter', 'data', data);
      if (shapeOrRequiresGrad !== undefined && typeof shapeOrRequiresGrad !== 'boolean') throw typeError('Parameter', 'a boolean', 'requiresGrad', shapeOrRequiresGrad);
      super(data.data, data.shape.slice(), shapeOrRequiresGrad ?? true);
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
 * @param opts `{ persistent = true }`: false leaves it out of stateDict.
 * @throws TypeError for data that is neither a whole Tensor nor a Float32Array with a shape, a
 *   shape other than the Tensor's, or a non-boolean persistent.
 * @example this.runningMean = new nn.Buffer(zeros([C]));
 */
export class Buffer extends Tensor {
  /** False for buffers left out of stateDict (PyTorch's persistent=False). */
  persistent: boolean;

  constructor(data: Tensor | Float32Array, shape?: number[], opts: { persistent?: boolean } = {}) {
    if (data instanceof Tensor) {
      checkTensor('Buffer', 'data', data);
      if (shape !== undefined && !(Array.isArray(shape) && sameShape(shape, data.shape))) {
        throw typeError('Buffer', `no shape or the Tensor's own ${formatShape(data.shape)}`, 'shape', shape);
      }
      super(data.data, data.shape.slice(), false);
    } else if (data instanceof Float32Array && Array.isArray(shape)) super(data, shape.slice(), false);
    else throw typeError('Buffer', 'a Tensor', 'data', data);
    this.persistent = checkBoolean('Buffer', 'persistent', checkOptions('Buffer', opts, ['persistent']).persistent ?? true);
  }

  override toString(): string {
    return `Buffer(shape=[${this.shape.join(', ')}])`;
  }
}
