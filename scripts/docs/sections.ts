/**
 * Every generated section of the package READMEs: where it goes and how it is rendered from the code.
 * `pnpm docs:options` writes them (write.ts); `readme-sections.test.ts` fails while a README differs.
 */

import { isAuthError, isBackendError, isRateLimited, TimApiError } from '../../packages/client/src/errors.js';
import { ClientOptionsSchema, defaultSleep, RetryOptionsSchema } from '../../packages/client/src/options.js';
import { RETRYABLE_NETWORK_CODES, RETRYABLE_STATUSES } from '../../packages/client/src/retry.js';
import { CHECKS } from '../../packages/contract-tests/src/run.js';
import { OWN_ERROR_CODES } from '../../packages/mock-server/src/api/own-codes.js';
import { ConfigFileSchema } from '../../packages/mock-server/src/cli/config-file.js';
import { DEMO_APP, RedisOptionsSchema, ServerOptionsSchema } from '../../packages/mock-server/src/options.js';
import {
  AppConfigSchema,
  ERROR_CODE_LIST,
  ERROR_CODES,
  type ErrorClass,
  type ErrorCode,
  errorCodeInfo,
  FAULT_OUTCOMES,
  FaultRuleSchema,
  FIDELITY_NAMES,
  FIDELITY_PROFILES,
  FIDELITY_SETTINGS,
  FidelityBaseSchema,
  type TextSource,
} from '../../packages/schema/src/index.js';
import { code, descriptionOf, markdownTable, optionsTable, shapeOf, typeName, valueText } from './tables.js';

/** One generated README section: `<!-- id:start -->` ... `<!-- id:end -->` in `readme`. */
export interface Section {
  /** The README, relative to the repository root. */
  readme: string;
  id: string;
  render: () => string;
}

const CLASSES: readonly ErrorClass[] = ['request', 'auth', 'rate-limit', 'backend'];
const yesNo = (b: boolean) => (b ? 'yes' : 'no');

/**
 * Where an `ErrorInfo` text comes from, one cell: `observed, R4 (high)` (the row of the project's
 * reference of real answers, and its confidence) or `defined: <what timock wrote it from>`.
 */
function textSource(text: TextSource): string {
  return text.kind === 'observed' ? `observed, ${text.ref} (${text.confidence})` : `defined: ${text.basis}`;
}

/** The whole catalogue, one row per code. */
function catalogueTable(): string {
  return markdownTable(
    ['code', 'class', 'retryable', '`ErrorInfo`', '`ErrorInfo` from', 'meaning'],
    ERROR_CODE_LIST.map((c) => {
      const e = ERROR_CODES[c];
      return [String(c), e.class, yesNo(e.retryable), e.info, textSource(e.text), e.meaning];
    }),
  );
}

/** Every fidelity setting: what it decides, its values, the two profiles' values, and the evidence. */
function fidelityTable(): string {
  const shape = FidelityBaseSchema.shape;
  const rows = FIDELITY_NAMES.map((name) => {
    const setting = FIDELITY_SETTINGS[name];
    const description = descriptionOf(shape[name]);
    if (description === undefined) throw new Error(`fidelity setting ${name} has no description`);
    return [
      code(name),
      setting.behaviour,
      code(typeName(shape[name])),
      code(valueText(FIDELITY_PROFILES.evidence[name])),
      code(valueText(FIDELITY_PROFILES.strict[name])),
      setting.basis,
      description,
      setting.why,
    ];
  });
  return markdownTable(
    ['setting', 'decides', 'values', 'default', '`strict`', 'basis', 'meaning', 'why'],
    rows,
  );
}

/** The codes the fake answers on its own, and what its faults can add. */
function mockServerErrors(): string {
  const own = Object.entries(OWN_ERROR_CODES).map(([c, when]) => {
    const e = ERROR_CODES[Number(c) as ErrorCode];
    return [String(c), e.class, e.info, textSource(e.text), when];
  });
  const faults = shapeOf(FaultRuleSchema);
  const others = ERROR_CODE_LIST.filter((c) => !Object.hasOwn(OWN_ERROR_CODES, c));
  const outcome = (key: string) => {
    const field = faults[key];
    const description = field && descriptionOf(field);
    if (description === undefined) throw new Error(`fault field ${key} has no description`);
    return `- ${code(key)}: ${description}`;
  };
  return [
    'On its own (every answer HTTP 200 with the failure envelope):',
    '',
    markdownTable(['code', 'class', '`ErrorInfo`', '`ErrorInfo` from', 'when'], own),
    '',
    `With a [fault rule](#faults) or the \`x-timock-fault\` header it answers any non-zero code of the catalogue (\`errorCode\`, header \`code=\`), also those it never answers on its own: ${others.join(', ')}. And network-style faults:`,
    '',
    ...[...FAULT_OUTCOMES.filter((o) => o !== 'errorCode'), 'delayMs'].map(outcome),
  ].join('\n');
}

/** How the client classifies: by class, with its guard and what is retried. */
function clientErrors(): string {
  const guards: Partial<Record<ErrorClass, [string, (err: unknown) => boolean]>> = {
    auth: ['isAuthError', isAuthError],
    'rate-limit': ['isRateLimited', isRateLimited],
    backend: ['isBackendError', isBackendError],
  };
  const rows = CLASSES.map((klass) => {
    const codes = ERROR_CODE_LIST.filter((c) => ERROR_CODES[c].class === klass);
    const guard = guards[klass];
    // The guard must say yes to exactly this class's codes (checked here, so the table cannot lie).
    for (const c of ERROR_CODE_LIST) {
      const err = new TimApiError(c, ERROR_CODES[c].info);
      if (guard && guard[1](err) !== codes.includes(c)) throw new Error(`${guard[0]} and code ${c} disagree`);
    }
    const retried = codes.filter((c) => ERROR_CODES[c].retryable);
    const notRetried = codes.filter((c) => !ERROR_CODES[c].retryable);
    return [klass, guard ? code(`${guard[0]}(err)`) : '', retried.join(', '), notRetried.join(', ')];
  });
  const outside = [65000, 99999].map((c) => `${c} is \`${errorCodeInfo(c).class}\``).join(', ');
  const anyRetried = [65000, 99999].some((c) => errorCodeInfo(c).retryable);
  return [
    'A non-zero `ErrorCode` throws `TimApiError` (`code`, `errorClass` and `retryable` from the catalogue of `@timock/schema`):',
    '',
    markdownTable(['class', 'guard', 'retried', 'not retried'], rows),
    '',
    `Codes outside the catalogue are classed by range (e.g. ${outside}) and ${anyRetried ? 'may be' : 'never'} retried.`,
    `\`TimTransportError\` is retried for HTTP ${[...RETRYABLE_STATUSES].join(', ')} (\`TIM_ERR_HTTP_STATUS\`), for timeouts (\`TIM_ERR_TIMEOUT\`) and for network errors with code ${[...RETRYABLE_NETWORK_CODES].map((c) => code(c)).join(', ')} (\`TIM_ERR_NETWORK\`); \`TimResponseError\` and \`TIM_ERR_CLOSED\` never.`,
  ].join('\n');
}

/** What each check of a refused request asserts of its `ErrorCode`. */
function contractErrors(): string {
  const rows = CHECKS.filter((c) => c.expects).map((c) => {
    const e = c.expects!;
    const exact = e.code === undefined ? '' : `${e.code} (${e.codeEverywhere ? 'every target' : 'the fake'})`;
    const everywhere = e.class ? `HTTP 200, a code of class \`${e.class}\`` : 'HTTP 200, a non-zero code';
    return [code(c.id), everywhere, exact];
  });
  return markdownTable(
    ['check', 'asserts against every target', 'asserts the exact `ErrorCode` against'],
    rows,
  );
}

const MOCK = 'packages/mock-server/README.md';
/** Defaults shown by name in the fake's options tables. */
const KNOWN = { DEMO_APP, 'FIDELITY_PROFILES.evidence': FIDELITY_PROFILES.evidence };
const CLIENT = 'packages/client/README.md';

/** Every generated section, in README order. */
export const SECTIONS: readonly Section[] = [
  {
    readme: MOCK,
    id: 'options:ServerOptions',
    render: () => optionsTable({ schema: ServerOptionsSchema, known: KNOWN }),
  },
  {
    readme: MOCK,
    id: 'options:AppConfig',
    render: () =>
      optionsTable({
        schema: AppConfigSchema,
        minimalInput: { sdkappid: 1400000001, secretKey: 'k', admins: ['administrator'] },
        prefix: 'apps[].',
      }),
  },
  {
    readme: MOCK,
    id: 'options:RedisOptions',
    render: () =>
      optionsTable({
        schema: RedisOptionsSchema,
        minimalInput: { url: 'redis://127.0.0.1' },
        prefix: 'redis.',
      }),
  },
  {
    readme: MOCK,
    id: 'options:FaultRule',
    render: () => optionsTable({ schema: FaultRuleSchema, minimalInput: { errorCode: 130011 } }),
  },
  { readme: MOCK, id: 'errors:mock-server', render: mockServerErrors },
  { readme: MOCK, id: 'fidelity:settings', render: fidelityTable },
  {
    readme: MOCK,
    id: 'options:ConfigFile',
    render: () => optionsTable({ schema: ConfigFileSchema, known: KNOWN }),
  },
  { readme: 'packages/schema/README.md', id: 'errors:catalogue', render: catalogueTable },
  {
    readme: CLIENT,
    id: 'options:ClientOptions',
    render: () =>
      optionsTable({
        schema: ClientOptionsSchema,
        minimalInput: { sdkappid: 1400000000, secretKey: 'k' },
        known: { defaultSleep },
      }),
  },
  {
    readme: CLIENT,
    id: 'options:RetryOptions',
    render: () => optionsTable({ schema: RetryOptionsSchema, prefix: 'retry.' }),
  },
  { readme: CLIENT, id: 'errors:client', render: clientErrors },
  { readme: 'packages/contract-tests/README.md', id: 'errors:contract-tests', render: contractErrors },
];
