/** Configuration of the DynamoDB + S3 emulator process, passed as JSON in its first argument. */
export interface EmulatorHostConfig {
  /** dynalite's LevelDB directory; in memory when absent. */
  readonly dynamodbPath?: string;
  /** s3rver's bucket directory. */
  readonly s3Directory: string;
  /** Domain for virtual-host style S3 addressing. */
  readonly s3ServiceEndpoint: string;
  /** Access keys registered with s3rver up front (any other key id is registered on first use). */
  readonly accessKeys: readonly { readonly accessKeyId: string; readonly secretAccessKey: string }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * Parses and validates {@link EmulatorHostConfig} from JSON.
 *
 * @throws Error naming the invalid field.
 */
export function parseEmulatorHostConfig(text: string): EmulatorHostConfig {
  const value: unknown = JSON.parse(text);
  if (!isRecord(value)) throw new Error(`emulator host config must be a JSON object (given ${text})`);
  const { dynamodbPath, s3Directory, s3ServiceEndpoint, accessKeys } = value;
  if (dynamodbPath !== undefined && typeof dynamodbPath !== 'string') {
    throw new Error('emulator host config: dynamodbPath must be a string');
  }
  if (typeof s3Directory !== 'string') throw new Error('emulator host config: s3Directory must be a string');
  if (typeof s3ServiceEndpoint !== 'string') {
    throw new Error('emulator host config: s3ServiceEndpoint must be a string');
  }
  if (
    !Array.isArray(accessKeys) ||
    !accessKeys.every(
      (key: unknown) =>
        isRecord(key) && typeof key.accessKeyId === 'string' && typeof key.secretAccessKey === 'string',
    )
  ) {
    throw new Error('emulator host config: accessKeys must be a list of { accessKeyId, secretAccessKey }');
  }
  return {
    ...(dynamodbPath === undefined ? {} : { dynamodbPath }),
    s3Directory,
    s3ServiceEndpoint,
    accessKeys,
  };
}
