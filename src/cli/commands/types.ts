// The shape of a CLI command: a one-line summary for `dwell --help` and a run that returns the exit code.

export interface Command {
  summary: string;
  run(args: string[]): Promise<number>;
  /** Of a command made of actions (`dwell sites add`): each action by name. */
  actions?: Record<string, Command>;
}
