import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';

/** One stored version of an object. */
interface StoredVersion {
  readonly versionId: string;
  readonly eTag: string;
  readonly body: Buffer;
  readonly lastModified: Date;
}

/** What {@link VersionedBucket.put} stored: the ETag (no quotes) and, when versioned, the version id. */
export interface PutVersion {
  readonly eTag: string;
  readonly versionId: string | undefined;
}

/** An error shaped like the SDK's service exceptions (`name` is S3's error code). */
function s3Error(name: string, status: number, message: string): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
}

/**
 * An in-memory S3 bucket for unit tests of the readers: every put of a key adds a version (or, with
 * `versioned: false`, replaces the object, as an unversioned bucket does), and `client` is an
 * `S3Client` stand-in whose GetObject honours `VersionId`, `IfMatch` (412 `PreconditionFailed`) and
 * `Range`, and fails with `NoSuchKey` / `NoSuchVersion` as S3 does.
 *
 * @example
 * const bucket = new VersionedBucket('input');
 * const first = bucket.put('input/a.txt', 'to be\n');
 * await openTextObject(bucket.client, { bucket: 'input', key: 'input/a.txt', ...first, eventTime: 0 });
 */
export class VersionedBucket {
  /** Every GetObject request the client received, in order. */
  public readonly requests: GetObjectCommand['input'][] = [];
  private readonly objects = new Map<string, StoredVersion[]>();
  private puts = 0;

  public constructor(
    public readonly name: string,
    private readonly options: { readonly versioned: boolean } = { versioned: true },
  ) {}

  /** Stores a new version of `key` (the current one from now on). */
  public put(key: string, body: string | Uint8Array): PutVersion {
    const bytes = Buffer.from(body);
    const versioned = this.options.versioned;
    const version: StoredVersion = {
      versionId: versioned ? `v${String(++this.puts).padStart(4, '0')}.${key.length}` : 'null',
      eTag: createHash('md5').update(bytes).digest('hex'),
      body: bytes,
      lastModified: new Date(1_700_000_000_000 + this.puts * 1_000),
    };
    this.objects.set(key, versioned ? [...(this.objects.get(key) ?? []), version] : [version]);
    return { eTag: version.eTag, versionId: versioned ? version.versionId : undefined };
  }

  /** Deletes one version of `key` for good, or (without `versionId`) every version. */
  public delete(key: string, versionId?: string): void {
    const kept = (this.objects.get(key) ?? []).filter(
      (version) => versionId !== undefined && version.versionId !== versionId,
    );
    if (kept.length === 0) this.objects.delete(key);
    else this.objects.set(key, kept);
  }

  /** The `S3Client` stand-in (GetObject only). */
  public get client(): S3Client {
    const send = async (command: GetObjectCommand): Promise<Partial<GetObjectCommandOutput>> => {
      if (!(command instanceof GetObjectCommand)) throw new Error('VersionedBucket serves GetObject only');
      const input = command.input;
      this.requests.push(input);
      if (input.Bucket !== this.name)
        throw s3Error('NoSuchBucket', 404, 'The specified bucket does not exist');
      const versions = this.objects.get(input.Key ?? '');
      const version =
        input.VersionId === undefined
          ? versions?.at(-1)
          : versions?.find((candidate) => candidate.versionId === input.VersionId);
      if (version === undefined) {
        throw input.VersionId === undefined || versions === undefined
          ? s3Error('NoSuchKey', 404, 'The specified key does not exist.')
          : s3Error('NoSuchVersion', 404, 'The specified version does not exist.');
      }
      if (input.IfMatch !== undefined && input.IfMatch.replace(/"/g, '') !== version.eTag) {
        throw s3Error(
          'PreconditionFailed',
          412,
          'At least one of the pre-conditions you specified did not hold',
        );
      }
      const start = Number(/^bytes=(\d+)-$/.exec(input.Range ?? '')?.[1] ?? 0);
      const size = version.body.length;
      return {
        ETag: `"${version.eTag}"`,
        ...(this.options.versioned ? { VersionId: version.versionId } : {}),
        LastModified: version.lastModified,
        ContentLength: size - start,
        ...(input.Range === undefined ? {} : { ContentRange: `bytes ${start}-${size - 1}/${size}` }),
        Body: Readable.from([version.body.subarray(start)]) as GetObjectCommandOutput['Body'],
      };
    };
    return { send } as unknown as S3Client;
  }
}
