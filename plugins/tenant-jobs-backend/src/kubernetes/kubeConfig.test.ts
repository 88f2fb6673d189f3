import { HttpMethod, RequestContext } from '@kubernetes/client-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ClusterConfig } from '../config/readConfig';
import { createKubeConfig, normalizeCaData } from './kubeConfig';
import { TokenFileError } from './tokenFileAuthenticator';

const PEM =
  '-----BEGIN CERTIFICATE-----\nMIIBdzCCAR2gAwIBAgIBADAKBggqhkjOPQQDAjAjMSEwHwYDVQQDDBhrM3Mtc2Vy\n-----END CERTIFICATE-----\n';
const PEM_BASE64 = Buffer.from(PEM).toString('base64');

describe('createKubeConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tj-kubeconfig-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function authorizationOf(
    cluster: ClusterConfig,
  ): Promise<string | undefined> {
    const kc = createKubeConfig(cluster);
    const context = new RequestContext(
      `${kc.getCurrentCluster()!.server}/api`,
      HttpMethod.GET,
    );
    await kc.applySecurityAuthentication(context);
    return context.getHeaders().Authorization;
  }

  function tokenCluster(tokenFile: string): ClusterConfig {
    return {
      name: 'prod',
      url: 'https://k8s.example.com:6443',
      caData: PEM,
      auth: { type: 'serviceAccountToken', tokenFile },
    };
  }

  it('reads the token file on every request, so a rotated token is used at once', async () => {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 'first-token\n'); // as `kubectl create token > file`
    const cluster = tokenCluster(tokenFile);
    const kc = createKubeConfig(cluster);
    const send = async () => {
      const context = new RequestContext(
        'https://k8s.example.com:6443/api',
        HttpMethod.GET,
      );
      await kc.applySecurityAuthentication(context);
      return context.getHeaders().Authorization;
    };
    expect(await send()).toBe('Bearer first-token');
    fs.writeFileSync(tokenFile, 'rotated-token');
    expect(await send()).toBe('Bearer rotated-token');
  });

  it('uses the url and the CA of the cluster settings', () => {
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, 't');
    const kc = createKubeConfig(tokenCluster(tokenFile));
    const current = kc.getCurrentCluster()!;
    expect(current.server).toBe('https://k8s.example.com:6443');
    expect(current.caData).toBe(PEM_BASE64);
    expect(current.skipTLSVerify).toBe(false);
  });

  it('fails with a TokenFileError naming the file when it is missing or empty', async () => {
    const missing = path.join(dir, 'missing');
    await expect(authorizationOf(tokenCluster(missing))).rejects.toThrow(
      TokenFileError,
    );
    await expect(authorizationOf(tokenCluster(missing))).rejects.toThrow(
      missing,
    );
    const empty = path.join(dir, 'empty');
    fs.writeFileSync(empty, '\n');
    await expect(authorizationOf(tokenCluster(empty))).rejects.toThrow(
      /is empty/,
    );
  });

  it('needs a url for token auth', () => {
    expect(() =>
      createKubeConfig({
        name: 'x',
        auth: { type: 'serviceAccountToken', tokenFile: '/t' },
      }),
    ).toThrow(/needs a url/);
  });

  it('refuses plain http unless skipTLSVerify is set', () => {
    const cluster: ClusterConfig = {
      name: 'x',
      url: 'http://127.0.0.1:8080',
      auth: { type: 'serviceAccountToken', tokenFile: '/t' },
    };
    expect(() => createKubeConfig(cluster)).toThrow(/skipTLSVerify/);
    expect(
      createKubeConfig({ ...cluster, skipTLSVerify: true }).getCurrentCluster()
        ?.skipTLSVerify,
    ).toBe(true);
  });

  describe('kubeconfig', () => {
    function writeKubeconfig(): string {
      // JSON is YAML; the file has two contexts on two clusters.
      const file = path.join(dir, 'kubeconfig');
      fs.writeFileSync(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          clusters: [
            {
              name: 'a',
              cluster: {
                server: 'https://a.example.com',
                'certificate-authority-data': PEM_BASE64,
              },
            },
            { name: 'b', cluster: { server: 'https://b.example.com' } },
          ],
          users: [
            { name: 'ua', user: { token: 'token-a' } },
            { name: 'ub', user: { token: 'token-b' } },
          ],
          contexts: [
            { name: 'ctx-a', context: { cluster: 'a', user: 'ua' } },
            { name: 'ctx-b', context: { cluster: 'b', user: 'ub' } },
          ],
          'current-context': 'ctx-a',
        }),
      );
      return file;
    }

    it('uses the current context by default, or the configured one', async () => {
      const file = writeKubeconfig();
      expect(
        await authorizationOf({
          name: 'k',
          auth: { type: 'kubeconfig', file },
        }),
      ).toBe('Bearer token-a');
      const kc = createKubeConfig({
        name: 'k',
        auth: { type: 'kubeconfig', file, context: 'ctx-b' },
      });
      expect(kc.getCurrentCluster()?.server).toBe('https://b.example.com');
    });

    it('names the available contexts when the configured one is missing', () => {
      const file = writeKubeconfig();
      expect(() =>
        createKubeConfig({
          name: 'k',
          auth: { type: 'kubeconfig', file, context: 'nope' },
        }),
      ).toThrow(/no context 'nope'; it has ctx-a, ctx-b/);
    });

    it('lets caFile and skipTLSVerify of the settings win', () => {
      const file = writeKubeconfig();
      const caFile = path.join(dir, 'ca.pem');
      fs.writeFileSync(caFile, PEM);
      const current = createKubeConfig({
        name: 'k',
        caFile,
        skipTLSVerify: true,
        auth: { type: 'kubeconfig', file },
      }).getCurrentCluster()!;
      expect(current.caFile).toBe(caFile);
      expect(current.caData).toBeUndefined();
      expect(current.skipTLSVerify).toBe(true);
    });
  });

  it('refuses inCluster auth outside a pod', () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      expect(() =>
        createKubeConfig({ name: 'in', auth: { type: 'inCluster' } }),
      ).toThrow(/does not run in a Kubernetes pod/);
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });
});

describe('normalizeCaData', () => {
  it('accepts PEM text and base64-encoded PEM', () => {
    expect(normalizeCaData(PEM, 'c')).toBe(PEM_BASE64);
    expect(normalizeCaData(PEM_BASE64, 'c')).toBe(PEM_BASE64);
    expect(
      normalizeCaData(
        `${PEM_BASE64.slice(0, 20)}\n${PEM_BASE64.slice(20)}`,
        'c',
      ),
    ).toBe(PEM_BASE64);
  });

  it('refuses anything else', () => {
    expect(() => normalizeCaData('not a certificate', 'c')).toThrow(
      /neither a PEM certificate nor base64-encoded PEM/,
    );
  });
});
