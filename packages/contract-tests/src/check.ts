import type { ErrorClass, FidelityName } from '@timock/schema';
import type { Exchange, Send, Target, Transport } from './target.js';

/**
 * Who defines the behaviour a check tests: `vendor` (documented by the vendor: strict against every
 * target) or `project` (defined by timock where the vendor is silent: strict against the fake, an
 * observation against a real endpoint). `drift` checks only ever warn.
 */
export type Authority = 'vendor' | 'project' | 'drift';

/** What a check concluded. */
export type Outcome = 'pass' | 'fail' | 'observation' | 'warning' | 'skip';

/** The named groups of checks, in the order they run. */
export const CHECK_GROUPS = [
  'shape',
  'filtering',
  'relations',
  'auth',
  'request-errors',
  'rate-limit',
  'fidelity',
  'drift',
] as const;

/** A group of checks. */
export type CheckGroup = (typeof CHECK_GROUPS)[number];

/** A check's own verdict, before the target's strictness is applied. */
export type Verdict =
  | { readonly ok: true; readonly detail?: string; readonly exchange?: Exchange; readonly observed?: unknown }
  | {
      readonly ok: false;
      readonly detail: string;
      readonly exchange?: Exchange;
      readonly authority?: Authority;
      /** A fidelity check's value seen on the target. */
      readonly observed?: unknown;
    }
  | { readonly skip: string };

/** What a check may use: the target, a way to send, UserSigs, and answers shared between checks. */
export interface CheckContext {
  readonly target: Target;
  readonly transport: Transport;
  /** A UserSig that should be accepted. */
  readonly goodSig: string;
  /** Signs a UserSig with the target's key (or another), or `undefined` without a secret key. */
  readonly sign: (opts: SignOptions) => string | undefined;
  /** Sends a request that differs from a well-formed call by `s`. */
  readonly send: (s?: Send) => Promise<Exchange>;
  /** The answer to a full pull (`{}`), fetched once and shared. */
  readonly fullPull: () => Promise<Exchange>;
  /** The clock, epoch ms. */
  readonly now: () => number;
  /** True with `--aggressive`. */
  readonly aggressive: boolean;
}

/** How to sign a UserSig for a check. */
export interface SignOptions {
  identifier?: string;
  sdkappid?: number;
  secretKey?: string;
  /** Signing time in seconds; default now. */
  timeSeconds?: number;
  /** Lifetime in seconds; default 86400. */
  expireSeconds?: number;
}

/**
 * What a check asserts of a refusal: the error `class` of the code (documented by the vendor, so strict
 * everywhere) and/or the exact `code`, strict against the fake and, where `codeEverywhere`, against every
 * target.
 */
export interface ExpectedFailure {
  readonly class?: ErrorClass;
  readonly code?: number;
  readonly codeEverywhere?: boolean;
}

/** A named contract check. */
export interface Check {
  /** Stable id, e.g. `shape.order`. */
  readonly id: string;
  readonly group: CheckGroup;
  /** One line saying what is checked. */
  readonly title: string;
  readonly authority: Authority;
  /** Runs only with `--aggressive` (never by default against a real endpoint). */
  readonly aggressive?: boolean;
  /** For a check of a fidelity setting: the setting whose value on the target it finds. */
  readonly setting?: FidelityName;
  /** For a check of a refused request: what it asserts of the answer's `ErrorCode` (README's error table). */
  readonly expects?: ExpectedFailure;
  run(ctx: CheckContext): Promise<Verdict>;
}

/** A pass. */
export const pass = (detail?: string, exchange?: Exchange): Verdict => ({ ok: true, detail, exchange });
/** A failure, with what broke and the exchange that shows it. */
export const fail = (detail: string, exchange?: Exchange, authority?: Authority): Verdict => ({
  ok: false,
  detail,
  exchange,
  authority,
});
/** A check that could not run, and why. */
export const skip = (why: string): Verdict => ({ skip: why });
