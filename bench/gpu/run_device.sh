#!/usr/bin/env bash
# The one prepared script a GPU-machine session runs (the `device` tool; see bench/README.md):
# times the full joint training step with PyTorch (strict fp32, then TF32) and with tfjs-webgpu,
# for the configs of bench/speed_configs.ts, and writes into $OUT:
#   speed-torch.json   PyTorch entries (bench/reference/step_time.py)
#   speed-webgpu.json  tfjs webgpu entry (bench/speed.ts, bundled in .device/ by prepare.sh) + speed-webgpu.md
#   *.log, nvidia-smi.txt
# Merge them here afterwards: npm run bench:speed -- --merge <dir>/speed-torch.json --merge <dir>/speed-webgpu.json
#
# Before the device call (on the session's own machine, from the project root):
#   npm install --no-save webgpu            # the optional Dawn binding, copied by prepare.sh
#   bash ../shared/device/prepare.sh bench/speed.ts
# Device call: carry [".device"], command: bash bench/gpu/run_device.sh   (STEPS=5, CONFIGS=all by default)
set -uo pipefail
: "${OUT:?OUT must name the output folder}"
OUT=$(cd "$OUT" && pwd)
cd "$(dirname "$0")/../.."
STEPS=${STEPS:-5}
CONFIGS=${CONFIGS:-all}
WEBGPU_TIMEOUT=${WEBGPU_TIMEOUT:-360}
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1 || true

echo "== PyTorch, strict fp32"
python3 bench/reference/step_time.py --configs "$CONFIGS" --steps "$STEPS" --out "$OUT/speed-torch.json" 2>&1 | tee "$OUT/torch.log"
echo "== PyTorch, TF32 allowed"
python3 bench/reference/step_time.py --configs "$CONFIGS" --steps "$STEPS" --tf32 --out "$OUT/speed-torch.json" 2>&1 | tee -a "$OUT/torch.log"

echo "== tfjs webgpu"
if [ -f .device/run.sh ]; then
  timeout "$WEBGPU_TIMEOUT" bash .device/run.sh --backend webgpu --configs "$CONFIGS" --steps "$STEPS" --out "$OUT/speed-webgpu.json" 2>&1 | tee "$OUT/webgpu.log"
  echo "webgpu exit status ${PIPESTATUS[0]}" | tee -a "$OUT/webgpu.log"
else
  echo "no .device/run.sh: run 'bash ../shared/device/prepare.sh bench/speed.ts' first and carry .device" | tee "$OUT/webgpu.log"
fi
ls -l "$OUT"
