/**
 * PromQL checks against a real Prometheus: promtool cannot check a bare expression, so each one is sent
 * to `/api/v1/query`, whose parser is the one Grafana and KEDA's queries meet in production.
 */
import type { PrometheusServer } from '../harness/prometheus';

/** An expression that failed, with Prometheus's message. */
export interface PromQLFailure {
  label: string;
  expr: string;
  error: string;
}

/** Prometheus's parse (or evaluation) error for `expr`, or null when the query is accepted. */
export async function promqlError(prometheus: Pick<PrometheusServer, 'query'>, expr: string): Promise<string | null> {
  if (expr.trim() === '') return 'empty expression';
  const res = await prometheus.query(expr);
  return res.status === 'success' ? null : `${res.errorType ?? 'error'}: ${res.error ?? 'unknown'}`;
}

/** Every expression Prometheus rejects, labelled for the assertion message; [] when all parse. */
export async function promqlFailures(
  prometheus: Pick<PrometheusServer, 'query'>,
  queries: { label: string; expr: string }[],
): Promise<PromQLFailure[]> {
  const failures: PromQLFailure[] = [];
  for (const q of queries) {
    const error = await promqlError(prometheus, q.expr);
    if (error) failures.push({ label: q.label, expr: q.expr, error });
  }
  return failures;
}

/** True when an instant-query result holds at least one sample (for the "returns data" checks). */
export async function returnsData(prometheus: Pick<PrometheusServer, 'query'>, expr: string): Promise<boolean> {
  const res = await prometheus.query(expr);
  return res.status === 'success' && (res.data?.result.length ?? 0) > 0;
}
