import { FIELD_NAMES, type JournalEntry, type JournalFilter, SDKAPPID_PATTERN } from '@timock/schema';
import { ALL_FIELDS } from '../api/answers.js';
import { MAX_JOURNAL_SIZE } from '../options.js';

/** Field mask stored for "the body was never read". */
const NO_FIELDS = -1;
/** Code stored for "no ErrorCode" (an HTTP-status fault, a dropped or truncated answer). */
const NO_CODE = -1;

/** What the journal records of one request (the per-request state plus the answer). */
export interface JournalRecord {
  /** Server time when the request arrived, epoch ms. */
  nowMs: number;
  /** The `sdkappid` query value as sent. */
  sdkappid: string | undefined;
  /** The `identifier` query value as sent. */
  identifier: string | undefined;
  /** The field mask of the body, when it was read. */
  fields: number | undefined;
  /** The `ErrorCode` answered, if any. */
  code: number | undefined;
  /** Why the request was refused or faulted, if it was. */
  reason: string | undefined;
}

/** The field names of a field mask, or `null` when the body was never read (mask -1). */
export function fieldNames(mask: number): string[] | null {
  if (mask === NO_FIELDS) return null;
  if (mask === ALL_FIELDS) return [...FIELD_NAMES];
  return FIELD_NAMES.filter((_, i) => (mask & (2 ** i)) !== 0);
}

/** The arguments of {@link Journal.write}. */
export type JournalWrite = (
  record: JournalRecord,
  method: string,
  status: number,
  latencyMs: number,
  fault: string | null,
) => void;

/**
 * The request journal: a ring buffer of the last `capacity` requests, preallocated at construction
 * (typed arrays for the numbers, fixed-size arrays for the string references), so memory is constant
 * and {@link Journal.write} is O(1) and allocates nothing. It stores what the request named (sdkappid,
 * identifier, fields) and how it was answered; it has no slot for a UserSig, a key or a URL.
 */
export class Journal {
  /** How many entries it keeps. */
  readonly capacity: number;
  readonly #time: Float64Array;
  readonly #latency: Float64Array;
  readonly #fields: Int32Array;
  readonly #code: Int32Array;
  readonly #status: Uint16Array;
  readonly #method: (string | undefined)[];
  readonly #sdkappid: (string | undefined)[];
  readonly #identifier: (string | undefined)[];
  readonly #fault: (string | null)[];
  readonly #reason: (string | undefined)[];
  /** How many entries were ever written (the next entry's seq is this + 1). */
  #written = 0;
  /** Entries with a seq at or below this were cleared. */
  #clearedUpTo = 0;
  /** Called after every write with its arguments (replicas copy entries to the shared journal). */
  #tee: JournalWrite | undefined;

  /** @param capacity - entries kept, 1..{@link MAX_JOURNAL_SIZE} */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > MAX_JOURNAL_SIZE) {
      throw new RangeError(`journal size must be an integer from 1 to ${MAX_JOURNAL_SIZE}`);
    }
    this.capacity = capacity;
    this.#time = new Float64Array(capacity);
    this.#latency = new Float64Array(capacity);
    this.#fields = new Int32Array(capacity);
    this.#code = new Int32Array(capacity);
    this.#status = new Uint16Array(capacity);
    this.#method = new Array(capacity).fill(undefined);
    this.#sdkappid = new Array(capacity).fill(undefined);
    this.#identifier = new Array(capacity).fill(undefined);
    this.#fault = new Array(capacity).fill(null);
    this.#reason = new Array(capacity).fill(undefined);
  }

  /**
   * Records one answered request, overwriting the oldest entry when full.
   *
   * @param record - what the request named and the `ErrorCode` answered (the request's `RequestState`)
   * @param method - the HTTP method
   * @param status - the HTTP status, 0 when the connection was dropped
   * @param latencyMs - time to answer, real ms
   * @param fault - the fault rule's id, `header`, or `null`
   */
  write(
    record: JournalRecord,
    method: string,
    status: number,
    latencyMs: number,
    fault: string | null,
  ): void {
    const i = this.#written % this.capacity;
    this.#written++;
    this.#time[i] = record.nowMs;
    this.#method[i] = method;
    this.#sdkappid[i] = record.sdkappid;
    this.#identifier[i] = record.identifier;
    this.#fields[i] = record.fields ?? NO_FIELDS;
    this.#code[i] = record.code ?? NO_CODE;
    this.#status[i] = status;
    this.#latency[i] = latencyMs;
    this.#fault[i] = fault;
    this.#reason[i] = record.reason;
    this.#tee?.(record, method, status, latencyMs, fault);
  }

  /** Calls `tee` after every write, with the write's arguments (one listener; replaces any). */
  onWrite(tee: JournalWrite): void {
    this.#tee = tee;
  }

  /** How many entries it holds now (at most {@link Journal.capacity}). */
  get size(): number {
    return Math.min(this.capacity, this.#written - this.#clearedUpTo);
  }

  /** Forgets every entry; returns how many there were. Sequence numbers keep counting. */
  clear(): number {
    const n = this.size;
    this.#clearedUpTo = this.#written;
    return n;
  }

  #matches(i: number, filter: JournalFilter): boolean {
    if (filter.code !== undefined && this.#code[i] !== filter.code) return false;
    if (filter.since !== undefined && this.#time[i]! < filter.since) return false;
    if (filter.sdkappid !== undefined && this.#sdkappid[i] !== String(filter.sdkappid)) return false;
    return true;
  }

  /** The ring indexes of the entries held, oldest first. */
  *#indexes(): Generator<number> {
    for (let seq = this.#written - this.size; seq < this.#written; seq++) yield seq % this.capacity;
  }

  /** How many held entries match `filter`. */
  count(filter: JournalFilter = {}): number {
    let n = 0;
    for (const i of this.#indexes()) if (this.#matches(i, filter)) n++;
    return n;
  }

  /** The held entries that match `filter`, oldest first; with `limit`, only the newest `limit` of them. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const out: JournalEntry[] = [];
    const first = this.#written - this.size;
    let seq = first;
    for (const i of this.#indexes()) {
      seq++;
      if (this.#matches(i, filter)) out.push(this.#entry(i, seq));
    }
    return filter.limit === undefined ? out : out.slice(Math.max(0, out.length - filter.limit));
  }

  #entry(i: number, seq: number): JournalEntry {
    const sdkappid = this.#sdkappid[i];
    const code = this.#code[i]!;
    return {
      seq,
      time: new Date(this.#time[i]!).toISOString(),
      method: this.#method[i] ?? '',
      sdkappid: sdkappid !== undefined && SDKAPPID_PATTERN.test(sdkappid) ? Number(sdkappid) : null,
      identifier: this.#identifier[i] ?? null,
      fields: fieldNames(this.#fields[i]!),
      code: code === NO_CODE ? null : code,
      status: this.#status[i]!,
      latencyMs: Math.round(this.#latency[i]! * 1000) / 1000,
      fault: this.#fault[i] ?? null,
      reason: this.#reason[i] ?? null,
    };
  }
}
