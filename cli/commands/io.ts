/** Where a command writes, and the environment it reads. */
export interface CommandIo {
  /** One line of normal output. */
  readonly out: (line: string) => void;
  /** One line of error output. */
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
}
