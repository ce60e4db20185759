/** The worker's lifecycle as an explicit state machine: `starting -> running -> draining -> stopped`. */
import { EventEmitter } from 'node:events';

export const WORKER_STATES = ['starting', 'running', 'draining', 'stopped'] as const;
export type WorkerState = (typeof WORKER_STATES)[number];

// starting -> draining: a signal before the model loaded; starting -> stopped never happens (drain first).
const NEXT: Record<WorkerState, readonly WorkerState[]> = {
  starting: ['running', 'draining'],
  running: ['draining'],
  draining: ['stopped'],
  stopped: [],
};

/** Holds the state; emits `change` (to, from) on every move. */
export class Lifecycle extends EventEmitter {
  private current: WorkerState = 'starting';

  get state(): WorkerState {
    return this.current;
  }

  /** True when `to` is a legal next state. */
  can(to: WorkerState): boolean {
    return NEXT[this.current].includes(to);
  }

  /** Moves to `to`; returns false (and changes nothing) when the move is not allowed from here. */
  to(to: WorkerState): boolean {
    if (!this.can(to)) return false;
    const from = this.current;
    this.current = to;
    this.emit('change', to, from);
    return true;
  }

  /** Resolves once the state is `state` (at once if it already is). */
  reached(state: WorkerState): Promise<void> {
    if (this.current === state) return Promise.resolve();
    return new Promise((resolve) => {
      const on = (to: WorkerState) => {
        if (to !== state) return;
        this.off('change', on);
        resolve();
      };
      this.on('change', on);
    });
  }
}
