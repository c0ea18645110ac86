import type { Exchange } from './target.js';

/** What a diagnosis knows of the run: the target, how the UserSig was made, and the well-formed call's answer. */
export interface DiagnosisInput {
  /** The target's origin, e.g. `https://adminapisgp.im.qcloud.com`. */
  origin: string;
  sdkappid: number;
  identifier: string;
  /** True when the UserSig was given (`--usersig`, `TIM_USERSIG`), not signed with a key. */
  givenUserSig: boolean;
  /** The answer to the well-formed signed call, or the error that kept it from coming back. */
  answer: Exchange | { error: string };
  /** How many checks failed. */
  failures: number;
}

/**
 * One line naming the shared cause when the well-formed, signed call itself was refused or never came
 * back (then most failures are that one cause, not many), and what to check; `undefined` when the call
 * succeeded or nothing failed.
 *
 * @example
 * // 'every signed call was refused with 70009: the secret key does not match app 1400000000; check --secret-key / TIM_SECRET_KEY'
 */
export function diagnose(input: DiagnosisInput): string | undefined {
  const { answer, sdkappid, identifier, failures } = input;
  if (failures === 0) return undefined;
  if ('error' in answer) {
    return `the target ${input.origin} could not be reached (${answer.error}); check --base-url / TIM_BASE_URL or --region / TIM_REGION, and that it is up`;
  }
  if (answer.status !== 200) {
    return `the target ${input.origin} answered HTTP ${answer.status} to a well-formed call; check --base-url / TIM_BASE_URL (the path is added: give the origin only)`;
  }
  const code = (answer.json as { ErrorCode?: unknown } | undefined)?.ErrorCode;
  if (typeof code !== 'number' || code === 0) return undefined;
  const sig = input.givenUserSig ? '--usersig / TIM_USERSIG' : '--secret-key / TIM_SECRET_KEY';
  const why: Record<number, string> = {
    70009: `the secret key does not match app ${sdkappid}; check ${sig}`,
    70020: `the target does not know app ${sdkappid}; check --sdkappid / TIM_SDKAPPID and the region (an app answers only on its own region's domain)`,
    70016: `app ${sdkappid} is not served on this domain; check --region / TIM_REGION`,
    70001: `the UserSig has expired; make a new one (${sig})`,
    70003: `the UserSig is not valid; check ${sig}`,
    70013: `the UserSig was made for another identifier; check --identifier / TIM_IDENTIFIER ('${identifier}')`,
    70014: `the UserSig was made for another app; check --sdkappid / TIM_SDKAPPID and ${sig}`,
    60010: `'${identifier}' is not an admin of app ${sdkappid}; check --identifier / TIM_IDENTIFIER`,
    60007: 'the rate limit was reached before the suite started; wait a second and run again',
  };
  const info = (answer.json as { ErrorInfo?: unknown }).ErrorInfo;
  const cause =
    why[code] ?? `ErrorInfo ${JSON.stringify(typeof info === 'string' ? info.slice(0, 120) : info)}`;
  return `every signed call was refused with ${code}: ${cause}`;
}
