import { DEMO_APP, startServer } from '@timock/mock-server';
import type { FidelityInput } from '@timock/schema';
import type { TargetInput } from './target.js';

/** The fake started in-process for a contract run, and the target that points at it. */
export interface MockTarget {
  readonly target: TargetInput;
  close(): Promise<void>;
}

/**
 * Starts the timock fake in-process on a free loopback port, serving its demo app with these `fidelity`
 * settings (default: the `evidence` profile), and returns the contract target for it.
 */
export async function startMockTarget(fidelity: FidelityInput = {}): Promise<MockTarget> {
  const mock = await startServer({ host: '127.0.0.1', port: 0, fidelity });
  return {
    target: {
      kind: 'mock',
      baseUrl: mock.url,
      sdkappid: DEMO_APP.sdkappid,
      identifier: DEMO_APP.admins[0],
      secretKey: DEMO_APP.secretKey,
      rateLimitPerSecond: DEMO_APP.rateLimitPerSecond,
      fidelity,
    },
    close: () => mock.close(),
  };
}
