;; Strided copies of runs of bytes on tfjs-backend-wasm's heap (imported memory; byte offsets), for the
;; project's Slice, SplitV and Concat kernels (engine/kernels/wasm_copy_kernels.ts): `count` runs of
;; `run` bytes, run k read at src + k·srcStride and written at dst + k·dstStride. A 16-byte SIMD loop for
;; runs of up to 256 bytes (a pixel's channels: where a JavaScript loop or a call per run is slow),
;; memory.copy for longer ones and for the last run % 16 bytes. Assembled by scripts/build_wasm_kernels.ts.
;; The line `(import "env" "memory" (memory 1))` is rewritten to a shared memory for the threaded binary.
(module
  (import "env" "memory" (memory 1))

  (func (export "copyRuns")
    (param $src i32) (param $srcStride i32) (param $dst i32) (param $dstStride i32) (param $run i32) (param $count i32)
    (local $k i32) (local $i i32) (local $vecEnd i32)
    (local.set $vecEnd (select (i32.and (local.get $run) (i32.const -16)) (i32.const 0) (i32.le_u (local.get $run) (i32.const 256))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $k) (local.get $count)))
        (local.set $i (i32.const 0))
        (block $vecDone
          (loop $vec
            (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
            (v128.store (i32.add (local.get $dst) (local.get $i)) (v128.load (i32.add (local.get $src) (local.get $i))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $vec)))
        (if (i32.lt_u (local.get $i) (local.get $run))
          (then (memory.copy
            (i32.add (local.get $dst) (local.get $i))
            (i32.add (local.get $src) (local.get $i))
            (i32.sub (local.get $run) (local.get $i)))))
        (local.set $src (i32.add (local.get $src) (local.get $srcStride)))
        (local.set $dst (i32.add (local.get $dst) (local.get $dstStride)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $next)))
  )
)
