import { FidelitySchema, GETAPPINFO_PATH, REGION_IDS, regionOrigin } from '@timock/schema';
import { Agent, request } from 'undici';
import { z } from 'zod';

/**
 * What the contract runs against. `kind: 'mock'` makes every check strict; `kind: 'real'` turns the
 * checks of behaviour that only this project defines into observations.
 */
export const TargetSchema = z
  .object({
    kind: z.enum(['mock', 'real']).default('real'),
    /** The origin to call, e.g. `http://127.0.0.1:8080`; or give `region`. */
    baseUrl: z.url().optional(),
    region: z.enum(REGION_IDS as [string, ...string[]]).optional(),
    sdkappid: z.number().int().positive(),
    identifier: z.string().min(1).default('administrator'),
    /** The app's secret key: lets the suite sign its own UserSigs (and the expired/other-identifier ones). */
    secretKey: z.string().min(1).optional(),
    /** A ready UserSig, when no secret key is given. */
    userSig: z.string().min(1).optional(),
    /** A PEM CA certificate to trust (an HTTPS fake with a self-signed certificate). */
    ca: z.string().optional(),
    /** The target's calls-per-second limit, for the aggressive rate-limit check. */
    rateLimitPerSecond: z.number().int().positive().default(200),
    /** Per-request timeout in ms. */
    timeoutMs: z.number().int().positive().default(10_000),
    /**
     * The fake's `fidelity` settings (the `evidence` profile by default): against a fake, the fidelity
     * checks expect them; against a real endpoint, the report shows them beside the values seen.
     */
    fidelity: FidelitySchema.prefault({}),
  })
  .refine((t) => t.secretKey || t.userSig, { message: 'give secretKey or userSig' })
  .refine((t) => !(t.baseUrl && t.region), { message: 'give baseUrl or region, not both' });

/** A target as given by a user. */
export type TargetInput = z.input<typeof TargetSchema>;
/** A validated target. */
export type Target = z.output<typeof TargetSchema>;

/** One HTTP exchange, as a check sees it. */
export interface Exchange {
  /** What was sent: method, path and query (UserSig redacted) and body. */
  readonly request: { method: string; url: string; body: string };
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
  /** The parsed body, or `undefined` when it is not JSON. */
  readonly json: unknown;
}

/** How one request differs from a well-formed getappinfo call. */
export interface Send {
  method?: string;
  path?: string;
  /** Query parameters to set (`undefined` removes one); the rest are the well-formed defaults. */
  query?: Record<string, string | undefined>;
  /** The raw body; default `{}`. */
  body?: string;
}

/** The UserSig parameter's value in anything a report shows. */
export const REDACTED = '[redacted]';

/** Sends requests to one target over one connection pool. */
export class Transport {
  readonly origin: string;
  readonly #agent: Agent;
  readonly #timeoutMs: number;
  /** Every UserSig sent so far, so that reports can redact them wherever a target echoes one. */
  readonly sentUserSigs = new Set<string>();

  constructor(target: Target) {
    this.origin = (target.baseUrl ?? regionOrigin((target.region ?? 'china') as never)).replace(/\/+$/, '');
    this.#timeoutMs = target.timeoutMs;
    this.#agent = new Agent({
      connections: 64,
      connect: target.ca ? { ca: target.ca } : {},
    });
  }

  /** Sends one request and reads the whole answer; never throws for an HTTP status. */
  async send(base: Record<string, string>, s: Send = {}): Promise<Exchange> {
    const query = { ...base, ...s.query };
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, v);
    const path = s.path ?? `/${GETAPPINFO_PATH}`;
    const method = s.method ?? 'POST';
    const body = s.body ?? '{}';
    const url = `${this.origin}${path}?${params}`;
    const res = await request(url, {
      method: method as 'POST',
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
      headers: { 'content-type': 'application/json' },
      dispatcher: this.#agent,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    });
    const text = await res.body.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const sig = params.get('usersig');
    if (sig) this.sentUserSigs.add(sig);
    const shown = new URLSearchParams(params);
    if (shown.has('usersig')) shown.set('usersig', REDACTED);
    return {
      request: { method, url: `${path}?${shown.toString().replace('%5Bredacted%5D', REDACTED)}`, body },
      status: res.statusCode,
      contentType: String(res.headers['content-type'] ?? ''),
      text,
      json,
    };
  }

  /** Closes the connection pool. */
  close(): Promise<void> {
    return this.#agent.close();
  }
}
