/**
 * Shows job progress: one cli-progress bar per job on a terminal, plain lines otherwise (logs, CI, pipes),
 * where a line is printed only when something worth reading changed.
 */
import cliProgress from 'cli-progress';
import type { JobView } from '@pure/contracts/job';
import { JobEta } from './job-eta';
import { jobLine, type JobLine } from './job-line';

/** A live view of many jobs. */
export interface ProgressDisplay {
  /** Shows `job`'s latest state under `label`. */
  update(label: string, job: JobView): void;
  /** Prints a message without breaking the bars. */
  log(message: string): void;
  /** Ends the display; bars stay on screen. */
  stop(): void;
}

/** Bars when `stream` is a terminal, plain lines otherwise. */
export function createProgressDisplay(stream: NodeJS.WriteStream): ProgressDisplay {
  return stream.isTTY ? new BarDisplay(stream) : new LineDisplay(stream);
}

class BarDisplay implements ProgressDisplay {
  private readonly eta = new JobEta();
  private readonly bars = new Map<string, cliProgress.SingleBar>();
  private readonly multi: cliProgress.MultiBar;
  private width = 8;

  constructor(stream: NodeJS.WriteStream) {
    // {eta} is cli-progress's own token (its rate over the whole bar): ours goes in {etaText}.
    this.multi = new cliProgress.MultiBar(
      {
        stream,
        format: '{label} |{bar}| {state} {detail} | ETA {etaText}',
        barCompleteChar: '\u2588',
        barIncompleteChar: '\u2591',
        barsize: 20,
        hideCursor: true,
        clearOnComplete: false,
        autopadding: true,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  update(label: string, job: JobView): void {
    const line = jobLine(job, this.eta.eta(job));
    this.width = Math.max(this.width, label.length);
    const payload = { label: label.padEnd(this.width), state: line.state.padEnd(9), detail: line.detail.padEnd(12), etaText: line.eta };
    const total = Math.max(line.total, 1);
    let bar = this.bars.get(job.id);
    if (!bar) {
      bar = this.multi.create(total, line.done, payload);
      this.bars.set(job.id, bar);
    } else {
      bar.setTotal(total);
      bar.update(line.done, payload);
    }
  }

  log(message: string): void {
    this.multi.log(`${message}\n`);
  }

  stop(): void {
    this.multi.stop();
  }
}

const FINAL = new Set(['succeeded', 'failed', 'canceled']);

class LineDisplay implements ProgressDisplay {
  private readonly eta = new JobEta();
  private readonly last = new Map<string, { state: string; quarter: number }>();

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(label: string, job: JobView): void {
    const line: JobLine = jobLine(job, this.eta.eta(job));
    const quarter = line.total > 0 ? Math.floor((4 * line.done) / line.total) : 0;
    const before = this.last.get(job.id);
    // A line per state change and per quarter of a phase: enough to follow, few enough to read.
    if (before && before.state === line.state && before.quarter === quarter) return;
    this.last.set(job.id, { state: line.state, quarter });
    this.log(`${label}: ${line.state}${line.detail ? ` ${line.detail}` : ''}${line.state === 'queued' || FINAL.has(line.state) ? '' : `, ETA ${line.eta}`}`);
  }

  log(message: string): void {
    this.stream.write(`${message}\n`);
  }

  stop(): void {}
}
