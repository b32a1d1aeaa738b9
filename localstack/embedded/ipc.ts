/**
 * Messages exchanged over the IPC channel between {@link startEmbeddedStack} and its emulator processes.
 * Both sides import this file, so the protocol has one definition.
 */

/** Sent by an emulator process once it accepts connections, with the ports it listens on. */
export interface ReadyMessage {
  /** Discriminator. */
  readonly type: 'ready';
  /** Named ports, e.g. `{ plain: 4568, tls: 4567 }` or `{ dynamodb: 35000, s3: 35001 }`. */
  readonly ports: Readonly<Record<string, number>>;
}

/** Sent by an emulator process that failed to start, before it exits. */
export interface FailedMessage {
  /** Discriminator. */
  readonly type: 'failed';
  /** What went wrong. */
  readonly reason: string;
}

/** Sent by the parent to ask an emulator process to flush its data and exit. */
export interface StopMessage {
  /** Discriminator. */
  readonly type: 'stop';
}

/** Any message an emulator process sends. */
export type ChildMessage = ReadyMessage | FailedMessage;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Narrows an IPC payload to a {@link ChildMessage}. */
export function isChildMessage(value: unknown): value is ChildMessage {
  if (!isRecord(value)) return false;
  if (value.type === 'failed') return typeof value.reason === 'string';
  if (value.type !== 'ready' || !isRecord(value.ports)) return false;
  return Object.values(value.ports).every((port) => Number.isInteger(port));
}

/** Narrows an IPC payload to a {@link StopMessage}. */
export function isStopMessage(value: unknown): value is StopMessage {
  return isRecord(value) && value.type === 'stop';
}

/** Sends a message to the parent if the IPC channel is still open; resolves once it is handed over. */
export function sendToParent(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send || !process.connected) {
      resolve();
      return;
    }
    process.send(message, undefined, undefined, () => resolve());
  });
}
