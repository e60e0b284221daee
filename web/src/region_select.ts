/**
 * Choosing the region the kernel is estimated on: drag a rectangle on the input image (pointer or
 * touch), or type x, y, width and height (keyboard). The outline is positioned in percentages, so
 * it follows the image when the layout resizes.
 */
import type { Region } from './protocol.js';

export interface RegionInputs {
  enabled: HTMLInputElement;
  x: HTMLInputElement;
  y: HTMLInputElement;
  width: HTMLInputElement;
  height: HTMLInputElement;
}

/** Smallest side of a dragged region; shorter drags count as clicks and are ignored. */
const MIN_DRAG = 8;

export class RegionSelector {
  private imageWidth = 0;
  private imageHeight = 0;
  private dragStart: { x: number; y: number } | null = null;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly outline: HTMLElement,
    private readonly inputs: RegionInputs,
    private readonly onChange: () => void,
  ) {
    canvas.addEventListener('pointerdown', (e) => this.pointerDown(e));
    canvas.addEventListener('pointermove', (e) => this.pointerMove(e));
    canvas.addEventListener('pointerup', (e) => this.pointerUp(e));
    canvas.addEventListener('pointercancel', () => (this.dragStart = null));
    for (const el of [inputs.x, inputs.y, inputs.width, inputs.height]) el.addEventListener('input', () => this.fromInputs());
    inputs.enabled.addEventListener('change', () => {
      this.setDisabledInputs();
      this.draw();
      this.onChange();
    });
  }

  /** A new image: the region is reset to its centre half and switched off. */
  setImageSize(width: number, height: number): void {
    this.imageWidth = width;
    this.imageHeight = height;
    for (const [el, max] of [[this.inputs.x, width - 1], [this.inputs.y, height - 1], [this.inputs.width, width], [this.inputs.height, height]] as const) el.max = String(max);
    const w = Math.max(1, Math.round(width / 2)), h = Math.max(1, Math.round(height / 2));
    this.writeInputs({ x0: Math.floor((width - w) / 2), y0: Math.floor((height - h) / 2), width: w, height: h });
    this.inputs.enabled.checked = false;
    this.setDisabledInputs();
    this.draw();
  }

  /** Sets (and switches on) a region, clamped to the image; null switches it off. */
  set(region: Region | null): void {
    if (region) this.writeInputs(this.clamp(region));
    this.inputs.enabled.checked = region !== null;
    this.setDisabledInputs();
    this.draw();
    this.onChange();
  }

  /** The region in image pixels, or null when switched off. */
  get region(): Region | null {
    if (!this.inputs.enabled.checked || !this.imageWidth) return null;
    return this.readInputs();
  }

  private readInputs(): Region {
    const v = (el: HTMLInputElement) => Math.round(Number(el.value) || 0);
    return { x0: v(this.inputs.x), y0: v(this.inputs.y), width: v(this.inputs.width), height: v(this.inputs.height) };
  }

  private writeInputs(r: Region): void {
    this.inputs.x.value = String(r.x0);
    this.inputs.y.value = String(r.y0);
    this.inputs.width.value = String(r.width);
    this.inputs.height.value = String(r.height);
  }

  private clamp(r: Region): Region {
    const x0 = Math.min(Math.max(0, r.x0), this.imageWidth - 1), y0 = Math.min(Math.max(0, r.y0), this.imageHeight - 1);
    return { x0, y0, width: Math.min(Math.max(1, r.width), this.imageWidth - x0), height: Math.min(Math.max(1, r.height), this.imageHeight - y0) };
  }

  private setDisabledInputs(): void {
    const off = !this.inputs.enabled.checked;
    for (const el of [this.inputs.x, this.inputs.y, this.inputs.width, this.inputs.height]) el.disabled = off;
  }

  private fromInputs(): void {
    this.draw();
    this.onChange();
  }

  private draw(): void {
    const r = this.region;
    this.outline.hidden = !r;
    if (!r) return;
    const s = this.outline.style;
    s.left = `${(100 * r.x0) / this.imageWidth}%`;
    s.top = `${(100 * r.y0) / this.imageHeight}%`;
    s.width = `${(100 * r.width) / this.imageWidth}%`;
    s.height = `${(100 * r.height) / this.imageHeight}%`;
  }

  /** Image coordinates (pixels) of a pointer event on the canvas. */
  private toImage(e: PointerEvent): { x: number; y: number } {
    const box = this.canvas.getBoundingClientRect();
    const x = ((e.clientX - box.left) / box.width) * this.imageWidth;
    const y = ((e.clientY - box.top) / box.height) * this.imageHeight;
    return { x: Math.min(this.imageWidth, Math.max(0, x)), y: Math.min(this.imageHeight, Math.max(0, y)) };
  }

  private pointerDown(e: PointerEvent): void {
    if (!this.imageWidth || this.canvas.dataset.locked === 'true') return;
    this.dragStart = this.toImage(e);
    this.canvas.setPointerCapture(e.pointerId);
  }

  private dragRegion(e: PointerEvent): Region | null {
    if (!this.dragStart) return null;
    const p = this.toImage(e), a = this.dragStart;
    const x0 = Math.floor(Math.min(a.x, p.x)), y0 = Math.floor(Math.min(a.y, p.y));
    const width = Math.ceil(Math.max(a.x, p.x)) - x0, height = Math.ceil(Math.max(a.y, p.y)) - y0;
    return width >= MIN_DRAG && height >= MIN_DRAG ? this.clamp({ x0, y0, width, height }) : null;
  }

  private pointerMove(e: PointerEvent): void {
    const r = this.dragRegion(e);
    if (!r) return;
    this.writeInputs(r);
    this.inputs.enabled.checked = true;
    this.setDisabledInputs();
    this.draw();
  }

  private pointerUp(e: PointerEvent): void {
    const r = this.dragRegion(e);
    this.dragStart = null;
    if (r) this.set(r);
  }
}
