import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  apiErrorMessage,
  ClusterNotUpError,
  DEFAULT_KUBECONFIG_RELATIVE_PATH,
  findRepoRoot,
  loadTestKubeConfig,
  statusCode,
  testKubeconfigPath,
  uniqueNamespaceName,
  waitFor,
} from './cluster';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('test cluster helpers (no cluster needed)', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'test-cluster-'));
  });

  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finds the repository root by its cluster script', () => {
    const root = findRepoRoot();
    expect(
      fs.existsSync(path.join(root, 'scripts', 'cluster', 'cluster.sh')),
    ).toBe(true);
    expect(path.relative(root, __dirname)).toBe(
      path.join('packages', 'test-cluster', 'src'),
    );
  });

  it('defaults to the repo-relative kubeconfig and honours the env override', () => {
    expect(testKubeconfigPath({})).toBe(
      path.join(findRepoRoot(), DEFAULT_KUBECONFIG_RELATIVE_PATH),
    );
    const custom = path.join(tmp, 'kc.yaml');
    expect(testKubeconfigPath({ TENANT_JOBS_KUBECONFIG: custom })).toBe(custom);
    // blank means unset
    expect(testKubeconfigPath({ TENANT_JOBS_KUBECONFIG: '  ' })).toBe(
      testKubeconfigPath({}),
    );
  });

  it('says how to start the cluster when its kubeconfig is missing', () => {
    const missing = path.join(tmp, 'nope', 'kubeconfig');
    let thrown: unknown;
    try {
      loadTestKubeConfig({ TENANT_JOBS_KUBECONFIG: missing });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ClusterNotUpError);
    expect((thrown as Error).message).toContain(missing);
    expect((thrown as Error).message).toContain(
      'scripts/cluster/cluster.sh up',
    );
    expect((thrown as Error).message).toContain('TENANT_JOBS_KUBECONFIG');
  });

  it('rejects a kubeconfig that names no cluster', () => {
    const file = path.join(tmp, 'empty.yaml');
    fs.writeFileSync(file, 'apiVersion: v1\nkind: Config\n');
    expect(() => loadTestKubeConfig({ TENANT_JOBS_KUBECONFIG: file })).toThrow(
      ClusterNotUpError,
    );
  });

  it('loads a kubeconfig from the env override only', () => {
    const file = path.join(tmp, 'kubeconfig');
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: local',
        '  cluster:',
        '    server: https://127.0.0.1:6443',
        'users:',
        '- name: admin',
        '  user:',
        '    token: not-a-secret',
        'contexts:',
        '- name: local',
        '  context:',
        '    cluster: local',
        '    user: admin',
        'current-context: local',
        '',
      ].join('\n'),
    );
    const kc = loadTestKubeConfig({
      TENANT_JOBS_KUBECONFIG: file,
      KUBECONFIG: path.join(tmp, 'must-not-be-read'),
    });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
  });

  it('makes unique DNS-1123 namespace names from any prefix', () => {
    const names = new Set<string>();
    for (const prefix of ['jobs', 'Quota_Test', '--x--', '', 'a'.repeat(80)]) {
      const name = uniqueNamespaceName(prefix);
      expect(name).toMatch(DNS1123_LABEL);
      expect(name.length).toBeLessThanOrEqual(63);
      names.add(name);
    }
    expect(names.size).toBe(5);
    expect(uniqueNamespaceName('Quota_Test')).toMatch(
      /^quota-test-[0-9a-f]{8}$/,
    );
  });

  it('waitFor returns the first defined value and times out with a description', async () => {
    let calls = 0;
    await expect(
      waitFor(
        'the third call',
        async () => (++calls >= 3 ? calls : undefined),
        {
          intervalMs: 1,
        },
      ),
    ).resolves.toBe(3);

    await expect(
      waitFor(
        'something that never happens',
        async () => {
          throw new Error('boom');
        },
        { timeoutMs: 20, intervalMs: 5 },
      ),
    ).rejects.toThrow(
      /Timed out after 20ms waiting for something that never happens \(last error: boom\)/,
    );
  });

  it('extracts the Status message of an API error', () => {
    const status = { kind: 'Status', message: 'pods "x" is forbidden' };
    expect(apiErrorMessage({ code: 403, body: JSON.stringify(status) })).toBe(
      'pods "x" is forbidden',
    );
    expect(apiErrorMessage({ code: 403, body: status })).toBe(
      'pods "x" is forbidden',
    );
    expect(apiErrorMessage({ code: 502, body: 'Bad Gateway' })).toBe(
      'Bad Gateway',
    );
    expect(apiErrorMessage(new Error('socket hang up'))).toBe('socket hang up');
  });

  it('reads the status code of client errors only', () => {
    expect(statusCode({ code: 404 })).toBe(404);
    expect(statusCode(new Error('x'))).toBeUndefined();
    expect(statusCode(undefined)).toBeUndefined();
  });
});
