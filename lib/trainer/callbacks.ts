// Built-in callbacks: early stopping and best-model checkpoints, as Keras's EarlyStopping and
// ModelCheckpoint(save_best_only=True).
import { Tensor } from '../tensor';
import { checkChoice, checkInt, checkNumber, checkOptions, checkBoolean, rangeError, typeError } from '../errors';
import { save } from '../io';
import { checkPath } from '../io/safetensors';
import { Callback, EpochLogs } from './types';
import type { Trainer } from './trainer';

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
      throw rangeError(this.where, `monitor among the epoch logs (${keys.join(', ')})${hint}`, 'monitor', this.key);
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

export interface EarlyStoppingOptions {
  monitor?: string;
  patience?: number;
  minDelta?: number;
  mode?: Mode;
  restoreBestWeights?: boolean;
}

/**
 * Stops training when `monitor` has not improved for `patience` epochs, as Keras's
 * EarlyStopping: an epoch improves when it beats the best so far by more than minDelta
 * (lower for losses, higher for accuracies under mode 'auto').
 * @param opts `{ monitor = 'val_loss', patience = 0, minDelta = 0, mode = 'auto', restoreBestWeights = false }`
 *   restoreBestWeights copies the best epoch's parameters back into the model when training ends.
 * @throws TypeError/RangeError for bad options; RangeError at the first epoch when the logs lack `monitor`.
 * @example await trainer.fit(train, { epochs: 50, validation: val, callbacks: [callbacks.earlyStopping({ patience: 3 })] });
 */
export function earlyStopping(opts: EarlyStoppingOptions = {}): Callback & { readonly stoppedEpoch: number; readonly best: number } {
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

export interface BestCheckpointOptions {
  monitor?: string;
  minDelta?: number;
  mode?: Mode;
}

/**
 * Saves the model's state dict to `path` (safetensors, atomically, with `save`) whenever
 * `monitor` improves, as Keras's ModelCheckpoint(save_best_only=True). fit waits for each
 * save, so the file is complete when the epoch's callbacks return.
 * @param path the file to write (overwritten on each improvement)
 * @param opts `{ monitor = 'val_loss', minDelta = 0, mode = 'auto' }`
 * @throws TypeError/RangeError for bad options; RangeError at the first epoch when the logs lack `monitor`.
 * @example callbacks.bestCheckpoint('best.safetensors', { monitor: 'val_accuracy' })
 */
export function bestCheckpoint(path: string, opts: BestCheckpointOptions = {}): Callback & { readonly best: number; readonly bestEpoch: number } {
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
