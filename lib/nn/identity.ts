// torch.nn.Identity.
import { Module } from './module';
import { expectArity } from '../options';

/**
 * Returns its input unchanged (the same object), as torch.nn.Identity: a placeholder where a
 * layer is optional, or to cut one out of a model (`model.fc = new nn.Identity()`). Unlike
 * PyTorch's, which ignores any constructor arguments, it takes none.
 * @throws TypeError when given constructor arguments.
 * @example const head = useProjection ? new nn.Linear(64, 32) : new nn.Identity();
 */
export class Identity extends Module {
  constructor() {
    super();
    expectArity('Identity', arguments, 0);
  }

  /**
   * The input itself, whatever it is (no copy).
   * @example const x = kiln.ones([2]); new kiln.nn.Identity().forward(x) === x; // true
   */
  override forward(input: unknown): unknown {
    return input;
  }
}
