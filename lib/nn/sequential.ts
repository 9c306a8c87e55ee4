// torch.nn.Sequential.
import { Module } from './module';
import { checkInt, typeError } from '../errors';
import { expectArity } from '../options';

/**
 * Runs modules in order, each on the previous one's output. Children are named '0', '1', ...
 * as in PyTorch, so state-dict keys match (`0.weight`).
 * @example const net = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Linear(8, 1));
 */
export class Sequential extends Module {
  [index: number]: Module;
  private count = 0;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  /** Adds a module at the end; returns this. */
  append(m: Module): this {
    if (arguments.length > 1) expectArity('Sequential.append', arguments, 1);
    if (!(m instanceof Module)) throw typeError('Sequential', 'a Module', `module ${this.count}`, m);
    this[this.count++] = m;
    return this;
  }

  /** The i-th module; negative i counts from the end. */
  get(i: number): Module {
    if (arguments.length > 1) expectArity('Sequential.get', arguments, 1);
    checkInt('Sequential.get', 'i', i, -this.count, this.count - 1);
    return this[i < 0 ? i + this.count : i];
  }

  get length(): number {
    return this.count;
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  override forward(x: unknown): unknown {
    for (let i = 0; i < this.count; i++) x = this[i].forward(x);
    return x;
  }
}
