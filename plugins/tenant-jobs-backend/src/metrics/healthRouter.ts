import express from 'express';
import Router from 'express-promise-router';
import { ClusterHealth } from './ClusterHealth';

/**
 * `GET /health`: the plugin's readiness. 200 `{ status: 'ok' }` while every
 * configured cluster answers and every watch keeps up; 503
 * `{ status: 'degraded', message, unreachableClusters, stalledWatches }`
 * naming what does not, with each cluster's watches in `clusters`. It says
 * nothing about tenants or runs, and needs no credentials, like the root
 * health endpoints; register it before the plugin's authenticated routes.
 */
export function createHealthRouter(health: ClusterHealth): express.Router {
  const router = Router();
  router.get('/health', (_req, res) => {
    const { status, body } = health.readiness();
    res.setHeader('Cache-Control', 'no-store');
    res.status(status).json(body);
  });
  return router;
}
