/**
 * The contract against a real endpoint: opt-in, driven by TIM_SDKAPPID, TIM_SECRET_KEY (or TIM_USERSIG),
 * TIM_IDENTIFIER and optionally TIM_REGION / TIM_BASE_URL. Skipped with one line when they are absent.
 */
import { describe, expect, it } from 'vitest';
import { formatPretty, runContract } from '../src/index.js';

const env = process.env;
const configured = Boolean(env.TIM_SDKAPPID && (env.TIM_SECRET_KEY || env.TIM_USERSIG) && env.TIM_IDENTIFIER);
if (!configured) {
  console.info(
    'real endpoint contract: skipped (set TIM_SDKAPPID, TIM_SECRET_KEY or TIM_USERSIG, and TIM_IDENTIFIER to run it)',
  );
}

describe.skipIf(!configured)('the real endpoint', () => {
  it('keeps every vendor-documented promise', { timeout: 120_000 }, async () => {
    const report = await runContract({
      kind: 'real',
      sdkappid: Number(env.TIM_SDKAPPID),
      identifier: env.TIM_IDENTIFIER,
      secretKey: env.TIM_SECRET_KEY || undefined,
      userSig: env.TIM_USERSIG || undefined,
      region: env.TIM_BASE_URL ? undefined : env.TIM_REGION || 'china',
      baseUrl: env.TIM_BASE_URL || undefined,
    });
    console.info(formatPretty(report));
    expect(report.results.filter((r) => r.outcome === 'fail').map((r) => r.id)).toEqual([]);
  });
});
