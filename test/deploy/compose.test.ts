import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { run, skipUnlessTool } from './tools';

interface Service {
  image?: string;
  build?: { dockerfile?: string };
  command?: string[] | string;
  healthcheck?: { test?: unknown };
  depends_on?: Record<string, { condition: string }>;
  profiles?: string[];
  environment?: Record<string, string>;
  deploy?: { resources?: { reservations?: { devices?: { driver?: string; count?: number; capabilities?: string[] }[] } } };
  stop_grace_period?: string;
}

const skip = skipUnlessTool('docker-compose', 'apt-get install -y docker-compose');

let cached: { text: string; services: Record<string, Service> } | undefined;

/** The compose file as docker-compose resolves it (anchors merged, defaults filled), every profile on. */
function config(): { text: string; services: Record<string, Service> } {
  if (cached) return cached;
  const r = run('docker-compose', ['-f', 'docker-compose.yml', '--profile', 'gpu', 'config']);
  assert.equal(r.status, 0, r.stderr);
  cached = { text: r.stdout, services: (parse(r.stdout) as { services: Record<string, Service> }).services };
  return cached;
}

const resolved = () => config().services;

describe('docker-compose.yml', { skip }, () => {
  test('docker-compose config -q accepts it', () => {
    const r = run('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q']);
    assert.equal(r.status, 0, `docker-compose config -q failed:\n${r.stderr}`);
  });

  test('has the full stack, each long-running service with a healthcheck', () => {
    const services = resolved();
    const expected = ['redis', 'minio', 'create-bucket', 'prometheus', 'grafana', 'api', 'worker', 'worker-gpu'];
    assert.deepEqual(Object.keys(services).sort(), [...expected].sort());
    for (const name of expected.filter((n) => n !== 'create-bucket')) {
      assert.ok(services[name].healthcheck?.test, `${name} has no healthcheck`);
    }
  });

  test('redis keeps an append-only file on a volume', () => {
    const redis = resolved().redis;
    const command = Array.isArray(redis.command) ? redis.command.join(' ') : String(redis.command);
    assert.match(command, /--appendonly yes/);
    assert.match(command, /--maxmemory-policy noeviction/);
  });

  test('api and workers wait for healthy redis and minio and for the bucket', () => {
    const services = resolved();
    for (const name of ['api', 'worker', 'worker-gpu']) {
      const deps = services[name].depends_on ?? {};
      assert.equal(deps.redis?.condition, 'service_healthy', name);
      assert.equal(deps.minio?.condition, 'service_healthy', name);
      assert.equal(deps['create-bucket']?.condition, 'service_completed_successfully', name);
      for (const key of ['REDIS_URL', 'S3_ENDPOINT', 'S3_BUCKET', 'S3_ACCESS_KEY_ID', 'S3_SECRET_ACCESS_KEY', 'S3_FORCE_PATH_STYLE']) {
        assert.ok(services[name].environment?.[key] !== undefined, `${name} lacks ${key}`);
      }
    }
  });

  test('the CPU worker is on by default; the GPU worker is in the gpu profile with an NVIDIA reservation', () => {
    const services = resolved();
    assert.equal(services.worker.profiles, undefined);
    assert.equal(services.worker.environment?.PURE_EP, 'cpu');
    const gpu = services['worker-gpu'];
    assert.deepEqual(gpu.profiles, ['gpu']);
    assert.equal(gpu.environment?.PURE_EP, 'cuda');
    assert.equal(gpu.build?.dockerfile, 'deploy/docker/worker.Dockerfile');
    const device = gpu.deploy?.resources?.reservations?.devices?.[0];
    assert.equal(device?.driver, 'nvidia');
    assert.ok(device?.capabilities?.includes('gpu'));
    assert.equal(device?.count, 1);
  });

  test('grafana and prometheus mount the provisioning, dashboards and scrape config from deploy/', () => {
    const { text } = config();
    assert.match(text, /deploy\/prometheus\/prometheus\.yml:\/etc\/prometheus\/prometheus\.yml/);
    assert.match(text, /deploy\/grafana\/provisioning:\/etc\/grafana\/provisioning/);
    assert.match(text, /deploy\/grafana\/dashboards:\/etc\/grafana\/dashboards/);
  });
});
