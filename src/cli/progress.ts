/**
 * Terminal progress for long runs: a one-line bar with ETA redrawn in place on a TTY, or a plain
 * line per outer step when stderr is not a terminal (logs, CI). Silent with `quiet`.
 */
import type { SolverProgress } from '../solver/self_diffusion.js';

/** "1h02m", "3m05s", "12s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** Prints {@link SolverProgress} to stderr as the module comment says. */
export class ProgressPrinter {
  private lastDraw = 0;
  private lastOuter = -1;
  private readonly tty: boolean;
  constructor(private readonly out: NodeJS.WriteStream = process.stderr, private readonly quiet = false) {
    this.tty = Boolean(out.isTTY);
  }

  update(p: SolverProgress): void {
    if (this.quiet) return;
    const loss = Number.isFinite(p.loss) ? p.loss.toExponential(3) : '-';
    if (this.tty) {
      const now = Date.now();
      if (now - this.lastDraw < 100 && p.done !== p.total) return;
      this.lastDraw = now;
      const width = 30;
      const filled = Math.round((p.done / p.total) * width);
      const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
      this.out.write(`\r[${bar}] step ${p.done}/${p.total} (t=${p.steps - p.outerDone}/${p.steps}) loss ${loss} elapsed ${formatDuration(p.elapsedMs)} ETA ${formatDuration(p.etaMs)}   `);
      if (p.done === p.total) this.out.write('\n');
    } else if (p.iteration === p.iterations && p.outerDone !== this.lastOuter && !p.preview) {
      this.lastOuter = p.outerDone;
      this.out.write(`outer step ${p.outerDone + 1}/${p.steps} σ=${p.sigma.toFixed(3)} loss ${loss} elapsed ${formatDuration(p.elapsedMs)} ETA ${formatDuration(p.etaMs)}\n`);
    }
  }

  /** Ends a TTY line that was interrupted (abort). */
  finish(): void {
    if (this.tty && !this.quiet) this.out.write('\n');
  }

  message(text: string): void {
    if (!this.quiet) this.out.write(text + '\n');
  }
}
