/**
 * The deblurring worker: decodes files with the library's codec, starts the tfjs backend the page
 * asks for, and runs the library's `deblur` (the CLI's entry point) with previews, posting progress
 * after each inner step and the current image and kernel after each outer step. A `cancel`
 * message aborts the run: `deblur` checks the signal every inner step and yields to the event
 * loop every ~50 ms, so the message is seen within one training step.
 */
import { decodeImage } from '../../src/image/codec.js';
import { downscaleImage } from '../../src/image/image.js';
import { configureWasmPaths } from './wasm_paths.js';
import { chooseEngine } from './engine_choice.js';
import { describeFailure } from './failure.js';
import { deblur } from '../../src/deblur.js';
import type { EngineInfo, EnginePreference, FromWorker, ProgressSummary, ToWorker } from './protocol.js';
import type { SolverProgress } from '../../src/solver/self_diffusion.js';

/** The parts of DedicatedWorkerGlobalScope used here (the project's TS lib is DOM, not WebWorker). */
const scope = self as unknown as {
  postMessage(message: FromWorker, transfer: Transferable[]): void;
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
};
configureWasmPaths();

/** The engine started last (or being started), so concurrent requests share one start. */
let engine: { preference: EnginePreference; info: Promise<EngineInfo>; name?: EngineInfo['name'] } | null = null;
let controller: AbortController | null = null;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  scope.postMessage(message, transfer);
}

/** Starts (or switches to) the engine for `preference`, once per preference. */
function ensureEngine(preference: EnginePreference): Promise<EngineInfo> {
  if (engine && engine.preference === preference) return engine.info;
  const previous = engine?.info.catch(() => null) ?? Promise.resolve(null);
  const started = { preference, info: previous.then(() => chooseEngine(preference)) } as NonNullable<typeof engine>;
  engine = started;
  started.info.then(
    (info) => {
      started.name = info.name;
      post({ type: 'engine', info });
    },
    () => {
      if (engine === started) engine = null;
    },
  );
  return started.info;
}

function summary(p: SolverProgress): ProgressSummary {
  const { preview: _preview, ...rest } = p;
  return rest;
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'decode': {
      try {
        const decoded = decodeImage(new Uint8Array(message.bytes), message.name);
        const megapixels = (decoded.width * decoded.height) / 1e6;
        const image = megapixels > message.maxMegapixels ? downscaleImage(decoded, Math.sqrt(megapixels / message.maxMegapixels)) : decoded;
        post({ type: 'decoded', id: message.id, image, original: { width: decoded.width, height: decoded.height } }, [image.data.buffer]);
      } catch (e) {
        post({ type: 'decodeFailed', id: message.id, message: describeFailure(e).message });
      }
      return;
    }
    case 'engine': {
      try {
        await ensureEngine(message.preference);
      } catch (e) {
        post({ type: 'failed', ...describeFailure(e) });
      }
      return;
    }
    case 'cancel': {
      controller?.abort();
      return;
    }
    case 'run': {
      controller = new AbortController();
      try {
        const info = await ensureEngine(enginePreferenceOf(message.options.backend));
        const options = { ...message.options, backend: info.name };
        const result = await deblur(message.image, { ...options, region: message.region ?? undefined }, {
          previews: true,
          signal: controller.signal,
          onProgress: (p) => {
            if (p.preview) {
              const { image, kernel } = p.preview;
              post({ type: 'preview', progress: summary(p), image, kernel }, [image.data.buffer, kernel.data.buffer]);
            } else post({ type: 'progress', progress: summary(p) });
          },
        });
        const { image, kernel, report } = result;
        post({ type: 'done', result: { image, kernel, report } }, [image.data.buffer, kernel.data.buffer]);
      } catch (e) {
        console.error('deblur failed:', e instanceof Error ? e.stack : e);
        const failure = describeFailure(e);
        if (failure.kind === 'internal' && engine?.name === 'webgpu') {
          failure.kind = 'engine';
          failure.message = `the WebGPU engine failed (${failure.message}). Choose WebAssembly under Advanced → Engine and run again.`;
        }
        post({ type: 'failed', ...failure });
      } finally {
        controller = null;
      }
      return;
    }
  }
}

/** The page passes its engine preference in `options.backend` ('auto' travels as undefined). */
function enginePreferenceOf(backend: string | undefined): EnginePreference {
  return backend === 'webgpu' || backend === 'wasm' ? backend : 'auto';
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  void handle(event.data);
};
