/**
 * Crash consistency for kinesis-local (used inside the Kinesis emulator process only).
 *
 * kinesis-local keeps streams in memory and writes a snapshot of everything every `PERSIST_INTERVAL`, so a
 * crash loses what it acknowledged since the last snapshot: a producer's put is gone, while a consumer may
 * already have counted it (and kinesis-local hands the lost sequence numbers out again). This module makes
 * it acknowledge nothing that is not on disk:
 *
 * - snapshots are written atomically (to a temporary file, then renamed), so a crash mid-write leaves the
 *   previous snapshot intact instead of a truncated one;
 * - every byte the server writes to a client socket is held until a snapshot taken after it was produced is
 *   complete. Snapshots run one after another, so the second one to complete after a response was produced
 *   began after it: the response (a put's acknowledgement, the records a GetRecords returns) is then durable.
 */
import fs from 'node:fs';
import type { Server, Socket } from 'node:net';

/** The longest an idle emulator goes without a snapshot (a snapshot serializes every stream: CPU). */
const IDLE_SNAPSHOT_DELAY_MS = 5_000;

/**
 * Counts completed snapshots and releases what waits for them. While nothing happens (no request received, no
 * response waiting) it holds the completion of a snapshot back, which pauses kinesis-local's snapshot loop
 * until the next request, so an idle emulator does not serialize its streams several times a second.
 */
class SnapshotLedger {
  #completed = 0;
  #waiters: { readonly until: number; readonly release: () => void }[] = [];
  #activity = false;
  #stopping = false;
  #wake: (() => void) | undefined;

  get completed(): number {
    return this.#completed;
  }

  /** A request arrived or a response is waiting: snapshots must go on. */
  recordActivity(): void {
    this.#activity = true;
    this.#wake?.();
  }

  /** Runs `release` once `count` snapshots have completed in total (at once when stopping: see {@link stopHolding}). */
  whenCompleted(count: number, release: () => void): void {
    if (this.#stopping || this.#completed >= count) release();
    else {
      this.#waiters.push({ until: count, release });
      this.recordActivity();
    }
  }

  /** Resolves when the snapshot just written may count as completed: at once while busy, else on activity. */
  async untilBusy(): Promise<void> {
    if (this.#stopping || this.#activity || this.#waiters.length > 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, IDLE_SNAPSHOT_DELAY_MS);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  /**
   * The process is shutting down gracefully: never hold a snapshot back, and send every held response now.
   * kinesis-local's shutdown first closes its server, which waits for the responses in flight, and then writes
   * its final snapshot: holding them for snapshots would deadlock the stop until it is killed. What they
   * acknowledge is on disk once that final snapshot is written, i.e. once the stop completes.
   */
  stopHolding(): void {
    this.#stopping = true;
    this.#wake?.();
    const waiting = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiting) waiter.release();
  }

  recordCompleted(): void {
    this.#activity = false;
    this.#completed += 1;
    const due = this.#waiters.filter((waiter) => waiter.until <= this.#completed);
    this.#waiters = this.#waiters.filter((waiter) => waiter.until > this.#completed);
    for (const waiter of due) waiter.release();
  }
}

const ledger = new SnapshotLedger();

/** Snapshots that must complete after a response is produced before it may be sent. */
const SNAPSHOTS_PER_ACK = 2;

/**
 * Makes kinesis-local's snapshot at `snapshotPath` atomic (temporary file + rename) and counts completed
 * snapshots. Call before kinesis-local starts.
 */
export function makeSnapshotsAtomic(snapshotPath: string): void {
  const original = fs.createWriteStream;
  const temporaryPath = `${snapshotPath}.tmp`;
  const patched = ((path: fs.PathLike, options?: Parameters<typeof fs.createWriteStream>[1]) => {
    if (String(path) !== snapshotPath) return original(path, options);
    fs.rmSync(temporaryPath, { force: true });
    const stream = original(temporaryPath, options);
    // kinesis-local ends the stream with a callback (and drops other listeners): complete the snapshot there.
    const end = stream.end.bind(stream) as (...args: unknown[]) => fs.WriteStream;
    stream.end = ((...args: unknown[]) => {
      const last = args.at(-1);
      const callback = typeof last === 'function' ? (last as (error?: unknown) => void) : undefined;
      const rest = callback === undefined ? args : args.slice(0, -1);
      return end(...rest, (error?: unknown) => {
        if (error !== undefined && error !== null) {
          callback?.(error);
          return;
        }
        fs.renameSync(temporaryPath, snapshotPath);
        void ledger.untilBusy().then(() => {
          ledger.recordCompleted();
          callback?.();
        });
      });
    }) as fs.WriteStream['end'];
    return stream;
  }) as typeof fs.createWriteStream;
  fs.createWriteStream = patched;
}

/** Holds every write to the sockets `server` accepts until the data it acknowledges is in a snapshot. */
export function holdResponsesUntilDurable(server: Server): void {
  server.on('connection', (socket: Socket) => {
    socket.on('data', () => ledger.recordActivity());
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    const end = socket.end.bind(socket) as (...args: unknown[]) => Socket;
    let queue: Promise<void> = Promise.resolve();
    /** Runs `send` after everything queued before it, once the snapshots it needs completed (if it carries data). */
    const enqueue = (carriesData: boolean, send: () => void): void => {
      const until = ledger.completed + SNAPSHOTS_PER_ACK;
      queue = queue.then(
        () =>
          new Promise<void>((resolve) => {
            const go = (): void => {
              if (!socket.destroyed) send();
              resolve();
            };
            if (carriesData) ledger.whenCompleted(until, go);
            else go();
          }),
      );
    };
    socket.write = ((...args: unknown[]) => {
      enqueue(true, () => write(...args));
      return true;
    }) as Socket['write'];
    // end(data) writes without going through write(), and end() must not overtake held writes.
    socket.end = ((...args: unknown[]) => {
      const [first] = args;
      enqueue(first !== undefined && typeof first !== 'function', () => end(...args));
      return socket;
    }) as Socket['end'];
  });
}

/** Lets a held-back snapshot complete now (before a graceful shutdown, which waits for the snapshot loop). */
export function stopHoldingSnapshots(): void {
  ledger.stopHolding();
}
