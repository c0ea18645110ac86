import type { Fixture, ResolvedAppConfig } from '@timock/schema';
import type { AppRegistry, AppStateLimits } from '../api/apps.js';
import type { SharedControl } from '../state/store.js';
import { ServerClock } from './clock.js';
import type { ControlMode, MockControls } from './controls.js';
import { AppDataEditor } from './data.js';
import { type FaultAction, FaultRules, type FaultTarget } from './faults.js';
import { Journal } from './journal.js';
import { Replication, replicaFaultIds } from './replication.js';
import { localControls, sharedControls } from './strategy.js';

/** What {@link ControlPlane} is built from. */
export interface ControlPlaneOptions {
  registry: AppRegistry;
  seed: number;
  limits: AppStateLimits;
  startApps: readonly ResolvedAppConfig[];
  fixtures: readonly Fixture[];
  /** The server's base clock (`now` option). */
  now: () => number;
  journalSize: number;
  /** For replicas: the store the control plane is shared through (see {@link Replication}). */
  shared?: SharedControl | undefined;
}

/**
 * One server's control plane: its clock, fault rules, journal and data, and the one way they are read
 * and changed ({@link ControlPlane.controls}), chosen once here: in memory, or shared by replicas.
 */
export class ControlPlane {
  /** The server's clock. */
  readonly serverClock: ServerClock;
  /** The fault rules (the hot path tests their flags). */
  readonly rules: FaultRules;
  /** The journal ring (the hot path writes to it; with replicas each write is copied to the shared one). */
  readonly requests: Journal;
  /** The controls that `server.timock`, `startServer()` and the admin API all use. */
  readonly controls: MockControls<ControlMode>;
  /** The first rule that fires for a request (with replicas, claimed in the shared store: a Promise). */
  readonly fire: (target: FaultTarget) => FaultAction | undefined | Promise<FaultAction | undefined>;

  constructor(options: ControlPlaneOptions) {
    const { shared } = options;
    const clock = new ServerClock(options.now);
    const rules = new FaultRules(
      clock.now,
      shared && {
        ids: replicaFaultIds(),
        claim: (id, rule) => shared.claim(id, `fault:${id}`, rule),
      },
    );
    const journal = new Journal(options.journalSize);
    const apps = new AppDataEditor(
      options.registry,
      options.seed,
      options.limits,
      options.startApps,
      options.fixtures,
    );
    this.serverClock = clock;
    this.rules = rules;
    this.requests = journal;
    const parts = { clock, rules, journal, apps };
    if (shared) {
      this.controls = sharedControls(parts, new Replication(parts, shared));
      this.fire = (target) => rules.fireShared(target);
    } else {
      this.controls = localControls(parts);
      this.fire = (target) => rules.fire(target);
    }
  }
}
