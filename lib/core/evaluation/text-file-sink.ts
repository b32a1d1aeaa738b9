/** The port `saveAsTextFiles` writes through (S3 in AWS, a map in tests). Writes overwrite. */
export interface TextFileSink {
  /** Writes `text` to `path` (`s3://bucket/key`, or a key in the pipeline's bucket). */
  write(path: string, text: string): Promise<void>;
}
