import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { container, one, render } from './k8s';
import { skipUnlessTool } from './tools';

// Any kubectl with kustomize: the manifests avoid fields that Debian's kubernetes-client 1.20 cannot read.
const skip = skipUnlessTool('kubectl', 'apt-get install -y kubernetes-client');

describe('deploy/k8s (kustomize)', { skip }, () => {
  test('renders the expected kinds, all in the pure-serve namespace', () => {
    const kinds = render().map((r) => r.kind).sort();
    assert.deepEqual(kinds, [
      'ConfigMap', 'Deployment', 'Deployment', 'Namespace', 'PodDisruptionBudget', 'PodMonitor', 'ScaledObject', 'Secret', 'Service',
    ]);
    for (const r of render().filter((r) => r.kind !== 'Namespace')) assert.equal(r.metadata.namespace, 'pure-serve', r.kind);
  });

  test('Redis and S3 are external: no workload runs them, their settings come from the ConfigMap and Secret', () => {
    for (const r of render()) assert.doesNotMatch(r.metadata.name, /redis|minio/);
    const config = render().find((r) => r.kind === 'ConfigMap')!;
    const secret = render().find((r) => r.kind === 'Secret')!;
    for (const key of ['S3_ENDPOINT', 'S3_REGION', 'S3_BUCKET', 'S3_PREFIX', 'S3_FORCE_PATH_STYLE']) assert.ok(config.data?.[key] !== undefined, key);
    for (const key of ['REDIS_URL', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'PURE_API_KEYS', 'PURE_WEBHOOK_SECRETS']) assert.ok(secret.data?.[key] !== undefined, key);
    for (const name of ['pure-api', 'pure-worker']) {
      const c = container(one('Deployment', name));
      const redis = c.env?.find((e) => e.name === 'REDIS_URL');
      assert.equal(redis?.valueFrom?.secretKeyRef?.name, secret.metadata.name, `${name} REDIS_URL`);
      assert.equal(c.envFrom?.[0]?.configMapRef?.name, config.metadata.name, `${name} envFrom`);
    }
  });

  test('api: probes on /readyz and /healthz, a Service in front', () => {
    const api = container(one('Deployment', 'pure-api'));
    assert.equal(api.readinessProbe?.httpGet?.path, '/readyz');
    assert.equal(api.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(api.ports?.[0]?.containerPort, 8080);
    const service = one('Service', 'pure-api');
    assert.deepEqual(service.spec.selector, one('Deployment', 'pure-api').spec.selector.matchLabels);
  });

  test('worker: one GPU, grace period for the drain grace plus a row and an upload, preStop POST /drain, probes', () => {
    const deployment = one('Deployment', 'pure-worker');
    const pod = deployment.spec.template.spec;
    const worker = container(deployment);
    assert.equal(String(worker.resources?.limits?.['nvidia.com/gpu']), '1');
    assert.equal(pod.terminationGracePeriodSeconds, 120);
    const preStop = (worker.lifecycle?.preStop?.exec as { command: string[] } | undefined)?.command.join(' ') ?? '';
    assert.match(preStop, /fetch\('http:\/\/127\.0\.0\.1:9464\/drain', \{method:'POST'\}\)/);
    assert.ok(Number(worker.env?.find((e) => e.name === 'PURE_DRAIN_GRACE_MS')?.value) / 1000 < pod.terminationGracePeriodSeconds - 30);
    assert.deepEqual(worker.ports, [{ name: 'metrics', containerPort: 9464 }]);
    assert.equal(worker.env?.find((e) => e.name === 'METRICS_PORT')?.value, '9464');
    assert.equal(worker.readinessProbe?.httpGet?.path, '/readyz');
    assert.equal(worker.livenessProbe?.httpGet?.path, '/healthz');
    assert.equal(deployment.spec.replicas, undefined, 'KEDA owns the replica count');
  });

  test('KEDA scales workers 0..N on waiting + prioritized + active jobs from Prometheus', () => {
    const scaled = one('ScaledObject', 'pure-worker');
    assert.equal(scaled.apiVersion, 'keda.sh/v1alpha1');
    assert.equal(scaled.spec.scaleTargetRef.name, 'pure-worker');
    assert.equal(scaled.spec.minReplicaCount, 0);
    assert.ok(scaled.spec.maxReplicaCount > 0);
    assert.ok(scaled.spec.cooldownPeriod >= 300, 'cooldown covers several ~256 s jobs');
    const [trigger] = scaled.spec.triggers as { type: string; metadata: Record<string, string> }[];
    assert.equal(trigger.type, 'prometheus');
    const query = trigger.metadata.query;
    assert.match(query, /pure_queue_depth/);
    for (const state of ['waiting', 'prioritized', 'active']) assert.match(query, new RegExp(state));
    assert.ok(Number(trigger.metadata.threshold) > 0);
  });

  test('a PodMonitor scrapes the api and worker metrics ports', () => {
    const monitor = render().find((r) => r.kind === 'PodMonitor')!;
    const ports = (monitor.spec.podMetricsEndpoints as { port: string; path: string }[]).map((e) => `${e.port}${e.path}`);
    assert.deepEqual(ports.sort(), ['http/metrics', 'metrics/metrics']);
    const labels = monitor.spec.selector.matchLabels as Record<string, string>;
    for (const name of ['pure-api', 'pure-worker']) {
      const podLabels = one('Deployment', name).spec.template.metadata.labels as Record<string, string>;
      for (const [k, v] of Object.entries(labels)) assert.equal(podLabels[k], v, `${name} pod label ${k}`);
    }
  });
});
