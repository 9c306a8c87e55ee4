// torch.nn.Sequential.
import { Module } from './module';
import { checkInt, typeError } from '../errors';
import { expectArity } from '../options';

/**
 * A container that runs modules in order, each on the previous one's output, as
 * torch.nn.Sequential. Children are named '0', '1', ... as in PyTorch, so state-dict keys match
 * (`0.weight`), and can be read by index (`net[0]`) or with get.
 * @param modules the modules, in the order they run.
 * @throws {TypeError} when an argument is not a Module.
 * @example
 * const net = new kiln.nn.Sequential(new kiln.nn.Linear(4, 8), new kiln.nn.ReLU(), new kiln.nn.Linear(8, 1));
 * Object.keys(net.stateDict()); // ['0.weight', '0.bias', '2.weight', '2.bias']
 */
export class Sequential extends Module {
  [index: number]: Module;
  private count = 0;

  constructor(...modules: Module[]) {
    super();
    modules.forEach((m) => this.append(m));
  }

  /**
   * Adds a module at the end, named by its index; returns this.
   * @throws {TypeError} when m is not a Module.
   * @example net.append(new kiln.nn.Sigmoid());
   */
  append(m: Module): this {
    if (arguments.length > 1) expectArity('Sequential.append', arguments, 1);
    if (!(m instanceof Module)) throw typeError('Sequential', 'a Module', `module ${this.count}`, m);
    this[this.count++] = m;
    return this;
  }

  /**
   * The i-th module; negative i counts from the end.
   * @throws {TypeError} when i is not a number.
   * @throws {RangeError} when i is not an integer in [-length, length - 1].
   * @example const last = net.get(-1);
   */
  get(i: number): Module {
    if (arguments.length > 1) expectArity('Sequential.get', arguments, 1);
    checkInt('Sequential.get', 'i', i, -this.count, this.count - 1);
    return this[i < 0 ? i + this.count : i];
  }

  /** The number of modules. */
  get length(): number {
    return this.count;
  }

  /**
   * Iterates over the modules in order.
   * @example for (const layer of net) console.log(layer.constructor.name); // Linear, ReLU, Linear
   */
  [Symbol.iterator](): Iterator<Module> {
    return this.children()[Symbol.iterator]();
  }

  /**
   * Runs every module in order on x, each on the previous one's output; x itself when empty.
   * @throws whatever a module's forward throws for its input.
   * @example const y = net.forward(kiln.randn([16, 4])) as kiln.Tensor; // [16, 1]
   */
  override forward(x: unknown): unknown {
    for (let i = 0; i < this.count; i++) x = this[i].forward(x);
    return x;
  }
}
