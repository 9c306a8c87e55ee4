// Parameter and Buffer: tensors that a Module registers when they are assigned as properties.
import { Tensor, checkTensor } from '../tensor';
import { checkBoolean, checkOptions, typeError } from '../errors';
import { formatShape, sameShape } from '../shape';

/**
 * A trainable tensor, as torch.nn.Parameter: requiresGrad defaults to true, and a Module lists
 * it in parameters() when it is assigned as a property. Shares the given tensor's data (or wraps
 * a Float32Array with a shape).
 * @param data a Tensor to share the data of, or a Float32Array.
 * @param shapeOrRequiresGrad after a Tensor, requiresGrad [true]; after a Float32Array, its shape.
 * @param requiresGrad [true] after a Float32Array and a shape: whether it is trained.
 * @throws {TypeError} when data is neither a whole Tensor nor a Float32Array with a shape, or
 *   requiresGrad is not a boolean.
 * @example
 * class Scale extends kiln.nn.Module {
 *   gain = new kiln.nn.Parameter(kiln.ones([1]));
 *   forward(x: kiln.Tensor) { return x.mul(this.gain); }
 * }
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

  /**
   * A one-line description: shape and whether it requires grad.
   * @example String(new kiln.nn.Parameter(kiln.zeros([2, 3]))); // 'Parameter(shape=[2, 3], requiresGrad)'
   */
  override toString(): string {
    return `Parameter(shape=[${this.shape.join(', ')}]${this.requiresGrad ? ', requiresGrad' : ''})`;
  }
}

/**
 * A tensor that is module state but not trained (BatchNorm's running statistics), as PyTorch's
 * register_buffer: a Module lists it in buffers() and stateDict() when it is assigned as a
 * property; it never requires grad.
 * @param data a Tensor to share the data of, or a Float32Array.
 * @param shape the shape of a Float32Array; after a Tensor, omitted or the Tensor's own.
 * @param opts `{ persistent = true }`: false leaves it out of stateDict.
 * @throws {TypeError} when data is neither a whole Tensor nor a Float32Array with a shape, shape
 *   differs from the Tensor's, persistent is not a boolean, opts is not an object, or an option
 *   name is unknown.
 * @example
 * class Counter extends kiln.nn.Module {
 *   steps = new kiln.nn.Buffer(kiln.zeros([1])); // saved in stateDict as 'steps'
 * }
 */
export class Buffer extends Tensor {
  /** False for buffers left out of stateDict (PyTorch's persistent=False). @defaultValue true */
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

  /**
   * A one-line description: the shape.
   * @example String(new kiln.nn.Buffer(kiln.zeros([4]))); // 'Buffer(shape=[4])'
   */
  override toString(): string {
    return `Buffer(shape=[${this.shape.join(', ')}])`;
  }
}
