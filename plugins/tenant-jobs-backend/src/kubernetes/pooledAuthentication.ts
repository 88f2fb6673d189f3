import type {
  KubeConfig,
  RequestContext,
  SecurityAuthentication,
} from '@kubernetes/client-node';
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

type AgentOptions = https.AgentOptions & {
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
  pfx?: unknown;
};

function fingerprint(options: AgentOptions): string {
  const text = (value: unknown) =>
    value === undefined ? '' : Buffer.from(value as string).toString('base64');
  return createHash('sha256')
    .update(
      JSON.stringify([
        text(options.ca),
        text(options.cert),
        text(options.key),
        text(options.pfx),
        options.rejectUnauthorized,
        options.servername,
      ]),
    )
    .digest('hex');
}

/**
 * The kubeconfig's authentication with connections kept alive and reused.
 * client-node builds a new https.Agent for every request, so every call
 * pays a TLS handshake (measured: most of a submission's CPU time). This
 * applies the kubeconfig exactly as client-node does (headers, token file,
 * client certificate) and then swaps in one pooled agent per set of TLS
 * settings; a rotated certificate gets a new agent.
 */
export class PooledAuthentication implements SecurityAuthentication {
  private pooled?: { fingerprint: string; agent: http.Agent };

  constructor(private readonly kc: KubeConfig) {}

  getName(): string {
    return 'kubeconfig authentication with pooled connections';
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kc.applySecurityAuthentication(context);
    const created = context.getAgent();
    if (!(created instanceof https.Agent)) return;
    const options = (created as https.Agent & { options: AgentOptions })
      .options;
    const key = fingerprint(options);
    if (this.pooled?.fingerprint !== key) {
      this.pooled?.agent.destroy();
      this.pooled = {
        fingerprint: key,
        agent: new https.Agent({ ...options, keepAlive: true, maxSockets: 32 }),
      };
    }
    context.setAgent(this.pooled.agent);
  }
}
