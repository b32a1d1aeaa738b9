/**
 * `npm run localstack`: runs the embedded local stack in the foreground until Ctrl-C / SIGTERM.
 *
 * Options: `--port <n>` (default 4566), `--data-dir <dir>` (default `.data/localstack`),
 * `--region <r>` (default us-east-1), `--ephemeral` (temporary data, deleted on exit), `--verbose`.
 */
import { parseArgs } from 'node:util';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_PORT,
  DEFAULT_REGION,
  LocalStackError,
  startEmbeddedStack,
} from './embedded/index.js';
import { watchOwner } from './embedded/owner-watch.js';

const USAGE = `Usage: npm run localstack -- [--port ${DEFAULT_PORT}] [--data-dir ${DEFAULT_DATA_DIR}] [--region ${DEFAULT_REGION}] [--ephemeral] [--verbose]`;

function parseCliOptions() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      region: { type: 'string' },
      ephemeral: { type: 'boolean', default: false },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  return {
    help: values.help,
    port: values.port === undefined ? undefined : Number(values.port),
    dataDir: values['data-dir'],
    region: values.region,
    persist: !values.ephemeral,
    verbose: values.verbose,
  };
}

function examples(endpoint: string, region: string): string {
  const env = `AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_DEFAULT_REGION=${region}`;
  const aws = `aws --endpoint-url ${endpoint}`;
  return [
    `  export ${env}`,
    `  ${aws} kinesis create-stream --stream-name events --shard-count 1`,
    `  ${aws} kinesis list-streams`,
    `  ${aws} dynamodb list-tables`,
    `  ${aws} s3 mb s3://my-bucket && ${aws} s3 ls`,
    `  curl ${endpoint}/_localstack/health`,
    '',
    `  SDK: createAwsClients({ endpoint: '${endpoint}' }) from localstack/clients.ts, or AWS_ENDPOINT_URL=${endpoint}`,
  ].join('\n');
}

async function main(): Promise<void> {
  const options = parseCliOptions();
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const stack = await startEmbeddedStack({
    ...(options.port === undefined ? {} : { port: options.port }),
    ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }),
    ...(options.region === undefined ? {} : { region: options.region }),
    persist: options.persist,
    verbose: options.verbose,
  });
  console.log(`Embedded local stack ready in ${stack.startupMs} ms at ${stack.endpoint}`);
  console.log(`  kinesis  -> ${stack.services.kinesis.endpoint} (${stack.services.kinesis.engine})`);
  console.log(`  dynamodb -> ${stack.services.dynamodb.endpoint} (${stack.services.dynamodb.engine})`);
  console.log(`  s3       -> ${stack.services.s3.endpoint} (${stack.services.s3.engine})`);
  console.log(`  data     -> ${stack.dataDir}${stack.persistent ? '' : ' (temporary, deleted on exit)'}`);
  console.log(`\nTry:\n${examples(stack.endpoint, stack.region)}\n\nCtrl-C to stop.`);

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping (flushing data)...`);
    stack.stop().then(
      () => {
        console.log('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  // `npm run localstack` does not pass SIGTERM on: stop when npm (or the parent) is gone.
  watchOwner(() => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  if (error instanceof LocalStackError) console.error(`${error.code}: ${error.message}\n${USAGE}`);
  else console.error(error);
  process.exit(1);
});
