import { SQSClient } from '@aws-sdk/client-sqs';
import { type RecoveryReport, recoverPipeline } from '../../lib/recovery';
import { createAwsClients } from '../../localstack/clients';
import { findPipeline } from '../pipelines';
import { resolveTarget, type TargetOptions } from '../target';
import type { CommandIo } from './io';

/** Options of `sparkless recover`: where the pipeline runs, and where its code is. */
export interface RecoverCommandOptions extends TargetOptions {
  /** A file exporting the pipeline, when it is not a seed. @default the seed pipelines */
  readonly module?: string;
}

/**
 * `sparkless recover <pipeline>`: processes every batch the pipeline's event source mapping discarded
 * (or every S3 event Lambda gave up on), exactly once; returns the exit code (0 when everything was
 * recovered, 1 when records expired or a batch failed).
 */
export async function recoverCommand(
  pipelineName: string,
  options: RecoverCommandOptions,
  io: CommandIo,
): Promise<number> {
  const pipeline = await findPipeline(pipelineName, options.module);
  const target = await resolveTarget(pipelineName, options, io.env);
  const clients = createAwsClients({
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.region === undefined ? {} : { region: target.region }),
  });
  const { onFailure } = target.location;
  io.out(
    `recovering ${pipelineName} on ${target.source}: discarded batches from ${
      onFailure.kind === 'sqs' ? onFailure.queueUrl : `s3://${onFailure.bucket}/${onFailure.prefix}`
    }`,
  );
  const report = await recoverPipeline({
    pipeline,
    location: target.location,
    clients: {
      ...clients,
      ...(onFailure.kind === 'sqs'
        ? { sqs: new SQSClient(target.region === undefined ? {} : { region: target.region }) }
        : {}),
    },
    log: io.out,
    print: () => undefined,
    metrics: { record: () => undefined, recordFailure: () => undefined },
  });
  return finish(report, io);
}

function finish(report: RecoveryReport, io: CommandIo): number {
  io.out(
    `${report.messages.length} discarded batch(es): ${report.processed} record(s) processed, ${report.expired} expired, ${report.failed} failed`,
  );
  if (report.expired > 0) {
    io.err(
      `sparkless: ${report.expired} record(s) had expired from the stream and were never processed: they are lost; their messages are kept (delete them once accounted for)`,
    );
  }
  if (report.failed > 0) {
    io.err(`sparkless: ${report.failed} batch(es) failed (see above): fix the cause and run recover again`);
  }
  return report.ok ? 0 : 1;
}
