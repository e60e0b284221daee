/**
 * The page: load an image, choose settings, run the library's `deblur` in a worker with live
 * previews, compare and download. The page's state is mirrored in `body[data-state]`
 * (loading → empty → ready → running → stopping → done | cancelled | failed) and the number of
 * previews shown in `#estimate-figure[data-preview-count]`, for tests and styling.
 */
import type { Image } from '../../src/image/image.js';
import type { Kernel } from '../../src/physics/kernel.js';
import { presetNames, presets, type PresetName } from '../../src/solver/presets.js';
import { totalIterations } from '../../src/solver/options.js';
import { formatDuration } from '../../src/cli/progress.js';
import { colourScaleGradient } from './colormap.js';
import { Comparison } from './compare.js';
import { setDownloads } from './downloads.js';
import { drawImage, drawKernel, fitDisplay } from './draw.js';
import { BROWSER_MAX_MEGAPIXELS, imageNotes, type Note } from './image_notes.js';
import { LossChart } from './loss_chart.js';
import type { EngineInfo, EnginePreference, FailureKind, ProgressSummary, RunResult } from './protocol.js';
import { RegionSelector } from './region_select.js';
import { deblurOptionsOf, maxPageRestarts, settingsFromQuery, stepSettingsProblem, type PageSettings } from './settings.js';
import { DeblurWorkerClient } from './worker_client.js';

type PageState = 'loading' | 'empty' | 'ready' | 'running' | 'stopping' | 'done' | 'cancelled' | 'failed';

/** Largest file the page reads (bytes); decoding is then limited by BROWSER_MAX_MEGAPIXELS. */
const MAX_FILE_BYTES = 200 * 1024 * 1024;

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`page is missing #${id}`);
  return e as T;
}

const ui = {
  engine: el<HTMLParagraphElement>('engine'),
  dropZone: el<HTMLDivElement>('drop-zone'),
  fileInput: el<HTMLInputElement>('file-input'),
  fileInfo: el<HTMLParagraphElement>('file-info'),
  inputView: el<HTMLDivElement>('input-view'),
  inputCanvas: el<HTMLCanvasElement>('input-canvas'),
  regionOutline: el<HTMLDivElement>('region-outline'),
  notes: el<HTMLUListElement>('notes'),
  form: el<HTMLFormElement>('settings'),
  kernelSize: el<HTMLInputElement>('kernel-size'),
  presetChoices: el<HTMLDivElement>('preset-choices'),
  steps: el<HTMLInputElement>('steps'),
  restarts: el<HTMLInputElement>('restarts'),
  iters: el<HTMLInputElement>('iters'),
  seed: el<HTMLInputElement>('seed'),
  refine: el<HTMLInputElement>('refine'),
  engineChoice: el<HTMLSelectElement>('engine-choice'),
  runButton: el<HTMLButtonElement>('run-button'),
  cancelButton: el<HTMLButtonElement>('cancel-button'),
  status: el<HTMLParagraphElement>('status'),
  bar: el<HTMLProgressElement>('progress-bar'),
  statStep: el<HTMLElement>('stat-step'),
  statElapsed: el<HTMLElement>('stat-elapsed'),
  statEta: el<HTMLElement>('stat-eta'),
  statLoss: el<HTMLElement>('stat-loss'),
  estimateFigure: el<HTMLElement>('estimate-figure'),
  estimateCanvas: el<HTMLCanvasElement>('estimate-canvas'),
  kernelCanvas: el<HTMLCanvasElement>('kernel-canvas'),
  kernelMax: el<HTMLElement>('kernel-max'),
  colourBar: el<HTMLDivElement>('colour-bar'),
  lossCanvas: el<HTMLCanvasElement>('loss-canvas'),
  result: el<HTMLElement>('result'),
  resultSummary: el<HTMLParagraphElement>('result-summary'),
  resultWarnings: el<HTMLUListElement>('result-warnings'),
};

const query = settingsFromQuery(location.search);
let state: PageState = 'loading';
let engine: EngineInfo | null = null;
let presetTouched = query.preset !== undefined;
let loaded: { name: string; image: Image; original: { width: number; height: number } } | null = null;
let pendingRegion = query.region ?? null;
let previewCount = 0;
let runStartedAt = 0;
let lastProgress: ProgressSummary | null = null;
/** Which restart's training the progress belongs to (0-based; see showProgress). */
let restartIndex = 0;
/** The settings of the run in progress (or the last one). */
let runSettings: PageSettings | null = null;
let tick: number | undefined;

const lossChart = new LossChart(ui.lossCanvas);
const comparison = new Comparison(el('compare'), el('before-canvas'), el('after-canvas'), el('compare-slider'), el('side-by-side'));
const regionSelector = new RegionSelector(ui.inputCanvas, ui.regionOutline, {
  enabled: el('region-enabled'), x: el('region-x'), y: el('region-y'), width: el('region-w'), height: el('region-h'),
}, () => refreshNotes());

const client = new DeblurWorkerClient({
  onEngine: showEngine,
  onProgress: showProgress,
  onPreview: showPreview,
  onDone: showResult,
  onFailed: showFailure,
});

setUp();

function setUp(): void {
  buildPresetChoices();
  ui.colourBar.style.background = colourScaleGradient();
  if (query.kernelSize !== undefined) ui.kernelSize.value = String(query.kernelSize);
  if (query.seed !== undefined) ui.seed.value = String(query.seed);
  if (query.steps !== undefined) ui.steps.value = String(query.steps);
  if (query.restarts !== undefined) ui.restarts.value = String(query.restarts);
  if (query.iterations !== undefined) ui.iters.value = query.iterations;
  ui.refine.checked = query.refine === 'map-l0';
  ui.engineChoice.value = query.engine ?? 'auto';
  selectPreset(query.preset ?? 'fast');

  ui.fileInput.addEventListener('change', () => {
    const file = ui.fileInput.files?.[0];
    if (file) void loadFile(file);
  });
  setUpDragAndDrop();
  ui.form.addEventListener('submit', (e) => {
    e.preventDefault();
    startRun();
  });
  ui.cancelButton.addEventListener('click', () => void cancelRun());
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && state === 'running') void cancelRun();
  });
  for (const input of [ui.kernelSize, ui.steps, ui.iters]) input.addEventListener('input', () => refreshNotes());
  ui.engineChoice.addEventListener('change', () => {
    setEngineText('Engine: switching…');
    client.selectEngine(ui.engineChoice.value as EnginePreference);
  });
  client.selectEngine(ui.engineChoice.value as EnginePreference);
  setState('loading');
}

function setState(next: PageState): void {
  state = next;
  document.body.dataset.state = next;
  const busy = next === 'running' || next === 'stopping';
  ui.runButton.disabled = busy || !loaded || hasBlockingNotes() || engine === null;
  ui.cancelButton.disabled = next !== 'running';
  ui.fileInput.disabled = busy;
  ui.dropZone.classList.toggle('disabled', busy);
  ui.inputCanvas.dataset.locked = String(busy);
  for (const e of ui.form.querySelectorAll<HTMLInputElement | HTMLSelectElement>('input, select')) e.disabled = busy || (e.id.startsWith('region-') && e.id !== 'region-enabled' && !regionSelector.region);
}

function setStatus(text: string): void {
  ui.status.textContent = text;
}

function setEngineText(text: string): void {
  ui.engine.textContent = text;
}

/* ---------- engine ---------- */

function showEngine(info: EngineInfo): void {
  engine = info;
  const names = { webgpu: 'WebGPU', wasm: 'WebAssembly', cpu: 'plain JavaScript (cpu)' };
  ui.engine.replaceChildren('Engine: ', Object.assign(document.createElement('strong'), { textContent: names[info.name] }), ` — ${info.reason}. `, Object.assign(document.createElement('span'), { className: 'hint', textContent: `(${info.detail})` }));
  ui.engine.dataset.engine = info.name;
  if (!presetTouched) selectPreset(info.name === 'webgpu' ? 'lean' : 'fast');
  if (state === 'loading') setState(loaded ? 'ready' : 'empty');
  else setState(state);
}

/* ---------- presets ---------- */

function buildPresetChoices(): void {
  for (const name of presetNames) {
    const p = presets[name];
    const label = document.createElement('label');
    label.className = 'choice';
    const radio = Object.assign(document.createElement('input'), { type: 'radio', name: 'preset', value: name, id: `preset-${name}` });
    radio.addEventListener('change', () => {
      presetTouched = true;
      refreshNotes();
    });
    const title = Object.assign(document.createElement('span'), { className: 'name', textContent: name });
    const desc = Object.assign(document.createElement('span'), {
      className: 'desc',
      textContent: `${p.description}. Estimates the kernel on at most ${p.maxWorkingSize}×${p.maxWorkingSize} pixels.${name === 'fast' ? ' Default without a GPU.' : name === 'lean' ? ' Default with WebGPU.' : name === 'thorough' ? ' Default on the command line.' : ''}`,
    });
    label.append(radio, title, desc);
    ui.presetChoices.append(label);
  }
}

function selectPreset(name: PresetName): void {
  const radio = document.getElementById(`preset-${name}`) as HTMLInputElement | null;
  if (radio) radio.checked = true;
  refreshNotes();
}

function currentPreset(): PresetName {
  const checked = ui.presetChoices.querySelector<HTMLInputElement>('input[name=preset]:checked');
  return (checked?.value as PresetName | undefined) ?? 'fast';
}

function readSettings(): PageSettings {
  const optionalInt = (input: HTMLInputElement) => (input.value.trim() === '' ? undefined : Math.round(Number(input.value)));
  return {
    preset: currentPreset(),
    kernelSize: Number(ui.kernelSize.value),
    seed: Math.round(Number(ui.seed.value) || 0),
    engine: ui.engineChoice.value as EnginePreference,
    steps: optionalInt(ui.steps),
    iterations: ui.iters.value.trim() === '' ? undefined : ui.iters.value.trim(),
    region: regionSelector.region,
    refine: ui.refine.checked ? 'map-l0' : 'none',
    restarts: Math.min(maxPageRestarts, Math.max(1, Math.round(Number(ui.restarts.value) || 1))),
  };
}

/* ---------- notes ---------- */

let currentNotes: Note[] = [];

function hasBlockingNotes(): boolean {
  return currentNotes.some((n) => n.level === 'error');
}

function showNotes(notes: Note[]): void {
  currentNotes = notes;
  ui.notes.replaceChildren(...notes.map((n) => Object.assign(document.createElement('li'), { className: n.level, textContent: n.text })));
  if (state !== 'running' && state !== 'stopping') setState(state);
}

function refreshNotes(): void {
  if (!loaded) return;
  const s = readSettings();
  const { image, original } = loaded;
  const notes = imageNotes({ width: image.width, height: image.height, channels: image.channels, original }, s.preset, s.kernelSize, s.region);
  const stepProblem = stepSettingsProblem(s);
  if (stepProblem) notes.push({ level: 'error', text: stepProblem });
  showNotes(notes);
}

/* ---------- loading files ---------- */

function setUpDragAndDrop(): void {
  const zone = ui.dropZone;
  const busy = () => state === 'running' || state === 'stopping';
  for (const type of ['dragenter', 'dragover'] as const) {
    document.addEventListener(type, (e) => {
      e.preventDefault();
      if (!busy()) zone.classList.add('dragging');
    });
  }
  document.addEventListener('dragleave', (e) => {
    if (e.target === document.documentElement || e.target === zone) zone.classList.remove('dragging');
  });
  document.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('dragging');
    if (busy()) return;
    const file = e.dataTransfer?.files?.[0];
    if (file) void loadFile(file);
  });
}

async function loadFile(file: File): Promise<void> {
  if (file.size > MAX_FILE_BYTES) {
    showFileError(`${file.name} is ${(file.size / 1048576).toFixed(0)} MB, larger than the ${MAX_FILE_BYTES / 1048576} MB this page reads. Resize it first, or use the command-line tool.`);
    return;
  }
  ui.fileInfo.textContent = `Reading ${file.name}…`;
  let decoded;
  try {
    decoded = await client.decode(file.name, await file.arrayBuffer(), BROWSER_MAX_MEGAPIXELS);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    showFileError(/not a PNG or JPEG/.test(msg) ? `${msg}. This page reads PNG and JPEG files only (convert other formats first).` : msg);
    return;
  }
  loaded = { name: file.name, ...decoded };
  const { image, original } = decoded;
  const kind = image.channels >= 3 ? 'colour' : 'grayscale';
  ui.fileInfo.textContent = `${file.name}: ${original.width}×${original.height}, ${kind}${original.width !== image.width ? ` (working at ${image.width}×${image.height})` : ''}.`;
  drawImage(ui.inputCanvas, image);
  fitDisplay(ui.inputView, ui.inputCanvas, image.width, image.height);
  ui.inputView.hidden = false;
  regionSelector.setImageSize(image.width, image.height);
  if (pendingRegion) {
    regionSelector.set(pendingRegion);
    pendingRegion = null;
  }
  ui.result.hidden = true;
  refreshNotes();
  if (state !== 'loading') setState('ready');
  if (engine) setStatus('Ready: press Deblur.');
}

function showFileError(message: string): void {
  ui.fileInfo.textContent = '';
  showNotes([{ level: 'error', text: message }]);
  loaded = null;
  ui.inputView.hidden = true;
  if (state !== 'loading') setState('empty');
}

/* ---------- running ---------- */

function startRun(): void {
  if (!loaded || state === 'running' || state === 'stopping' || !engine) return;
  refreshNotes();
  if (hasBlockingNotes()) {
    setStatus('Fix the settings marked above first.');
    return;
  }
  const settings = readSettings();
  runSettings = settings;
  previewCount = 0;
  ui.estimateFigure.dataset.previewCount = '0';
  lastProgress = null;
  restartIndex = 0;
  ui.result.hidden = true;
  ui.bar.value = 0;
  ui.statStep.textContent = ui.statElapsed.textContent = ui.statEta.textContent = ui.statLoss.textContent = '–';
  lossChart.reset(1, 1);
  runStartedAt = performance.now();
  tick = window.setInterval(updateClock, 1000);
  setState('running');
  setStatus(`Running on ${engine.name}: training the networks on your image…`);
  client.run(loaded.image, settings.region, deblurOptionsOf(settings));
}

function updateClock(): void {
  if (state !== 'running') return;
  const elapsed = performance.now() - runStartedAt;
  ui.statElapsed.textContent = formatDuration(elapsed);
  if (lastProgress) {
    const sinceLast = elapsed - lastProgress.elapsedMs;
    ui.statEta.textContent = formatDuration(Math.max(0, lastProgress.etaMs - Math.max(0, sinceLast)));
  }
}

function showProgress(p: ProgressSummary): void {
  if (state !== 'running') return;
  if (lastProgress && p.done < lastProgress.done) restartIndex++; // the next restart's training begins
  if (!lastProgress || p.done < lastProgress.done) lossChart.reset(p.total, p.steps);
  lastProgress = p;
  const outer = Math.min(p.steps, p.outerDone + (p.iteration < p.iterations ? 1 : 0));
  ui.bar.max = p.total;
  ui.bar.value = p.done;
  const restarts = runSettings?.restarts ?? 1;
  ui.statStep.textContent = `${p.done} / ${p.total} (outer ${Math.max(1, outer)} of ${p.steps}, inner ${p.iteration} of ${p.iterations}${restarts > 1 ? `; run ${restartIndex + 1} of ${restarts}` : ''})`;
  ui.statElapsed.textContent = formatDuration(p.elapsedMs);
  ui.statEta.textContent = p.done < p.total ? formatDuration(p.etaMs) : '0s';
  if (Number.isFinite(p.loss)) ui.statLoss.textContent = p.loss.toExponential(3);
  lossChart.add(p.done, p.loss);
  if (p.iteration === p.iterations) lossChart.markOuterEnd(p.done);
  if (p.done === p.total && restartIndex + 1 >= restarts) setStatus(`Training done: ${restarts > 1 ? 'choosing among the runs, ' : ''}${runSettings?.refine === 'map-l0' ? 'refining the kernel by MAP-L0 and ' : ''}restoring the image…`);
}

function showPreview(p: ProgressSummary, image: Image, kernel: Kernel): void {
  if (state !== 'running') return;
  showProgress(p);
  drawImage(ui.estimateCanvas, image);
  showKernel(kernel);
  previewCount++;
  ui.estimateFigure.dataset.previewCount = String(previewCount);
  setStatus(`Running on ${engine?.name ?? '?'}: outer step ${p.outerDone} of ${p.steps} done.`);
}

function showKernel(kernel: Kernel): void {
  const max = drawKernel(ui.kernelCanvas, kernel);
  ui.kernelMax.textContent = max.toPrecision(2);
}

async function cancelRun(): Promise<void> {
  if (state !== 'running') return;
  setState('stopping');
  setStatus('Stopping…');
  const outcome = await client.cancel();
  if (outcome === 'terminated') {
    window.clearInterval(tick);
    setState('cancelled');
    setStatus('Cancelled. The engine was restarted; the last preview is shown above.');
  }
  // 'stopped': showResult receives the estimate so far and sets the state.
}

function showResult(result: RunResult): void {
  window.clearInterval(tick);
  const r = result.report;
  if (!loaded) {
    setState(r.status === 'aborted' ? 'cancelled' : 'done');
    return;
  }
  const aborted = r.status === 'aborted';
  const stepsDone = r.lossHistory.length;
  const total = totalIterations(r.solver);
  showKernel(result.kernel);
  comparison.show(loaded.image, result.image);
  setDownloads(
    { image: el('download-image'), kernelPng: el('download-kernel-png'), kernelText: el('download-kernel-txt'), report: el('download-report') },
    result,
    loaded.name,
    engine,
  );
  ui.resultSummary.textContent = aborted
    ? `Cancelled after ${stepsDone} of ${total} steps (${formatDuration(r.timings.totalMs)}): below is the estimate reached so far.`
    : `Done in ${formatDuration(r.timings.totalMs)} on ${r.backend.name}: ${r.solver.iterationSchedule ? `${total}` : `${r.solver.steps} × ${r.solver.iterations}`} steps, preset '${r.preset}', seed ${r.seed}, ${r.restore === 'network' ? 'image from the network' : 'image restored by non-blind deconvolution with the kernel'}.`;
  if (r.restarts) {
    const runs = `${r.restarts.runs.length} runs (seeds ${r.restarts.runs[0].seed}–${r.restarts.runs[r.restarts.runs.length - 1].seed})`;
    ui.resultSummary.textContent += r.restarts.averaged
      ? ` Restarts: ${runs}; their kernels agreed (NCC ≥ ${r.restarts.agreement.toFixed(2)}) and were averaged.`
      : ` Restarts: ${runs}, the kernel of seed ${r.restarts.chosenSeed} explained the photo best and was kept.`;
  }
  if (r.refinement) ui.resultSummary.textContent += ` Kernel refinement: ${refinementChoiceText[r.refinement.chosen]}.`;
  ui.resultWarnings.replaceChildren(...r.warnings.map((w) => Object.assign(document.createElement('li'), { className: 'info', textContent: w })));
  ui.result.hidden = false;
  ui.bar.value = aborted ? ui.bar.value : ui.bar.max;
  if (!aborted) ui.statEta.textContent = '0s';
  setState(aborted ? 'cancelled' : 'done');
  setStatus(aborted ? 'Cancelled: the estimate so far is below.' : 'Done: compare and download below.');
}

/** What the refinement kept, in words (solver/kernel_refinement.ts). */
const refinementChoiceText = {
  network: "the network's own kernel explained the photo best and was kept",
  refined: "the network's kernel refined by MAP-L0 was kept",
  map: "MAP-L0's own kernel explained the photo best and was kept",
} as const;

function showFailure(kind: FailureKind, message: string): void {
  window.clearInterval(tick);
  if (state === 'loading' || engine === null) {
    setEngineText(`Engine: could not start — ${message}`);
  }
  const prefix = kind === 'memory' ? 'Out of memory: ' : kind === 'input' ? 'Cannot run: ' : kind === 'engine' ? 'Engine error: ' : 'Error: ';
  setState('failed');
  setStatus(prefix + message);
}
