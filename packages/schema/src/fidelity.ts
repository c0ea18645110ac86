import { z } from 'zod';

/**
 * How sure the project is of a behaviour: `documented` by the vendor's page, `observed` in a real answer
 * of the IM REST gateway or a real client's request (see `observed-answers.md`), or `unknown` (the fake's
 * default is a choice, and the contract suite observes the real value).
 */
export type FidelityBasis = 'documented' | 'observed' | 'unknown';

/** One setting of the `fidelity` group: what it decides, why its default, and how sure that is. */
export interface FidelitySetting {
  /** The behaviour, one line. */
  readonly behaviour: string;
  readonly basis: FidelityBasis;
  /** Why the default is what it is: the evidence, with the reference's rows. */
  readonly why: string;
}

/**
 * The behaviours where the real service is unknown, or has changed over time, and the fake's choice is
 * a setting. Defaults come from the evidence and the vendor's page; the `strict` profile keeps the
 * stricter request checks timock had before the evidence was collected.
 */
export const FidelityBaseSchema = z.strictObject({
  requireRandom: z.boolean().meta({
    description:
      'refuse a request without `random` (60002); a present `random` is always checked (digits, at most 4294967295)',
  }),
  methodCheck: z.enum(['last', 'first']).meta({
    description:
      '`last`: a method other than POST passes the app, rate-limit, UserSig and admin checks, then gets 60008; `first`: 60002 before any other check',
  }),
  arrayBody: z.enum(['all-fields', 'refuse']).meta({
    description: 'the body `[]` (what PHP encodes for an empty array): every field, or 130001',
  }),
  nullRequestField: z.enum(['all-fields', 'refuse']).meta({
    description: '`{"RequestField":null}`: every field (as if absent), or 130001',
  }),
  successActionStatus: z.boolean().meta({
    description: 'success answers start with `"ActionStatus":"OK"` (the page shows none)',
  }),
  successRequestId: z.boolean().meta({
    description: 'success answers end with a `RequestId` (`Id-<32 hex>-O-Seq-<n>`, as newer gateways send)',
  }),
  includeToday: z.boolean().meta({
    description:
      '`Result` starts with today (Beijing time; generated figures for the whole day) instead of yesterday',
  }),
});

/** Every fidelity setting, resolved. */
export type Fidelity = z.output<typeof FidelityBaseSchema>;

/** A fidelity setting's name. */
export type FidelityName = keyof Fidelity;

/** The named profiles: `evidence` (the default) and `strict` (the stricter request checks). */
export const FIDELITY_PROFILES = {
  /** What the evidence makes most plausible; the vendor's page where the evidence is silent. */
  evidence: {
    requireRandom: false,
    methodCheck: 'last',
    arrayBody: 'all-fields',
    nullRequestField: 'all-fields',
    successActionStatus: false,
    successRequestId: false,
    includeToday: false,
  },
  /** The evidence's answers, but the request checks refuse what the vendor's page does not allow. */
  strict: {
    requireRandom: true,
    methodCheck: 'first',
    arrayBody: 'refuse',
    nullRequestField: 'refuse',
    successActionStatus: false,
    successRequestId: false,
    includeToday: false,
  },
} as const satisfies Record<string, Fidelity>;

/** A profile's name. */
export type FidelityProfile = keyof typeof FIDELITY_PROFILES;

/** What each setting decides and how sure its default is (the README's table and the contract report read it). */
export const FIDELITY_SETTINGS: Readonly<Record<FidelityName, FidelitySetting>> = {
  requireRandom: {
    behaviour: 'a request without `random`',
    basis: 'observed',
    why: "the vendor's own 2016 Node and PHP REST SDKs never send `random` (observed-answers §3), so the service accepted such calls when they were written; R1's GET without `random` got 60008, not 60002",
  },
  methodCheck: {
    behaviour: 'a method other than POST',
    basis: 'observed',
    why: "R2's GET got the same app-level answer (70032) as its POST; R1's GET with a real app and UserSig got 60008 with its real text",
  },
  arrayBody: {
    behaviour: 'the body `[]`',
    basis: 'unknown',
    why: 'a published PHP client (zishang520/tim) sends `[]` when no field is asked; no real answer to it has been seen',
  },
  nullRequestField: {
    behaviour: '`{"RequestField":null}`',
    basis: 'unknown',
    why: 'no real answer seen; JSON readers that look a member up by name read `null` as absent',
  },
  successActionStatus: {
    behaviour: '`ActionStatus` in a success answer',
    basis: 'unknown',
    why: 'the getappinfo page shows none; most other v4 APIs answer `"ActionStatus":"OK"` (R8, R11, R12); a 2023 report says it was dropped (R13)',
  },
  successRequestId: {
    behaviour: '`RequestId` in a success answer',
    basis: 'unknown',
    why: 'newer REST APIs on the same host add it (D7); the getappinfo page shows none',
  },
  includeToday: {
    behaviour: "today's (incomplete) day in `Result`",
    basis: 'unknown',
    why: "the page says 'the last 30 days' and shows no today; the fake answers the 30 full days before today",
  },
};

/** The names of the settings, in table order. */
export const FIDELITY_NAMES = Object.keys(FIDELITY_SETTINGS) as FidelityName[];

/**
 * The `fidelity` option as a user writes it: a `profile` (default `evidence`) and any settings that
 * differ from it. Validated once; the output is every setting resolved.
 *
 * @example
 * FidelitySchema.parse({ profile: 'strict', arrayBody: 'all-fields' }).requireRandom; // true
 */
export const FidelitySchema = FidelityBaseSchema.partial()
  .extend({
    profile: z
      .enum(['evidence', 'strict'])
      .default('evidence')
      .meta({ description: '`evidence` (default) or `strict`: the stricter request checks' }),
  })
  .transform(({ profile, ...overrides }): Fidelity => ({ ...FIDELITY_PROFILES[profile], ...overrides }))
  .meta({ title: 'Fidelity' });

/** The `fidelity` option as written (everything optional). */
export type FidelityInput = z.input<typeof FidelitySchema>;

/** Every setting resolved from an optional input (the `evidence` profile when none). */
export function resolveFidelity(input: FidelityInput = {}): Fidelity {
  return FidelitySchema.parse(input);
}

type FidelityField = (typeof FidelityBaseSchema.shape)[FidelityName];

/** The values a setting accepts as text (`true`/`false` for a boolean). */
function valuesOf(field: FidelityField): readonly string[] {
  if ('options' in field) return field.options;
  return ['true', 'false'];
}

/** Each fidelity setting and the values a `NAME=VALUE` assignment accepts, read from {@link FidelityBaseSchema}. */
export const FIDELITY_VALUES: Readonly<Record<FidelityName, readonly string[]>> = Object.fromEntries(
  Object.entries(FidelityBaseSchema.shape).map(([name, field]) => [name, valuesOf(field)]),
) as Record<FidelityName, readonly string[]>;

/**
 * Reads one `NAME=VALUE` assignment of a fidelity setting (as command lines write them; a boolean is
 * `true` or `false`).
 *
 * @returns the setting and its value, or `problem`: why the text is not an assignment (to follow the
 *   flag's name in a message)
 * @example
 * parseFidelityAssignment('arrayBody=refuse'); // { name: 'arrayBody', value: 'refuse' }
 */
export function parseFidelityAssignment(
  text: string,
): { name: FidelityName; value: Fidelity[FidelityName] } | { problem: string } {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? undefined : text.slice(eq + 1);
  if (!Object.hasOwn(FIDELITY_VALUES, name)) {
    return { problem: `takes NAME=VALUE with NAME one of ${FIDELITY_NAMES.join(', ')}, got "${text}"` };
  }
  const setting = name as FidelityName;
  const accepted = FIDELITY_VALUES[setting];
  if (value === undefined || !accepted.includes(value)) {
    return { problem: `${setting} must be one of ${accepted.join(', ')}, got "${value ?? ''}"` };
  }
  const typed = FidelityBaseSchema.shape[setting].def.type === 'boolean' ? value === 'true' : value;
  return { name: setting, value: typed as Fidelity[FidelityName] };
}

/**
 * The `fidelity` option from command-line settings, as both CLIs take them (`--strict`, `--fidelity
 * NAME=VALUE`): `base`, then each setting in order (a later one wins), then `profile: 'strict'` when
 * `strict`.
 *
 * @param settings - each `NAME=VALUE` with where it came from (`--fidelity`, a variable), for messages
 * @returns the option, or the first `problem`: one line that starts with the setting's source
 * @example
 * fidelityFromSettings({}, [{ source: '--fidelity', text: 'arrayBody=refuse' }], true);
 * // { fidelity: { arrayBody: 'refuse', profile: 'strict' } }
 */
export function fidelityFromSettings(
  base: FidelityInput,
  settings: readonly { source: string; text: string }[],
  strict: boolean,
): { fidelity: FidelityInput } | { problem: string } {
  const fidelity: Record<string, unknown> = { ...base };
  for (const { source, text } of settings) {
    const read = parseFidelityAssignment(text);
    if ('problem' in read) return { problem: `${source} ${read.problem}` };
    fidelity[read.name] = read.value;
  }
  if (strict) fidelity.profile = 'strict';
  return { fidelity: fidelity as FidelityInput };
}

/** The keys of a success answer, in order, as a fake with these settings sends them. */
export function successKeys(fidelity: Pick<Fidelity, 'successActionStatus' | 'successRequestId'>): string[] {
  return [
    ...(fidelity.successActionStatus ? ['ActionStatus'] : []),
    'ErrorCode',
    'ErrorInfo',
    'Result',
    ...(fidelity.successRequestId ? ['RequestId'] : []),
  ];
}
