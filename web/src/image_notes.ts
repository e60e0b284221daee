/**
 * What the page tells the user about an image before a run: what will happen to large or colour
 * images, and which settings cannot work (those block the Deblur button).
 */
import { presets, type PresetName } from '../../src/solver/presets.js';
import type { Region } from './protocol.js';

export interface Note {
  level: 'info' | 'warning' | 'error';
  text: string;
}

/** Largest image the page processes, in megapixels; larger ones are downscaled on load. */
export const BROWSER_MAX_MEGAPIXELS = 8;

export interface ImageFacts {
  width: number;
  height: number;
  channels: number;
  /** Size in the file (larger than width × height when the page downscaled it). */
  original: { width: number; height: number };
}

/** Notes for an image with the given preset, kernel size and optional region. */
export function imageNotes(img: ImageFacts, preset: PresetName, kernelSize: number, region: Region | null): Note[] {
  const notes: Note[] = [];
  if (img.original.width !== img.width || img.original.height !== img.height) {
    const mp = ((img.original.width * img.original.height) / 1e6).toFixed(1);
    notes.push({
      level: 'warning',
      text: `The image is ${img.original.width}×${img.original.height} (${mp} MP), more than this page handles (${BROWSER_MAX_MEGAPIXELS} MP): it was downscaled to ${img.width}×${img.height}, so the kernel is estimated and the image restored at that size (kernel sizes are in the downscaled pixels). The command-line tool handles the full size.`,
    });
  }
  if (img.channels >= 3) notes.push({ level: 'info', text: 'Colour image: the kernel is estimated on its luminance, then every channel is deconvolved with it.' });
  const area = region ?? { x0: 0, y0: 0, width: img.width, height: img.height };
  const what = region ? 'the selected region' : 'the image';
  if (region && (region.x0 + region.width > img.width || region.y0 + region.height > img.height || region.width < 1 || region.height < 1)) {
    notes.push({ level: 'error', text: `The region ${region.width}×${region.height} at (${region.x0}, ${region.y0}) does not fit in the ${img.width}×${img.height} image.` });
    return notes;
  }
  const maxSide = presets[preset].maxWorkingSize;
  const ww = Math.min(area.width, maxSide), wh = Math.min(area.height, maxSide);
  if (ww < area.width || wh < area.height) {
    notes.push({
      level: 'info',
      text: `${capitalise(what)} (${area.width}×${area.height}) is larger than the ${maxSide}-pixel working size of the '${preset}' preset: the kernel is estimated on the centre ${ww}×${wh} of ${what}${region ? '' : ' (select a region to choose another part)'}, then the whole image is restored with it.`,
    });
  } else if (region) {
    notes.push({ level: 'info', text: `The kernel is estimated on the selected ${ww}×${wh} region, then the whole image is restored with it.` });
  }
  if (!Number.isInteger(kernelSize) || kernelSize < 3) {
    notes.push({ level: 'error', text: 'The kernel size must be a whole number of at least 3 pixels.' });
  } else if (kernelSize >= ww || kernelSize >= wh) {
    notes.push({ level: 'error', text: `The kernel (${kernelSize}×${kernelSize}) must be smaller than the ${ww}×${wh} area it is estimated on: choose a smaller kernel size or a larger ${region ? 'region' : 'image'}.` });
  } else if (3 * kernelSize > Math.min(ww, wh)) {
    notes.push({ level: 'warning', text: `A ${kernelSize}-pixel kernel is large for a ${ww}×${wh} area; estimates are more reliable when the area is at least 3× the kernel.` });
  }
  return notes;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
