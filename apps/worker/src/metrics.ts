/** Metrics of the worker app beyond `@pure/telemetry`'s WorkerMetrics: bad job data, event-loop delay, state. */
import { Counter, Gauge, type Registry } from 'prom-client';
import { WORKER_STATES, type WorkerState } from './lifecycle';

/** The worker app's own metric group, on the app's registry. */
export class WorkerAppMetrics {
  /** Jobs whose data failed the shared schema (failed at once, never retried). */
  readonly invalidJobs: Counter;
  /** Largest main-thread event-loop delay during the last job, seconds (locks are renewed on that loop). */
  readonly loopDelayMax: Gauge;
  /** 1 for the current lifecycle state. */
  readonly state: Gauge<'state'>;

  constructor(register: Registry, prefix = 'pure_') {
    const registers = [register];
    this.invalidJobs = new Counter({ name: `${prefix}worker_invalid_jobs_total`, help: 'Jobs failed at once because their data did not match the shared schema.', registers });
    this.loopDelayMax = new Gauge({ name: `${prefix}worker_event_loop_delay_max_seconds`, help: 'Largest main-thread event-loop delay seen during the last job (perf_hooks.monitorEventLoopDelay).', registers });
    this.state = new Gauge({ name: `${prefix}worker_state`, help: 'Lifecycle state of the worker: 1 for the current one.', labelNames: ['state'], registers });
    this.setState('starting');
  }

  setState(current: WorkerState): void {
    for (const s of WORKER_STATES) this.state.set({ state: s }, s === current ? 1 : 0);
  }
}
