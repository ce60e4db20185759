/** The kustomize manifests of deploy/k8s, rendered by `kubectl kustomize` and parsed. */
import assert from 'node:assert/strict';
import { parseAllDocuments } from 'yaml';
import { run } from './tools';

export interface Probe {
  httpGet?: { path: string; port: string | number };
}
export interface Container {
  name: string;
  image: string;
  ports?: { name: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  lifecycle?: { preStop?: Probe & { exec?: unknown } };
  resources?: { limits?: Record<string, string | number> };
}
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  // Navigated per kind by the tests; a full typing of every kind would be most of the Kubernetes API.
  spec?: any;
  data?: Record<string, string>;
}

let rendered: Resource[] | undefined;

/** `kubectl kustomize deploy/k8s`, parsed; rendered once per file. */
export function render(): Resource[] {
  if (rendered) return rendered;
  const r = run('kubectl', ['kustomize', 'deploy/k8s']);
  assert.equal(r.status, 0, `kubectl kustomize failed:\n${r.stderr}`);
  rendered = parseAllDocuments(r.stdout).map((d) => d.toJS() as Resource);
  return rendered;
}

/** The one resource of `kind` named `name` (asserts there is exactly one). */
export function one(kind: string, name: string): Resource {
  const found = render().filter((r) => r.kind === kind && r.metadata.name === name);
  assert.equal(found.length, 1, `expected one ${kind} ${name}`);
  return found[0];
}

/** The first container of a Deployment's pod template. */
export function container(deployment: Resource): Container {
  return deployment.spec.template.spec.containers[0] as Container;
}

/** The KEDA trigger's PromQL query as rendered. */
export function kedaQuery(): string {
  const scaled = render().find((r) => r.kind === 'ScaledObject');
  return (scaled?.spec.triggers[0].metadata.query as string | undefined) ?? '';
}
