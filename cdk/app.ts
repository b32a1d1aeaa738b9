import { App, Tags } from 'aws-cdk-lib';
import { createSeedStacks } from './stacks';

/**
 * The Sparkless CDK app: one stack per seed program (`Sparkless<PascalName>`, see
 * `cdk/stacks/seed-pipelines.ts`). Synthesizes offline (`npm run synth`); bundling runs esbuild
 * locally, once per function (about 1 s each); `cdk synth -e SparklessWordCount` (`--exclusively`)
 * bundles only the selected stack.
 * Pass a code version with `cdk synth -c codeVersion=$(git rev-parse --short HEAD)`.
 */
const app = new App();
const codeVersion: unknown = app.node.tryGetContext('codeVersion');
createSeedStacks(app, {
  pipeline: typeof codeVersion === 'string' && codeVersion !== '' ? { codeVersion } : {},
});

Tags.of(app).add('project', 'sparkless');
