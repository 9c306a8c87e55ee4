// Built-in callbacks: early stopping and best-model checkpoints, as Keras's EarlyStopping and
// ModelCheckpoint(save_best_only=True).
import { Tensor } from '../tensor';
import { checkChoice, checkInt, checkNumber, checkOptions, checkBoolean, rangeError, typeError } from '../errors';
import { save } from '../io';
import { checkPath } from '../io/safetensors';
import { Callback, EpochLogs } from './types';
import type { Trainer } from './trainer';

/**
 * Whether lower ('min') or higher ('max') values of the monitored key are better; 'auto'
 * maximises keys that contain 'acc' and minimises the rest.
 * @inline
 */
type Mode = 'min' | 'max' | 'auto';

/** Tracks the best value of one log key; 'auto' maximises keys that name an accuracy. */
class Monitor {
  best = NaN;
  bestEpoch = -1;
  private readonly sign: number;

  constructor(
    private readonly where: string,
    readonly key: string,
    mode: Mode,
    private readonly minDelta: number,
  ) {
    this.sign = mode === 'max' || (mode === 'auto' && key.includes('acc')) ? -1 : 1;
  }

  reset(): void {
    this.best = NaN;
    this.bestEpoch = -1;
  }

  /** Reads the key from the logs and says whether it beat the best by more than minDelta. */
  improved(epoch: number, logs: EpochLogs): boolean {
    const value = logs[this.key];
    if (typeof value !== 'number') {
      const keys = Object.keys(logs).filter((k) => k !== 'epoch');
      const hint = this.key.startsWith('val_') ? ' (pass validation to fit)' : '';
      throw rangeError(this.where, `a key of the epoch logs (${keys.join(', ')})${hint}`, 'monitor', this.key);
    }
    // NaN never improves (a diverged run must not overwrite the best checkpoint).
    const better = !Number.isNaN(value) && (Number.isNaN(this.best) || this.sign * (value - this.best) < -this.minDelta);
    if (better) {
      this.best = value;
      this.bestEpoch = epoch;
    }
    return better;
  }
}

function monitorOptions(where: string, opts: object, extra: string[]) {
  const o = checkOptions(where, opts, ['monitor', 'mode', 'minDelta', ...extra] as never[]) as Record<string, unknown>;
  const monitor = o.monitor ?? 'val_loss';
  if (typeof monitor !== 'string') throw typeError(where, 'a log key such as val_loss', 'monitor', monitor);
  const mode = checkChoice(where, 'mode', o.mode ?? 'auto', ['auto', 'min', 'max'] as const);
  const minDelta = checkNumber(where, 'minDelta', o.minDelta ?? 0);
  if (minDelta < 0) throw rangeError(where, 'a non-negative number', 'minDelta', minDelta);
  return { o, monitor, mode, minDelta };
}

/**
 * Options of {@link earlyStopping}; unknown names are a TypeError.
 * @example kiln.callbacks.earlyStopping({ monitor: 'val_accuracy', patience: 5, minDelta: 1e-3, restoreBestWeights: true });
 */
export interface EarlyStoppingOptions {
  /** The epoch-log key to watch, e.g. 'val_loss', 'loss', 'val_accuracy'. @defaultValue 'val_loss' */
  monitor?: string;
  /** Epochs without improvement after which training stops, a non-negative integer. @defaultValue 0 */
  patience?: number;
  /** The smallest change, >= 0, that counts as an improvement. @defaultValue 0 */
  minDelta?: number;
  /** Whether lower ('min') or higher ('max') is better; 'auto' maximises keys containing 'acc'. @defaultValue 'auto' */
  mode?: Mode;
  /** Copy the best epoch's parameters back into the model when training ends. @defaultValue false */
  restoreBestWeights?: boolean;
}

/**
 * Stops training when `monitor` has not improved for `patience` epochs, as Keras's
 * EarlyStopping: an epoch improves when it beats the best so far by more than minDelta
 * (lower for losses, higher for accuracies under mode 'auto').
 * @param opts `{ monitor = 'val_loss', patience = 0, minDelta = 0, mode = 'auto', restoreBestWeights = false }`
 *   restoreBestWeights copies the best epoch's parameters back into the model when training ends.
 * @throws {TypeError} for options that are not an object, an unknown option name, or an option of the wrong type.
 * @throws {RangeError} for a negative minDelta or patience, a mode other than 'auto', 'min' or
 *   'max'; and, from fit at the first epoch's end, when the logs lack `monitor`.
 * @example await trainer.fit(train, { epochs: 50, validation: val, callbacks: [kiln.callbacks.earlyStopping({ patience: 3 })] });
 */
export function earlyStopping(opts: EarlyStoppingOptions = {}): Callback & {
  /** The epoch at which it stopped training, or -1 while it has not. */
  readonly stoppedEpoch: number;
  /** The best value of the monitored key so far (NaN before the first epoch). */
  readonly best: number;
} {
  const where = 'callbacks.earlyStopping';
  const { o, monitor, mode, minDelta } = monitorOptions(where, opts, ['patience', 'restoreBestWeights']);
  const patience = checkInt(where, 'patience', o.patience ?? 0);
  const restore = checkBoolean(where, 'restoreBestWeights', o.restoreBestWeights ?? false);
  const m = new Monitor(where, monitor, mode, minDelta);
  let wait = 0;
  let stoppedEpoch = -1;
  let lastEpoch = -1;
  let snapshot: Record<string, Float32Array> | null = null;
  return {
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    get best() {
      return m.best;
    },
    onTrainBegin() {
      m.reset();
      wait = 0;
      stoppedEpoch = -1;
      snapshot = null;
    },
    onEpochEnd(epoch: number, logs: EpochLogs, trainer: Trainer) {
      lastEpoch = epoch;
      if (m.improved(epoch, logs)) {
        wait = 0;
        if (restore) snapshot = copyState(trainer.model.stateDict());
        return;
      }
      wait++;
      if (wait >= patience) {
        stoppedEpoch = epoch;
        trainer.stopTraining = true;
      }
    },
    onTrainEnd(_history: unknown, trainer: Trainer) {
      if (restore && snapshot && m.bestEpoch !== lastEpoch) {
        for (const [name, t] of Object.entries(trainer.model.stateDict())) t.data.set(snapshot[name]);
      }
    },
  };
}

function copyState(sd: Record<string, Tensor>): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, t] of Object.entries(sd)) out[name] = t.data.slice();
  return out;
}

/**
 * Options of {@link bestCheckpoint}; unknown names are a TypeError.
 * @example kiln.callbacks.bestCheckpoint('best.safetensors', { monitor: 'val_accuracy', mode: 'max', minDelta: 1e-4 });
 */
export interface BestCheckpointOptions {
  /** The epoch-log key to watch, e.g. 'val_loss' or 'val_accuracy'. @defaultValue 'val_loss' */
  monitor?: string;
  /** The smallest change, >= 0, that counts as an improvement. @defaultValue 0 */
  minDelta?: number;
  /** Whether lower ('min') or higher ('max') is better; 'auto' maximises keys containing 'acc'. @defaultValue 'auto' */
  mode?: Mode;
}

/**
 * Saves the model's state dict to `path` (safetensors, atomically, with `save`) whenever
 * `monitor` improves, as Keras's ModelCheckpoint(save_best_only=True). fit waits for each
 * save, so the file is complete when the epoch's callbacks return.
 * @param path the file to write (overwritten on each improvement)
 * @param opts `{ monitor = 'val_loss', minDelta = 0, mode = 'auto' }`
 * @throws {TypeError} for a path that is not a non-empty string without NUL bytes, options
 *   that are not an object, an unknown option name, or an option of the wrong type.
 * @throws {RangeError} for a negative minDelta, a mode other than 'auto', 'min' or 'max';
 *   and, from fit at the first epoch's end, when the logs lack `monitor`.
 * @example const best = kiln.callbacks.bestCheckpoint('best.safetensors', { monitor: 'val_accuracy' });
 */
export function bestCheckpoint(path: string, opts: BestCheckpointOptions = {}): Callback & {
  /** The best value of the monitored key so far (NaN before the first epoch). */
  readonly best: number;
  /** The epoch of the last saved checkpoint, or -1 before the first. */
  readonly bestEpoch: number;
} {
  const where = 'callbacks.bestCheckpoint';
  checkPath(where, 'path', path);
  const { monitor, mode, minDelta } = monitorOptions(where, opts, []);
  const m = new Monitor(where, monitor, mode, minDelta);
  return {
    get best() {
      return m.best;
    },
    get bestEpoch() {
      return m.bestEpoch;
    },
    onTrainBegin() {
      m.reset();
    },
    async onEpochEnd(epoch: number, logs: EpochLogs, trainer: Trainer) {
      if (m.improved(epoch, logs)) await save(trainer.model.stateDict(), path, { metadata: { epoch: String(epoch), [monitor]: String(logs[monitor]) } });
    },
  };
}
