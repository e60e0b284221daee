/**
 * The loss curve: log₁₀ of the training loss against the inner step, with thin marks at the
 * outer-step boundaries, drawn on a canvas (redrawn at most once per animation frame).
 */

export class LossChart {
  private readonly steps: number[] = [];
  private readonly losses: number[] = [];
  /** Inner-step counts at which outer steps ended (they need not be evenly spaced under a schedule). */
  private readonly outerEnds: number[] = [];
  private total = 1;
  private outerSteps = 1;
  private pending = false;

  constructor(private readonly canvas: HTMLCanvasElement) {}

  /** Forgets the curve and the outer-step marks; `total` inner steps in `outerSteps` outer steps are expected. */
  reset(total: number, outerSteps: number): void {
    this.steps.length = 0;
    this.losses.length = 0;
    this.outerEnds.length = 0;
    this.total = Math.max(1, total);
    this.outerSteps = Math.max(1, outerSteps);
    this.schedule();
  }

  /**
   * Marks the end of an outer step after inner step `step` (Σ_{j≤i} S_j). Marks are taken from the
   * run's progress, so they fall right whether or not every outer step has the same S_i.
   */
  markOuterEnd(step: number): void {
    if (step <= 0 || step >= this.total || this.outerEnds.includes(step)) return;
    this.outerEnds.push(step);
    this.schedule();
  }

  /** Adds the loss read after inner step `step` (non-finite or non-positive values are skipped). */
  add(step: number, loss: number): void {
    if (!(loss > 0) || !Number.isFinite(loss)) return;
    if (this.steps.length && this.steps[this.steps.length - 1] === step) return;
    this.steps.push(step);
    this.losses.push(loss);
    this.schedule();
  }

  /** The last loss added (NaN when none). */
  get last(): number {
    return this.losses.length ? this.losses[this.losses.length - 1] : NaN;
  }

  private schedule(): void {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.draw();
    });
  }

  private draw(): void {
    const c = this.canvas;
    const ratio = Math.min(2, window.devicePixelRatio || 1);
    const cssW = c.clientWidth || 320, cssH = c.clientHeight || 160;
    c.width = Math.round(cssW * ratio);
    c.height = Math.round(cssH * ratio);
    const ctx = c.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    const style = getComputedStyle(c);
    const fg = style.color || '#222';
    ctx.clearRect(0, 0, cssW, cssH);
    const left = 44, right = 8, top = 8, bottom = 22;
    const w = cssW - left - right, h = cssH - top - bottom;
    ctx.strokeStyle = fg;
    ctx.globalAlpha = 0.35;
    ctx.strokeRect(left, top, w, h);
    if (this.outerSteps <= 60) {
      for (const end of this.outerEnds) {
        const x = left + (w * end) / this.total;
        ctx.beginPath();
        ctx.moveTo(x, top + h - 4);
        ctx.lineTo(x, top + h);
        ctx.stroke();
      }
    }
    ctx.globalAlpha = 1;
    ctx.fillStyle = fg;
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText('step', left + w - 24, cssH - 6);
    ctx.fillText('0', left, cssH - 6);
    ctx.fillText(String(this.total), left + w - 60, cssH - 6);
    if (this.losses.length === 0) {
      ctx.fillText('no loss yet', left + 8, top + 16);
      return;
    }
    const logs = this.losses.map(Math.log10);
    let lo = Math.min(...logs), hi = Math.max(...logs);
    if (hi - lo < 1e-6) {
      lo -= 0.5;
      hi += 0.5;
    }
    ctx.fillText(formatPow(hi), 2, top + 10);
    ctx.fillText(formatPow(lo), 2, top + h);
    ctx.strokeStyle = getComputedStyle(document.documentElement).getPropertyValue('--accent') || '#0b6';
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    logs.forEach((v, i) => {
      const x = left + (w * this.steps[i]) / this.total;
      const y = top + h - (h * (v - lo)) / (hi - lo);
      if (i === 0) ctx.moveTo(x, y);
      else ctx.lineTo(x, y);
    });
    ctx.stroke();
  }
}

/** 10^e as a short label ("1e-3", "2.5e+1"). */
function formatPow(e: number): string {
  return (10 ** e).toExponential(1).replace('.0e', 'e');
}
