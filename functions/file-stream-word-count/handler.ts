import { createS3Handler } from '../../lib/handlers';
import { fileStreamWordCount } from '../pipelines/file-stream-word-count';

/** Lambda entry point of the file-stream word count (S3 ObjectCreated notifications of the input bucket). */
export const handler = createS3Handler(fileStreamWordCount);
