// Progress output for fit: a cli-progress bar on a terminal, one plain line per epoch
// elsewhere (CI logs, pipes), or nothing.
import { SingleBar } from 'cli-progress';
import { EpochLogs, ProgressStream } from './types';

export interface Progress {
  epochBegin(epoch: number, epochs: number, batches: number | undefined): void;
  batch(done: number, runningLoss: number, samplesPerSecond: number): void;
  epochEnd(logs: EpochLogs, seconds: number, samplesPerSecond: number): void;
  /** Stops the bar (fit ended, was aborted or threw). */
  close(): void;
}

const silent: Progress = { epochBegin() {}, batch() {}, epochEnd() {}, close() {} };

/** "loss 0.4123 - accuracy 0.8750 - val_loss 0.3921 - lr 0.01". */
export function formatLogs(logs: EpochLogs): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(logs)) {
    if (key === 'epoch' || value === undefined) continue;
    parts.push(`${key} ${key === 'lr' ? Number(value.toPrecision(4)) : value.toFixed(4)}`);
  }
  return parts.join(' - ');
}

function summary(logs: EpochLogs, epochs: number, seconds: number, speed: number): string {
  return `Epoch ${logs.epoch + 1}/${epochs} - ${formatLogs(logs)} - ${seconds.toFixed(1)}s (${Math.round(speed)} samples/s)\n`;
}

/** One line per finished epoch. */
class Lines implements Progress {
  private epochs = 0;
  constructor(private readonly stream: ProgressStream) {}
  epochBegin(_epoch: number, epochs: number): void {
    this.epochs = epochs;
  }
  batch(): void {}
  epochEnd(logs: EpochLogs, seconds: number, speed: number): void {
    this.stream.write(summary(logs, this.epochs, seconds, speed));
  }
  close(): void {}
}

/** A bar per epoch showing the batch, running loss and speed; replaced by the epoch's line when it ends. */
class Bar implements Progress {
  private bar: SingleBar | null = null;
  private epochs = 0;
  constructor(private readonly stream: ProgressStream) {}

  epochBegin(epoch: number, epochs: number, batches: number | undefined): void {
    this.epochs = epochs;
    this.bar = new SingleBar({
      stream: this.stream as NodeJS.WritableStream,
      format: `Epoch {epoch}/{epochs} |{bar}| {value}/{total} | loss {loss} | {speed} samples/s | ETA {eta_formatted}`,
      barsize: 24,
      barCompleteChar: '\u2588',
      barIncompleteChar: '\u2591',
      hideCursor: false,
      clearOnComplete: true,
      etaBuffer: 50,
    });
    this.bar.start(batches ?? 0, 0, { epoch: epoch + 1, epochs, loss: '-', speed: '-' });
  }

  batch(done: number, loss: number, speed: number): void {
    if (!this.bar) return;
    if (done > this.bar.getTotal()) this.bar.setTotal(done);
    this.bar.update(done, { loss: loss.toFixed(4), speed: Math.round(speed) });
  }

  epochEnd(logs: EpochLogs, seconds: number, speed: number): void {
    this.close();
    this.stream.write(summary(logs, this.epochs, seconds, speed));
  }

  close(): void {
    this.bar?.stop();
    this.bar = null;
  }
}

/** The reporter for fit's `progress` option; `stderr` is the default stream. */
export function makeProgress(option: boolean | ProgressStream, stderr: ProgressStream = process.stderr): Progress {
  if (option === false) return silent;
  const stream = option === true ? stderr : option;
  return stream.isTTY ? new Bar(stream) : new Lines(stream);
}
