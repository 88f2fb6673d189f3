import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ServiceUnavailableError } from '@backstage/errors';
import { ClusterHealth } from '../metrics/ClusterHealth';
import { createClusterApis } from './kubernetesApis';

function kubeconfig(server: string, token: string) {
  // JSON is YAML.
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'c', cluster: { server } }],
    users: [{ name: 'u', user: { token } }],
    contexts: [{ name: 'ctx', context: { cluster: 'c', user: 'u' } }],
    'current-context': 'ctx',
  });
}

describe('createClusterApis', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-apis-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads a kubeconfig again only when the file changes', () => {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, kubeconfig('https://127.0.0.1:6443', 'a'));
    const apis = createClusterApis({
      name: 'local',
      auth: { type: 'kubeconfig', file },
    });
    const first = apis();
    expect(apis()).toBe(first);
    // A recreated local cluster: another port (and CA, and credentials).
    fs.writeFileSync(file, kubeconfig('https://127.0.0.1:40123', 'bb'));
    const second = apis();
    expect(second).not.toBe(first);
    expect(apis()).toBe(second);
  });

  it('waits for a kubeconfig that does not exist yet: the cluster is unreachable at once, a 503 naming it', () => {
    const file = path.join(dir, 'later');
    const health = new ClusterHealth({ clusters: ['local'] });
    const apis = createClusterApis(
      { name: 'local', auth: { type: 'kubeconfig', file } },
      { observe: event => health.onRequest(event) },
    );
    let thrown: unknown;
    try {
      apis();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ServiceUnavailableError);
    expect((thrown as Error).message).toContain(
      `Cluster 'local' cannot be reached: its kubeconfig cannot be loaded from ${file}`,
    );
    expect(health.report()).toEqual([
      expect.objectContaining({
        cluster: 'local',
        reachable: false,
        lastError: 'the backend cannot load its kubeconfig',
      }),
    ]);
    expect(health.readiness().status).toBe(503);

    fs.writeFileSync(file, kubeconfig('https://127.0.0.1:6443', 'a'));
    expect(apis()).toBeDefined();
  });

  it('fails at once for a kubeconfig without the configured context', () => {
    const file = path.join(dir, 'kubeconfig');
    fs.writeFileSync(file, kubeconfig('https://127.0.0.1:6443', 'a'));
    expect(() =>
      createClusterApis({
        name: 'local',
        auth: { type: 'kubeconfig', file, context: 'other' },
      }),
    ).toThrow(/has no context 'other'/);
  });

  it('builds token-file clusters once', () => {
    const apis = createClusterApis({
      name: 'prod',
      url: 'https://k8s.example.com',
      auth: { type: 'serviceAccountToken', tokenFile: '/var/run/token' },
    });
    expect(apis()).toBe(apis());
  });
});
