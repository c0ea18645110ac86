import { randomUUID } from 'node:crypto';
import type { SharedControl } from '../store.js';
import type { RedisConnection, RedisScript } from './connection.js';
import CLAIM_LUA from './control-claim.lua';
import DROP_LUA from './control-drop.lua';
import PUT_LUA from './control-put.lua';

/** A listener of {@link SharedControl.listen}. */
type ControlListener = (part: string, value: unknown) => void | Promise<void>;

/**
 * The control plane's parts in Redis (`<prefix>:control`, a hash of JSON) and the fault rules' firing
 * counters (`<prefix>:fired`, `<prefix>:draws`). Every change is published on `<prefix>:changes` by the
 * script that makes it, so every replica hears the changes in the order they were made. The control
 * half of {@link SharedControl}; the journal half is `RedisJournal`.
 */
export class RedisControl
  implements Pick<SharedControl, 'put' | 'drop' | 'snapshot' | 'listen' | 'claim' | 'fired'>
{
  readonly #connection: RedisConnection;
  readonly #channel: string;
  readonly #listeners: ControlListener[] = [];
  /** put/drop calls waiting for their own change to come back, by nonce. */
  readonly #echoes = new Map<string, () => void>();
  readonly #put: RedisScript<number>;
  readonly #drop: RedisScript<number>;
  readonly #claim: RedisScript<number>;

  constructor(connection: RedisConnection) {
    this.#connection = connection;
    this.#channel = connection.key('changes');
    this.#put = connection.script('timockPut', 1, PUT_LUA);
    this.#drop = connection.script('timockDrop', 3, DROP_LUA);
    this.#claim = connection.script('timockClaim', 3, CLAIM_LUA);
    connection.subscribe(this.#channel, {
      message: (text) => this.#onMessage(text),
      resubscribed: () => Promise.all(this.#emit('*', undefined)),
    });
  }

  async put(part: string, value: unknown): Promise<void> {
    const json = value === undefined ? '' : JSON.stringify(value);
    const parts = this.#connection.key('control');
    await this.#published((nonce) => this.#put([parts], [this.#channel, nonce, part, json]));
  }

  async drop(prefix: string, options: { counters?: boolean } = {}): Promise<void> {
    const keys = ['control', 'fired', 'draws'].map((name) => this.#connection.key(name));
    const counters = options.counters ? '1' : '';
    await this.#published((nonce) => this.#drop(keys, [this.#channel, nonce, prefix, counters]));
  }

  async snapshot(): Promise<Map<string, unknown>> {
    const all = await this.#connection.run((redis) => redis.hgetall(this.#connection.key('control')));
    return new Map(Object.entries(all).map(([part, json]) => [part, JSON.parse(json)]));
  }

  listen(listener: ControlListener): void {
    this.#listeners.push(listener);
  }

  claim(
    id: string,
    part: string,
    rule: { times?: number; probability?: number; seed?: number },
  ): Promise<number> {
    const keys = ['fired', 'draws', 'control'].map((name) => this.#connection.key(name));
    return this.#claim(keys, [
      id,
      part,
      rule.times === undefined ? '' : String(rule.times),
      rule.probability === undefined ? '' : String(rule.probability),
      String(rule.seed ?? 1),
    ]);
  }

  async fired(): Promise<Map<string, number>> {
    const all = await this.#connection.run((redis) => redis.hgetall(this.#connection.key('fired')));
    return new Map(Object.entries(all).map(([id, n]) => [id, Number(n)]));
  }

  /** Runs a publishing script and waits until its change came back on this replica's subscription (at most the command timeout). */
  async #published(command: (nonce: string) => Promise<number>): Promise<void> {
    const nonce = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const echoed = new Promise<void>((resolve) => {
      this.#echoes.set(nonce, resolve);
      timer = setTimeout(resolve, this.#connection.commandTimeoutMs);
    });
    try {
      await command(nonce);
      await echoed;
    } finally {
      clearTimeout(timer);
      this.#echoes.delete(nonce);
    }
  }

  /** A change from any replica: "nonce\npart\nvalue" (empty value = removed; part `*` = reload). */
  #onMessage(message: string): void {
    const first = message.indexOf('\n');
    const second = message.indexOf('\n', first + 1);
    if (first < 0 || second < 0) return;
    const nonce = message.slice(0, first);
    const part = message.slice(first + 1, second);
    const json = message.slice(second + 1);
    let value: unknown;
    try {
      value = json === '' ? undefined : JSON.parse(json);
    } catch {
      return;
    }
    this.#emit(part, value);
    this.#echoes.get(nonce)?.();
  }

  #emit(part: string, value: unknown): (void | Promise<void>)[] {
    return this.#listeners.map((listener) => listener(part, value));
  }
}
