import type { LedgerEntry, PartitionLedgerStore } from '../../lib/ledger';
import type { KeyedStateStore, PutResult, StoredState } from '../../lib/state';
import type { ObjectStore } from '../../lib/storage';
import type { WindowProgressStore } from '../../lib/windows';
import type { SeededRandom } from './random';

/** The error a simulated crash throws. */
export class InjectedCrash extends Error {
  public constructor(where: string) {
    super(`injected crash ${where}`);
    this.name = 'InjectedCrash';
  }
}

/**
 * Decides, for every call through a faulty port, whether the "process" dies before the
 * call takes effect, after it took effect, or not at all; and yields to other tasks at
 * random so concurrent attempts interleave.
 */
export class FaultInjector {
  /** Crashes injected so far. */
  public crashes = 0;
  /** While false, no faults are injected (used to let a trial drain). */
  public enabled = true;

  public constructor(
    private readonly random: SeededRandom,
    private readonly crashProbability: number,
  ) {}

  /** Runs `write`, crashing before or after it at random. */
  public async write<T>(name: string, write: () => Promise<T>): Promise<T> {
    await this.yieldSometimes();
    if (this.shouldCrash()) throw new InjectedCrash(`before ${name}`);
    const result = await write();
    await this.yieldSometimes();
    if (this.shouldCrash()) throw new InjectedCrash(`after ${name}`);
    return result;
  }

  /** Runs `read`, crashing before it at a lower rate. */
  public async read<T>(name: string, read: () => Promise<T>): Promise<T> {
    await this.yieldSometimes();
    if (this.enabled && this.random.chance(this.crashProbability / 4)) {
      this.crashes++;
      throw new InjectedCrash(`before ${name}`);
    }
    return read();
  }

  private shouldCrash(): boolean {
    if (!this.enabled || !this.random.chance(this.crashProbability / 2)) return false;
    this.crashes++;
    return true;
  }

  private async yieldSometimes(): Promise<void> {
    const turns = this.random.int(0, 3);
    for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/** A {@link KeyedStateStore} whose calls crash at random. */
export function faultyStateStore(inner: KeyedStateStore, faults: FaultInjector): KeyedStateStore {
  return {
    getMany: (operatorId, keyIds) => faults.read('state.getMany', () => inner.getMany(operatorId, keyIds)),
    get: (operatorId, keyId) => faults.read('state.get', () => inner.get(operatorId, keyId)),
    put: (operatorId, keyId, next: StoredState, expected, expiresAt): Promise<PutResult> =>
      faults.write('state.put', () => inner.put(operatorId, keyId, next, expected, expiresAt)),
    queryGroup: (operatorId, group) =>
      faults.read('state.queryGroup', () => inner.queryGroup(operatorId, group)),
    scan: (operatorId) => inner.scan(operatorId),
  };
}

/** A {@link PartitionLedgerStore} whose calls crash at random. */
export function faultyLedgerStore(inner: PartitionLedgerStore, faults: FaultInjector): PartitionLedgerStore {
  return {
    read: (partition) => faults.read('ledger.read', () => inner.read(partition)),
    write: (partition, next: LedgerEntry, expected) =>
      faults.write('ledger.write', () => inner.write(partition, next, expected)),
    readAll: () => faults.read('ledger.readAll', () => inner.readAll()),
  };
}

/** An {@link ObjectStore} (write-ahead log, dead letters, states too large for an item) whose calls crash at random. */
export function faultyObjectStore(inner: ObjectStore, faults: FaultInjector): ObjectStore {
  return {
    put: (key, body, contentType) => faults.write('objects.put', () => inner.put(key, body, contentType)),
    get: (key) => faults.read('objects.get', () => inner.get(key)),
    list: (prefix) => inner.list(prefix),
    delete: (key) => faults.write('objects.delete', () => inner.delete(key)),
  };
}

/** A {@link WindowProgressStore} whose calls crash at random. */
export function faultyProgressStore(inner: WindowProgressStore, faults: FaultInjector): WindowProgressStore {
  return {
    read: (operatorId) => faults.read('progress.read', () => inner.read(operatorId)),
    addPanes: (operatorId, panes) =>
      faults.write('progress.addPanes', () => inner.addPanes(operatorId, panes)),
    removePanes: (operatorId, panes) =>
      faults.write('progress.removePanes', () => inner.removePanes(operatorId, panes)),
    advanceFrontier: (operatorId, end) =>
      faults.write('progress.advanceFrontier', () => inner.advanceFrontier(operatorId, end)),
    readClockFloor: () => faults.read('progress.readClockFloor', () => inner.readClockFloor()),
    raiseClockFloor: (to) => faults.write('progress.raiseClockFloor', () => inner.raiseClockFloor(to)),
    readBuckets: (indexId) => faults.read('progress.readBuckets', () => inner.readBuckets(indexId)),
    addBuckets: (indexId, buckets) =>
      faults.write('progress.addBuckets', () => inner.addBuckets(indexId, buckets)),
    removeBucket: (indexId, bucket, version) =>
      faults.write('progress.removeBucket', () => inner.removeBucket(indexId, bucket, version)),
  };
}
