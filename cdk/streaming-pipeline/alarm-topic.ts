import type { RemovalPolicy } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';

/** Options of {@link createAlarmTopic}. */
export interface AlarmTopicOptions {
  /** The pipeline (plan) name, for the topic's display name. */
  readonly pipelineName: string;
  /** The key's removal policy (the topic itself holds no data). */
  readonly removalPolicy: RemovalPolicy;
  /**
   * The topic to use instead of creating one.
   *
   * @default a new topic
   */
  readonly topic?: sns.ITopic;
  /**
   * An email address to subscribe.
   *
   * @default no subscription
   */
  readonly email?: string;
}

/**
 * Returns the pipeline's alarm topic: the given one, or a new SSL-only topic encrypted with a
 * customer-managed key. CloudWatch cannot publish to a topic encrypted with the AWS-managed
 * `alias/aws/sns` key (its policy cannot be changed), so the key lets `cloudwatch.amazonaws.com`
 * use it, and nothing else beyond the account.
 *
 * @param scope - the pipeline construct
 * @param options - the pipeline name, the given topic and the email address
 */
export function createAlarmTopic(scope: Construct, options: AlarmTopicOptions): sns.ITopic {
  const topic = options.topic ?? newTopic(scope, options);
  if (options.email !== undefined) {
    topic.addSubscription(new subscriptions.EmailSubscription(options.email));
  }
  return topic;
}

function newTopic(scope: Construct, options: AlarmTopicOptions): sns.Topic {
  const key = new kms.Key(scope, 'AlarmTopicKey', {
    description: `Sparkless pipeline ${options.pipelineName}: encrypts its alarm topic`,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
  return new sns.Topic(scope, 'AlarmTopic', {
    displayName: `Sparkless ${options.pipelineName} alarms`.slice(0, 100),
    masterKey: key,
    enforceSSL: true,
  });
}

/**
 * Sends every alarm's ALARM and OK state changes to the topic, so the person paged also learns when
 * it recovers.
 *
 * @param alarms - the pipeline's alarms
 * @param topic - the alarm topic
 */
export function notifyOnAlarmAndOk(alarms: readonly cloudwatch.Alarm[], topic: sns.ITopic): void {
  const action = new cloudwatchActions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
