import { App, Tags } from 'aws-cdk-lib';
import { SparklessFileStreamWordCountStack } from './stacks/file-stream-word-count-stack';
import { SparklessStatefulWordCountStack } from './stacks/stateful-word-count-stack';

/**
 * The Sparkless CDK app: one stack per seed program. Synthesizes offline (`npm run synth`);
 * bundling runs esbuild locally. Pass a code version with `cdk synth -c codeVersion=$(git rev-parse --short HEAD)`.
 */
const app = new App();
const codeVersion: unknown = app.node.tryGetContext('codeVersion');
const pipeline = typeof codeVersion === 'string' && codeVersion !== '' ? { codeVersion } : {};

new SparklessStatefulWordCountStack(app, 'SparklessStatefulWordCount', { pipeline });
new SparklessFileStreamWordCountStack(app, 'SparklessFileStreamWordCount', { pipeline });

Tags.of(app).add('project', 'sparkless');
