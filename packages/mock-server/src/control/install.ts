import type { FastifyInstance } from 'fastify';
import type { AppRegistry } from '../api/apps.js';
import type { ResolvedServerOptions } from '../options.js';
import type { SharedControl } from '../state/store.js';
import { type NotReady, registerAdminRoutes } from './admin-routes.js';
import { attachControlPlane } from './fault-hooks.js';
import { ControlPlane } from './plane.js';

/**
 * Creates the server's control plane and hooks it in: call before the API routes are registered (the
 * fault hooks attach to each route as it is added). Registers the admin API unless `admin` is false.
 *
 * @param notReady - why the fake cannot serve now (`GET /__admin/ready`), `undefined` when it can
 * @returns the control plane; its `serverClock.now` is the clock every time-based rule must read
 */
export function installControlPlane(
  server: FastifyInstance,
  registry: AppRegistry,
  opts: ResolvedServerOptions,
  shared?: SharedControl,
  notReady: NotReady = async () => undefined,
): ControlPlane {
  const plane = new ControlPlane({
    registry,
    seed: opts.seed,
    limits: registry.limits,
    startApps: opts.apps,
    fixtures: opts.fixtures,
    now: opts.now,
    journalSize: opts.journalSize,
    shared,
  });
  const access = opts.admin ? { token: opts.adminToken } : undefined;
  attachControlPlane(server, plane, access, opts.fidelity);
  if (access) registerAdminRoutes(server, plane, access, notReady);
  return plane;
}
