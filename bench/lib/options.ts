/** What the harness was asked for, shared by every figure. */
export interface BenchOptions {
  /** Rounds per figure (each round yields one sample of umd and one of its baseline). */
  rounds: number;
  /** Requests for P4b's growth check. */
  requests: number;
  /** How long P4b may spend on its requests before it stops short, in ms. */
  requestBudgetMs: number;
  /** Progress lines, to stderr. */
  progress(line: string): void;
}
