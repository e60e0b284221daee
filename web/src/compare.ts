/**
 * Before/after comparison: the restored image over the input, revealed right of a divider that a
 * range slider moves (arrow keys work), or both side by side.
 */
import type { Image } from '../../src/image/image.js';
import { drawImage, fitDisplay } from './draw.js';

export class Comparison {
  /** Display width (CSS px) of one image, from fitDisplay. */
  private fittedWidth = 0;

  constructor(
    private readonly container: HTMLElement,
    private readonly before: HTMLCanvasElement,
    private readonly after: HTMLCanvasElement,
    private readonly slider: HTMLInputElement,
    private readonly sideBySide: HTMLInputElement,
  ) {
    slider.addEventListener('input', () => this.update());
    sideBySide.addEventListener('change', () => this.update());
  }

  show(before: Image, after: Image): void {
    drawImage(this.before, before);
    drawImage(this.after, after);
    fitDisplay(this.container, this.before, before.width, before.height, 384, 0.7);
    this.fittedWidth = parseFloat(this.container.style.maxWidth) || 0;
    this.after.classList.toggle('pixelated', this.before.classList.contains('pixelated'));
    this.update();
  }

  private update(): void {
    const v = Number(this.slider.value);
    this.container.classList.toggle('side-by-side', this.sideBySide.checked);
    if (this.fittedWidth) this.container.style.maxWidth = `${this.sideBySide.checked ? 2 * this.fittedWidth + 8 : this.fittedWidth}px`;
    this.container.style.setProperty('--divider', `${v}%`);
    this.slider.setAttribute('aria-valuetext', `${Math.round(v)}% input, ${Math.round(100 - v)}% restored`);
    this.slider.disabled = this.sideBySide.checked;
  }
}
