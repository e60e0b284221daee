;; Adam's update of a flat parameter vector in one pass, in 128-bit wasm SIMD on tfjs-backend-wasm's
;; heap (imported memory; pointers are byte offsets). Assembled by scripts/build_wasm_kernels.ts into
;; adam_simd_binary.ts; used by solver/flat_adam.ts through engine/kernels/wasm_adam_kernel.ts.
;; The float32 operations and their order are those of FlatAdam's tfjs ops, so the same bits:
;;
;;   m' = m·b1 + g·c1,   v' = v·b2 + (g·g)·c2,   w' = w − (m'·a) / (√(v'·s) + ε)
;;
;; (c1 = 1 − b1, c2 = 1 − b2, a = η/(1 − b1ᵗ), s = 1/(1 − b2ᵗ), all rounded to float32 as tfjs does.)
;; The line `(import "env" "memory" (memory 1))` is rewritten to a shared memory for the threaded binary.
(module
  (import "env" "memory" (memory 1))

  (func (export "adamUpdate")
    (param $g i32) (param $m i32) (param $v i32) (param $w i32)
    (param $mOut i32) (param $vOut i32) (param $wOut i32) (param $n i32)
    (param $b1 f32) (param $c1 f32) (param $b2 f32) (param $c2 f32) (param $a f32) (param $s f32) (param $eps f32)
    (local $i i32) (local $end i32) (local $vecEnd i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $C1 v128) (local $B2 v128) (local $C2 v128) (local $A v128) (local $S v128) (local $E v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $A (f32x4.splat (local.get $a)))
    (local.set $S (f32x4.splat (local.get $s)))
    (local.set $E (f32x4.splat (local.get $eps)))
    (block $vecDone
      (loop $vec
        (br_if $vecDone (i32.ge_u (local.get $i) (local.get $vecEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $B1))
          (f32x4.mul (local.get $gv) (local.get $C1))))
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $B2))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $C2))))
        (v128.store (i32.add (local.get $mOut) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $wOut) (local.get $i))
          (f32x4.sub
            (v128.load (i32.add (local.get $w) (local.get $i)))
            (f32x4.div
              (f32x4.mul (local.get $mv) (local.get $A))
              (f32x4.add (f32x4.sqrt (f32x4.mul (local.get $vv) (local.get $S))) (local.get $E)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vec)))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
        (f32.store (i32.add (local.get $mOut) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $vOut) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $wOut) (local.get $i))
          (f32.sub
            (f32.load (i32.add (local.get $w) (local.get $i)))
            (f32.div
              (f32.mul (local.get $ms) (local.get $a))
              (f32.add (f32.sqrt (f32.mul (local.get $vs) (local.get $s))) (local.get $eps)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail)))
  )
)
