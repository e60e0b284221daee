#!/usr/bin/env bash
# The one prepared script a GPU-machine session runs (the `device` tool; see bench/README.md). Phases, in
# this order so that the timings see an idle GPU:
#   1. speed: the full joint training step with tfjs-webgpu (bench/speed.ts bundled in .device/), the
#      webgpu probe (bench/gpu/webgpu_probe.ts, if bundled as .device/probe.mjs: dispatch floors, flag
#      variants, a CPU profile of the step), the kernel census on webgpu (bench/kernel_census.ts, if bundled as .device/census.mjs), then PyTorch
#      (bench/reference/step_time.py, strict fp32; TF32 too with TORCH_TF32=1) for the same configs;
#   2. quality (if .gpu/reference/deblursdi_torch.py is carried): the PyTorch reference of the method at
#      the paper schedule on Levin images (bench/gpu/reference_quality.py), in QUALITY_PROCS parallel
#      processes, until QUALITY_UNTIL seconds after the script started; beside it (if .device/cli/main.mjs
#      is carried) the project's own CLI on webgpu, `sdi deblur --backend webgpu $CLI_ARGS`, one process per
#      Levin image of CLI_IMAGES.
# It writes into $OUT (at most 8 files come back):
#   speed-webgpu.json/.md, webgpu-step.cpuprofile, speed-torch.json, and quality.tar.gz with the
#   estimates and logs/ (nvidia-smi.txt, webgpu.log, probe.log, census.log, torch.log)
# Merge and score here afterwards:
#   npm run bench:speed -- --merge <dir>/speed-torch.json --merge <dir>/speed-webgpu.json
#   tar xzf <dir>/quality.tar.gz -C tmp/gpu && npm run bench:quality -- --set levin-motion \
#     --method torch-reference-paper --import tmp/gpu/quality/reference
#
# Before the device call (on the session's own machine, from the project root):
#   npm install --no-save webgpu                        # the optional Dawn binding, copied by prepare.sh
#   bash ../shared/device/prepare.sh bench/speed.ts     # .device/: node, bundle.mjs, dawn.node, GL loaders
#   (optional) bundle src/cli/main.ts into .device/cli/main.mjs, bench/kernel_census.ts into
#   .device/census.mjs and bench/gpu/webgpu_probe.ts into .device/probe.mjs with the same esbuild flags
#   (optional) .gpu/reference/deblursdi_torch.py and .gpu/levin/blurred/*.png from ../shared
# Device call: carry [".device", ".gpu"], command: bash bench/gpu/run_device.sh
# The tracked tree plus .device must stay under the tool's 64 MiB: move results/ (≈ 75 MB of images) out of
# the checkout for the call (not behind a symbolic link: the tool counts tracked files through it), and
# bundle with esbuild's --minify --keep-names (except the probe). Timelines: 2026-11-26 (H100) webgpu 45 s,
# PyTorch strict fp32 345 s, two reference images at 30 × 200 in parallel 177 s; 2026-11-27 (H200) a start
# ≈ 35 s, webgpu + probe + census + PyTorch (2 configs) 59 s, four reference images at 30 × 200 in parallel
# 205 s, at 30 × 50 86 s. CLI runs beside reference runs share the GPU: the host-bound tfjs step went from
# ≈ 0.25 to ≈ 0.63 s with nine processes on it, so give CLI runs the GPU to themselves (QUALITY_PROCS="").
set -uo pipefail
: "${OUT:?OUT must name the output folder}"
OUT=$(cd "$OUT" && pwd)
cd "$(dirname "$0")/../.."
root=$(pwd)
STEPS=${STEPS:-5}
CONFIGS=${CONFIGS:-256-32-31,256-64-31,256-128-31,64-32-31,128-32-31,256-16-31,256-32-15,256-32-63}
WEBGPU_TIMEOUT=${WEBGPU_TIMEOUT:-200}
QUALITY_UNTIL=${QUALITY_UNTIL:-500}
QUALITY_PROCS=${QUALITY_PROCS-"im1_kernel1,im2_kernel3,im4_kernel5 im3_kernel6,im4_kernel8,im2_kernel2"}
QUALITY_T=${QUALITY_T:-30}
QUALITY_S=${QUALITY_S:-200}
CLI_IMAGES=${CLI_IMAGES:-im1_kernel1}  # one `sdi deblur` process per id
CLI_ARGS=${CLI_ARGS:---preset fast}
CLI_TIMEOUT=${CLI_TIMEOUT:-240}
PROBE_CONFIG=${PROBE_CONFIG:-256-32-31}
PROBE_TIMEOUT=${PROBE_TIMEOUT:-120}
CENSUS_SIZES=${CENSUS_SIZES:-256}
TORCH_TIMEOUT=${TORCH_TIMEOUT:-200}
# node and the GL loaders whatever phases run (.device/run.sh unpacks them too; with SKIP_SPEED it never runs)
if [ -f .device/node.xz ] && [ ! -x /tmp/node ]; then
  for f in .device/gl/*.deb; do dpkg -x "$f" / 2>/dev/null; done; ldconfig 2>/dev/null
  xz -d -c .device/node.xz > /tmp/node && chmod +x /tmp/node
fi
LOGS=/tmp/quality/logs && mkdir -p "$LOGS"  # per-phase logs travel in quality.tar.gz (the tool returns at most 8 files)
nvidia-smi > "$LOGS/nvidia-smi.txt" 2>&1 || true

echo "== [$SECONDS s] tfjs webgpu"
if [ -n "${SKIP_SPEED:-}" ]; then
  echo "SKIP_SPEED set: speed phases skipped"
elif [ -f .device/run.sh ]; then
  timeout "$WEBGPU_TIMEOUT" bash .device/run.sh --backend webgpu --configs "$CONFIGS" --steps "$STEPS" --out "$OUT/speed-webgpu.json" 2>&1 | tee "$LOGS/webgpu.log"
  echo "webgpu exit status ${PIPESTATUS[0]}" | tee -a "$LOGS/webgpu.log"
else
  echo "no .device/run.sh: run 'bash ../shared/device/prepare.sh bench/speed.ts' first and carry .device" | tee "$LOGS/webgpu.log"
fi

if [ -f .device/probe.mjs ] && [ -z "${SKIP_SPEED:-}" ]; then
  echo "== [$SECONDS s] webgpu probe: dispatch floors, flag variants, CPU profile of the step (bench/gpu/webgpu_probe.ts)"
  (
    export XDG_RUNTIME_DIR=/tmp
    [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    cd .device && timeout "$PROBE_TIMEOUT" /tmp/node probe.mjs --config "$PROBE_CONFIG" --steps "$STEPS" --out "$OUT"
    echo "probe exit status $?"
  ) 2>&1 | awk '!seen[$0]++' | tee "$LOGS/probe.log"
fi

if [ -f .device/census.mjs ] && [ -z "${SKIP_SPEED:-}" ]; then
  echo "== [$SECONDS s] kernel census on webgpu (counts and GPU time per tfjs kernel; project vs tfjs conv gradients)"
  (
    export XDG_RUNTIME_DIR=/tmp
    [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    cd .device && for size in $CENSUS_SIZES; do timeout 120 /tmp/node census.mjs webgpu $size 32 Conv2D,BatchMatMul; done
  ) 2>&1 | awk '!seen[$0]++' | tee "$LOGS/census.log"  # repeated lines (Dawn's validation blocks) once
fi

if [ -z "${SKIP_SPEED:-}" ]; then
  echo "== [$SECONDS s] PyTorch, strict fp32"
  timeout "$TORCH_TIMEOUT" python3 bench/reference/step_time.py --configs "$CONFIGS" --steps "$STEPS" --out "$OUT/speed-torch.json" 2>&1 | tee "$LOGS/torch.log"
  echo "PyTorch exit status ${PIPESTATUS[0]}" | tee -a "$LOGS/torch.log"
  if [ -n "${TORCH_TF32:-}" ]; then  # opt-in: the strict pass alone took 345 s on the H100 (2026-11-26)
    echo "== [$SECONDS s] PyTorch, TF32 allowed"
    python3 bench/reference/step_time.py --configs "$CONFIGS" --steps "$STEPS" --tf32 --out "$OUT/speed-torch.json" 2>&1 | tee -a "$LOGS/torch.log"
  fi
fi

q=/tmp/quality && mkdir -p $q/reference $q/cli
if [ -f .gpu/reference/deblursdi_torch.py ]; then
  echo "== [$SECONDS s] PyTorch reference, T=$QUALITY_T x S=$QUALITY_S, until $QUALITY_UNTIL s: $QUALITY_PROCS"
  pids=()
  n=0
  for ids in $QUALITY_PROCS; do
    OMP_NUM_THREADS=2 python3 bench/gpu/reference_quality.py --reference .gpu/reference --levin .gpu/levin/blurred \
      --out $q/reference --steps "$QUALITY_T" --iters "$QUALITY_S" ${ids//,/ } > $q/reference-$n.log 2>&1 &
    pids+=($!)
    n=$((n + 1))
  done
  if [ -f .device/cli/main.mjs ]; then
    # Levin kernel sizes (true size + 2, as the harness and reference_quality.py) by kernel number
    levin_ksize() { case "${1##*_kernel}" in 1) echo 21;; 2) echo 19;; 3) echo 17;; 4) echo 29;; 5) echo 15;; 6) echo 23;; *) echo 25;; esac; }
    for id in $CLI_IMAGES; do
      echo "== [$SECONDS s] sdi deblur --backend webgpu $CLI_ARGS on $id (beside the reference jobs)"
      (
        export XDG_RUNTIME_DIR=/tmp
        [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
        t0=$SECONDS
        cd .device/cli && timeout "$CLI_TIMEOUT" /tmp/node main.mjs deblur "$root/.gpu/levin/blurred/${id}_img.png" -o $q/cli/$id.png \
          --kernel-out $q/cli/${id}_kernel.txt --kernel-size "$(levin_ksize "$id")" --backend webgpu $CLI_ARGS --seed 0 --report $q/cli/$id.report.json
        echo "sdi $id exit status $? after $((SECONDS - t0)) s"
      ) > $q/cli-$id.log 2>&1 &
      pids+=($!)
    done
  fi
  any_alive() { for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && return 0; done; return 1; }
  while [ "$SECONDS" -lt "$QUALITY_UNTIL" ] && any_alive; do sleep 5; done
  for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && pkill -P "$p"; kill "$p" 2>/dev/null; done
  echo "== [$SECONDS s] quality phase over:"
  cat $q/reference-*.log $q/cli-*.log 2>/dev/null | grep -v '^\s*$' | tail -30
fi
tar czf "$OUT/quality.tar.gz" -C /tmp quality
ls -l "$OUT"
