/**
 * The result's files, the same formats as the CLI writes: the restored image (PNG), the kernel as
 * a PNG (peak = white, kernelToImage) and as exact text (formatKernelText, the CLI's .txt), and
 * the run report as JSON (seed, every solver parameter, timings, losses).
 */
import type { RunReport } from '../../src/deblur.js';
import { encodePng } from '../../src/image/codec.js';
import { formatKernelText } from '../../src/physics/kernel.js';
import { kernelToImage } from '../../src/physics/kernel_view.js';
import type { EngineInfo, RunResult } from './protocol.js';

export interface DownloadLinks {
  image: HTMLAnchorElement;
  kernelPng: HTMLAnchorElement;
  kernelText: HTMLAnchorElement;
  report: HTMLAnchorElement;
}

/** What the page adds to the library's report. */
export interface PageReport extends RunReport {
  inputFile: string;
  page: { engine: EngineInfo | null; userAgent: string; region: string };
}

const urls: string[] = [];

/** The stem of a file name ("photo.jpg" → "photo"). */
export function fileStem(name: string): string {
  return name.replace(/\.[^.]*$/, '') || 'image';
}

/** Points the download links at fresh blobs of the result (revoking the previous ones). */
export function setDownloads(links: DownloadLinks, result: RunResult, inputName: string, engine: EngineInfo | null): void {
  for (const u of urls.splice(0)) URL.revokeObjectURL(u);
  const stem = fileStem(inputName);
  const link = (a: HTMLAnchorElement, name: string, data: BlobPart, type: string) => {
    const url = URL.createObjectURL(new Blob([data], { type }));
    urls.push(url);
    a.href = url;
    a.download = name;
  };
  const report: PageReport = {
    ...result.report,
    inputFile: inputName,
    page: { engine, userAgent: navigator.userAgent, region: result.report.working.cropped ? 'kernel estimated on report.working' : 'whole image' },
  };
  link(links.image, `${stem}-deblurred.png`, bytes(encodePng(result.image)), 'image/png');
  link(links.kernelPng, `${stem}-kernel.png`, bytes(encodePng(kernelToImage(result.kernel))), 'image/png');
  link(links.kernelText, `${stem}-kernel.txt`, formatKernelText(result.kernel), 'text/plain');
  link(links.report, `${stem}-report.json`, JSON.stringify(report, null, 2) + '\n', 'application/json');
}

/** A Uint8Array backed by a plain ArrayBuffer (what Blob accepts). */
function bytes(a: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(a);
}
