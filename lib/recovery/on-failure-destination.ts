import { DeleteMessageCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { getJson, type ObjectStore, putJson } from '../storage';

/** One message of an on-failure destination. */
export interface FailureMessage {
  /** Where it is: the SQS message id, or the object key. */
  readonly id: string;
  /** The parsed JSON body (a Lambda failure record). */
  readonly body: unknown;
}

/**
 * The port `recover` reads discarded batches from: one adapter per destination kind (an SQS
 * queue, an S3 prefix). A message is marked done only after what it points to is committed.
 */
export interface OnFailureDestination {
  /** For messages, e.g. `sqs://queue-url` or `s3://bucket/prefix`. */
  readonly description: string;
  /** The messages not marked done yet (each once per call). */
  receive(): Promise<FailureMessage[]>;
  /** Marks a message recovered: it is not returned again. */
  done(message: FailureMessage): Promise<void>;
}

/** Options of {@link SqsOnFailureDestination}. */
export interface SqsOnFailureDestinationOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /**
   * How long a received message stays invisible to other readers while recover works on it; a
   * message not deleted by then (recover crashed) becomes visible again.
   *
   * @default 900
   */
  readonly visibilityTimeoutSeconds?: number;
}

/**
 * The SQS queue of the pipeline (the construct's `deadLetterQueue`): received with a visibility
 * timeout, deleted when done.
 */
export class SqsOnFailureDestination implements OnFailureDestination {
  public readonly description: string;
  private readonly receipts = new Map<string, string>();

  public constructor(private readonly options: SqsOnFailureDestinationOptions) {
    this.description = options.queueUrl;
  }

  public async receive(): Promise<FailureMessage[]> {
    const messages: FailureMessage[] = [];
    for (;;) {
      const response = await this.options.client.send(
        new ReceiveMessageCommand({
          QueueUrl: this.options.queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          VisibilityTimeout: this.options.visibilityTimeoutSeconds ?? 900,
        }),
      );
      const received = response.Messages ?? [];
      if (received.length === 0) return messages;
      for (const message of received) {
        const id = message.MessageId ?? message.ReceiptHandle ?? '';
        if (message.ReceiptHandle !== undefined) this.receipts.set(id, message.ReceiptHandle);
        messages.push({ id, body: parseBody(message.Body) });
      }
    }
  }

  public async done(message: FailureMessage): Promise<void> {
    const receiptHandle = this.receipts.get(message.id);
    if (receiptHandle === undefined) return;
    await this.options.client.send(
      new DeleteMessageCommand({ QueueUrl: this.options.queueUrl, ReceiptHandle: receiptHandle }),
    );
    this.receipts.delete(message.id);
  }
}

function parseBody(body: string | undefined): unknown {
  try {
    return JSON.parse(body ?? '');
  } catch {
    return body;
  }
}

/** The sub-prefix under which {@link ObjectStoreOnFailureDestination} marks records recovered. */
export const RECOVERED_MARKER_PREFIX = 'recovered/';

/**
 * Failure records as objects under a prefix (Lambda's S3 on-failure destination; the local event
 * source mapping writes the same records under `on-failure/<namespace>/`). A recovered record gets a
 * marker object under `<prefix>recovered/` (the record itself is kept for audit).
 */
export class ObjectStoreOnFailureDestination implements OnFailureDestination {
  public readonly description: string;

  public constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
    description?: string,
  ) {
    this.description = description ?? prefix;
  }

  public async receive(): Promise<FailureMessage[]> {
    const keys = await this.store.list(this.prefix);
    const markers = this.prefix + RECOVERED_MARKER_PREFIX;
    const recovered = new Set(
      keys.filter((key) => key.startsWith(markers)).map((key) => this.prefix + key.slice(markers.length)),
    );
    const pending = keys.filter((key) => !key.startsWith(markers) && !recovered.has(key));
    const messages: FailureMessage[] = [];
    for (const key of pending) {
      const body = await getJson<unknown>(this.store, key);
      if (body !== undefined) messages.push({ id: key, body });
    }
    return messages;
  }

  public async done(message: FailureMessage): Promise<void> {
    const rest = message.id.slice(this.prefix.length);
    await putJson(this.store, `${this.prefix}${RECOVERED_MARKER_PREFIX}${rest}`, {
      record: message.id,
      recoveredAt: new Date().toISOString(),
    });
  }
}
