import type { z } from 'zod';

/**
 * The brand every timock error carries. `Symbol.for` is process-wide, so an error thrown by a package's
 * CJS build is recognised by the guards of its ESM build (and the other way round), where `instanceof`
 * is not.
 */
const BRAND = Symbol.for('timock.error');

/** Options shared by the constructors of timock errors. */
export interface TimockErrorOptions {
  /** The underlying error, if any (e.g. the `ZodError`). */
  cause?: unknown;
}

/**
 * The base of every error the timock packages throw on purpose: it extends `Error`, sets `name`, carries
 * a stable `code` and the `cause`, and is branded so that {@link isTimockError} recognises it across the
 * ESM and CJS builds. Recognise errors by `code`, never by message text or `instanceof`.
 */
export abstract class TimockError extends Error {
  /** A stable code: a `TIMOCK_*` or `TIM_ERR_*` string, or the API's numeric `ErrorCode` (client). */
  abstract readonly code: string | number;

  constructor(message: string, options?: TimockErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * True for any timock error (from any package and either build); with `code`, only for that code.
 *
 * @example
 * if (isTimockError(err, 'TIMOCK_INVALID_OPTIONS')) console.error(err.message);
 */
export function isTimockError(err: unknown, code?: string | number): err is TimockError {
  if (typeof err !== 'object' || err === null) return false;
  if ((err as { [BRAND]?: unknown })[BRAND] !== true) return false;
  return code === undefined || (err as { code?: unknown }).code === code;
}

/** The `code` of an {@link InvalidOptionsError}. */
export const INVALID_OPTIONS = 'TIMOCK_INVALID_OPTIONS';

/** Options of an {@link InvalidOptionsError}. */
export interface InvalidOptionsErrorOptions extends TimockErrorOptions {
  /** What was checked, for the message: default `timock options`. */
  subject?: string;
}

/**
 * Thrown when options are refused: by `buildServer`/`startServer` (`@timock/mock-server`) and
 * `createClient` (`@timock/client`) alike. `issues` lists every problem; `cause` is the `ZodError`, when
 * there is one. Neither the message nor the issues quote a value, so no key or UserSig can leak.
 *
 * @example
 * try { createClient(options); } catch (err) {
 *   if (isInvalidOptionsError(err)) for (const line of err.issues) console.error(line);
 * }
 */
export class InvalidOptionsError extends TimockError {
  override readonly name = 'InvalidOptionsError';
  /** Always `TIMOCK_INVALID_OPTIONS`. */
  readonly code = INVALID_OPTIONS;
  /** One readable line per problem, e.g. `apps.1.sdkappid: duplicate sdkappid 1400000000`. */
  readonly issues: readonly string[];

  constructor(issues: readonly string[], options: InvalidOptionsErrorOptions = {}) {
    super(`invalid ${options.subject ?? 'timock options'}: ${issues.join('; ')}`, options);
    this.issues = issues;
  }

  /** The error for a failed options parse: one issue line per Zod issue (`path: message`). */
  static fromZod(error: z.ZodError, subject?: string): InvalidOptionsError {
    const issues = error.issues.map((i) =>
      i.path.length > 0 ? `${i.path.join('.')}: ${i.message}` : i.message,
    );
    return new InvalidOptionsError(issues, { cause: error, ...(subject === undefined ? {} : { subject }) });
  }
}

/** True for an {@link InvalidOptionsError} from any timock package and either build. */
export function isInvalidOptionsError(err: unknown): err is InvalidOptionsError {
  return isTimockError(err, INVALID_OPTIONS);
}
