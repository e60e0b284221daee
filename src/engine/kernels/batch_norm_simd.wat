;; Fused elementwise passes of training-mode batch norm + LeakyReLU, in 128-bit wasm SIMD, run on
;; tfjs-backend-wasm's own heap (the memory is imported; every pointer is a byte offset into it).
;; Assembled by scripts/build_wasm_kernels.ts into batch_norm_simd_binary.ts; registered as tfjs kernels
;; by wasm_batch_norm_kernels.ts. NHWC tensors of n values with C channels innermost (C a multiple of 4);
;; per-channel vectors hold C values. Each function does in one pass what tfjs-wasm does in two or
;; three, with the same float32 operations in the same order (no fused multiply-add), so the results
;; are bit for bit those of the tfjs composition they replace.
;;
;; The line `(import "env" "memory" (memory 1))` is rewritten to a shared memory for the threaded binary.
(module
  (import "env" "memory" (memory 1))

  ;; c = x − μ[ch],  sq = c·c
  (func (export "centreSquare")
    (param $x i32) (param $mu i32) (param $c i32) (param $sq i32) (param $n i32) (param $C i32)
    (local $i i32) (local $j i32) (local $end i32) (local $cb i32) (local $v v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (f32x4.sub
          (v128.load (i32.add (local.get $x) (local.get $i)))
          (v128.load (i32.add (local.get $mu) (local.get $j)))))
        (v128.store (i32.add (local.get $c) (local.get $i)) (local.get $v))
        (v128.store (i32.add (local.get $sq) (local.get $i)) (f32x4.mul (local.get $v) (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (if (i32.ge_u (local.get $j) (local.get $cb)) (then (local.set $j (i32.const 0))))
        (br $next))))

  ;; y = c·s[ch] + β[ch],  out = y if y > 0 else y·α   (α = 1: the plain batch norm)
  (func (export "scaleShiftLeaky")
    (param $c i32) (param $s i32) (param $beta i32) (param $out i32) (param $n i32) (param $C i32) (param $alpha f32)
    (local $i i32) (local $j i32) (local $end i32) (local $cb i32) (local $y v128) (local $a v128) (local $zero v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (local.set $a (f32x4.splat (local.get $alpha)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $y (f32x4.add
          (f32x4.mul
            (v128.load (i32.add (local.get $c) (local.get $i)))
            (v128.load (i32.add (local.get $s) (local.get $j))))
          (v128.load (i32.add (local.get $beta) (local.get $j)))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (v128.bitselect (local.get $y) (f32x4.mul (local.get $y) (local.get $a))
            (f32x4.gt (local.get $y) (local.get $zero))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (if (i32.ge_u (local.get $j) (local.get $cb)) (then (local.set $j (i32.const 0))))
        (br $next))))

  ;; g = dOut if out > 0 else dOut·α,  gc = g·c   (elementwise, no channel vector)
  (func (export "leakyGradCentred")
    (param $dOut i32) (param $out i32) (param $c i32) (param $g i32) (param $gc i32) (param $n i32) (param $alpha f32)
    (local $i i32) (local $end i32) (local $d v128) (local $a v128) (local $zero v128)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $a (f32x4.splat (local.get $alpha)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $d (v128.load (i32.add (local.get $dOut) (local.get $i))))
        (local.set $d (v128.bitselect (local.get $d) (f32x4.mul (local.get $d) (local.get $a))
          (f32x4.gt (v128.load (i32.add (local.get $out) (local.get $i))) (local.get $zero))))
        (v128.store (i32.add (local.get $g) (local.get $i)) (local.get $d))
        (v128.store (i32.add (local.get $gc) (local.get $i))
          (f32x4.mul (local.get $d) (v128.load (i32.add (local.get $c) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next))))

  ;; dx = (g − (c·t[ch] + m[ch]))·s[ch]
  (func (export "batchNormInputGradient")
    (param $g i32) (param $c i32) (param $t i32) (param $m i32) (param $s i32) (param $dx i32) (param $n i32) (param $C i32)
    (local $i i32) (local $j i32) (local $end i32) (local $cb i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $cb (i32.shl (local.get $C) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (v128.store (i32.add (local.get $dx) (local.get $i))
          (f32x4.mul
            (f32x4.sub
              (v128.load (i32.add (local.get $g) (local.get $i)))
              (f32x4.add
                (f32x4.mul
                  (v128.load (i32.add (local.get $c) (local.get $i)))
                  (v128.load (i32.add (local.get $t) (local.get $j))))
                (v128.load (i32.add (local.get $m) (local.get $j)))))
            (v128.load (i32.add (local.get $s) (local.get $j)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (if (i32.ge_u (local.get $j) (local.get $cb)) (then (local.set $j (i32.const 0))))
        (br $next))))
)
