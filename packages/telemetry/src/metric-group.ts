/** What every metric group takes, and the constructors that put its metrics on that registry only. */
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface MetricGroupOptions {
  /** The app's registry; the same one its `/metrics` route renders. Never prom-client's global one. */
  register: Registry;
  /** Prepended to every metric name; default `pure_`. */
  prefix?: string;
}

/** Makes metrics named `{prefix}{name}` registered on `options.register` alone. */
export function metricFactory(options: MetricGroupOptions) {
  const registers = [options.register];
  const p = options.prefix ?? 'pure_';
  return {
    counter: <L extends string = string>(
      name: string,
      help: string,
      labelNames: L[] = [],
      collect?: (this: Counter<L>) => void,
    ) => new Counter<L>({ name: p + name, help, labelNames, registers, collect }),
    gauge: <L extends string = string>(
      name: string,
      help: string,
      labelNames: L[] = [],
      collect?: (this: Gauge<L>) => void | Promise<void>,
    ) => new Gauge<L>({ name: p + name, help, labelNames, registers, collect }),
    histogram: <L extends string = string>(name: string, help: string, labelNames: L[], buckets: number[]) =>
      new Histogram<L>({ name: p + name, help, labelNames, buckets, registers }),
  };
}
