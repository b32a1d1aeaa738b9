import { App, Tags } from 'aws-cdk-lib';
import { SparklessStatefulWordCountStack } from './stacks/stateful-word-count-stack';

/**
 * The Sparkless CDK app. Synthesizes offline (`npm run synth`); bundling runs esbuild locally.
 * Pass a code version with `cdk synth -c codeVersion=$(git rev-parse --short HEAD)`.
 */
const app = new App();
const codeVersion: unknown = app.node.tryGetContext('codeVersion');

new SparklessStatefulWordCountStack(app, 'SparklessStatefulWordCount', {
  pipeline: typeof codeVersion === 'string' && codeVersion !== '' ? { codeVersion } : {},
});

Tags.of(app).add('project', 'sparkless');
