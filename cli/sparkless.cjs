#!/usr/bin/env node
// The `sparkless` command (package.json "bin"): runs the TypeScript CLI through tsx, as `npm start` does.
'use strict';
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
require('tsx/cjs/api').register();
require('./main.ts')
  .main()
  .catch((error) => {
    process.stderr.write(`sparkless: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
