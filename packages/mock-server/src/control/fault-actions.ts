import { STATUS_CODES } from 'node:http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { sendInjectedFailure, sendStoreFailure } from '../api/refusals.js';
import { newRequestState } from '../request-state.js';
import { type FaultAction, faultReason } from './faults.js';
import type { Journal } from './journal.js';

/** A gateway-like HTML page for an HTTP-status fault, e.g. `502 Bad Gateway`. */
export function gatewayPage(status: number): string {
  const title = `${status} ${STATUS_CODES[status] ?? 'Error'}`;
  return `<html><head><title>${title}</title></head><body><h1>${title}</h1><hr>timock</body></html>\n`;
}

/** Lets the route answer, then sends only the first half of the body and destroys the connection. */
function truncate(reply: FastifyReply): void {
  const res = reply.raw;
  res.end = ((chunk?: unknown) => {
    const body = Buffer.isBuffer(chunk) ? chunk : Buffer.from(typeof chunk === 'string' ? chunk : '');
    res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
    return res;
  }) as typeof res.end;
}

/**
 * What a fired fault does to its request: a delay (held while the server drains, dropped with what is
 * left), then an error code, an HTTP status page, a dropped connection, a truncated answer, or nothing
 * more. Journal entries of dropped requests are written here (they never send an answer).
 */
export class FaultActions {
  readonly #journal: Journal;
  readonly #now: () => number;
  readonly #delays = new Map<NodeJS.Timeout, FastifyRequest>();

  /** @param now - the server's clock, epoch ms */
  constructor(journal: Journal, now: () => number) {
    this.#journal = journal;
    this.#now = now;
  }

  /** Real ms since the request reached its route (Fastify's own timer runs only when logging). */
  latency(request: FastifyRequest, reply: FastifyReply): number {
    return request.timockStart > 0 ? performance.now() - request.timockStart : reply.elapsedTime;
  }

  /** Performs a fault, or goes on when none fired; with replicas, the firing may come as a Promise (70500 when it fails). */
  act(
    request: FastifyRequest,
    reply: FastifyReply,
    action: FaultAction | Promise<FaultAction | undefined> | undefined,
    done: HookHandlerDoneFunction,
  ): void {
    if (action === undefined) {
      done();
      return;
    }
    if (!(action instanceof Promise)) {
      this.#perform(request, reply, action, done);
      return;
    }
    action.then(
      (fired) => (fired === undefined ? done() : this.#perform(request, reply, fired, done)),
      (error: unknown) => {
        request.timock ??= newRequestState(request.query, this.#now());
        sendStoreFailure(request, reply, error);
      },
    );
  }

  /** Drops the requests still held by a delay (call it once every connection is gone). */
  dropDelayed(): void {
    for (const [timer, request] of this.#delays) {
      clearTimeout(timer);
      request.raw.destroy();
    }
    this.#delays.clear();
  }

  #perform(request: FastifyRequest, reply: FastifyReply, action: FaultAction, done: HookHandlerDoneFunction) {
    request.timockFault = action.id;
    request.timock ??= newRequestState(request.query, this.#now());
    request.timock.reason = faultReason(action);
    if (action.delayMs === 0) {
      this.#finish(request, reply, action, done);
      return;
    }
    const timer = setTimeout(() => {
      this.#delays.delete(timer);
      this.#finish(request, reply, action, done);
    }, action.delayMs);
    this.#delays.set(timer, request);
  }

  #finish(request: FastifyRequest, reply: FastifyReply, action: FaultAction, done: HookHandlerDoneFunction) {
    if (action.drop) {
      reply.hijack();
      const state = request.timock;
      if (state !== null) {
        this.#journal.write(state, request.method, 0, this.latency(request, reply), request.timockFault);
      }
      request.raw.destroy();
    } else if (action.errorCode !== undefined) {
      sendInjectedFailure(request, reply, action.errorCode, request.timock!.reason!);
    } else if (action.httpStatus !== undefined) {
      reply
        .code(action.httpStatus)
        .header('content-type', 'text/html; charset=utf-8')
        .send(gatewayPage(action.httpStatus));
    } else {
      if (action.truncate) truncate(reply);
      done();
    }
  }
}
