;; The gradient of an exact 2× bilinear upsampling with half-pixel centres (the U-Net's decoder), in
;; 128-bit wasm SIMD on tfjs-backend-wasm's heap (imported memory; byte offsets). Assembled by
;; scripts/build_wasm_kernels.ts into resize_gradient_simd_binary.ts; registered as a tfjs kernel by
;; wasm_resize_gradient_kernel.ts.
;;
;; gradients/resize_bilinear_gradient.ts computes dx = 4·P₂(P₁(P₁(pad(dy)))): pad = edge replication by one
;; (a symmetric mirror pad), P₁ a 2×2 average pool of stride 1, P₂ one of stride 2 — XNNPACK's pools, whose
;; 2×2 window sums as 0.25·((x[p, q] + x[p+1, q]) + (x[p, q+1] + x[p+1, q+1])) (measured bit for bit,
;; test/engine/wasm_resize_gradient_kernel.test.ts). This computes each output pixel from its 4×4 window
;; of dy with the same float32 operations in the same order, so the values are those of the three pools
;; (up to the sign of an exact zero: XNNPACK's pool adds +0 from unused window slots), without writing the
;; three intermediate maps (≈ 3 full-size passes and ≈ 8 ms per 286²×32 gradient on this box).
;;
;; dy: [2h, 2w, C] of one image, out: [h, w, C]; C a multiple of 4. Rows [rowStart, rowEnd) of out.
;; The line `(import "env" "memory" (memory 1))` is rewritten to a shared memory for the threaded binary.
(module
  (import "env" "memory" (memory 1))

  ;; byte offset of entry clamp(r, 0, n − 1) of an axis whose entries are `stride` bytes apart (dy's rows or columns)
  (func $clampedOffset (param $r i32) (param $n i32) (param $stride i32) (result i32)
    (if (i32.lt_s (local.get $r) (i32.const 0)) (then (local.set $r (i32.const 0))))
    (if (i32.ge_s (local.get $r) (local.get $n)) (then (local.set $r (i32.sub (local.get $n) (i32.const 1)))))
    (i32.mul (local.get $r) (local.get $stride)))

  (func (export "resizeDoubleGrad")
    (param $dy i32) (param $out i32) (param $h2 i32) (param $w2 i32) (param $C i32) (param $rowStart i32) (param $rowEnd i32)
    (local $i i32) (local $j i32) (local $w i32) (local $cb i32) (local $cBytes i32) (local $rowBytes i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32)
    (local $o i32)
    ;; vertical pair sums V[p][c] = d[p][c] + d[p+1][c], p = 0…2, c = 0…3
    (local $v00 v128) (local $v01 v128) (local $v02 v128) (local $v03 v128)
    (local $v10 v128) (local $v11 v128) (local $v12 v128) (local $v13 v128)
    (local $v20 v128) (local $v21 v128) (local $v22 v128) (local $v23 v128)
    ;; first pool O[p][q] = ¼·(V[p][q] + V[p][q+1]), p, q = 0…2
    (local $o00 v128) (local $o01 v128) (local $o02 v128)
    (local $o10 v128) (local $o11 v128) (local $o12 v128)
    (local $o20 v128) (local $o21 v128) (local $o22 v128)
    ;; second pool's pair sums T[p][q] = O[p][q] + O[p+1][q], p = 0…1, q = 0…2
    (local $t00 v128) (local $t01 v128) (local $t02 v128)
    (local $t10 v128) (local $t11 v128) (local $t12 v128)
    ;; second pool W[p][q] = ¼·(T[p][q] + T[p][q+1]), p, q = 0…1
    (local $w00 v128) (local $w01 v128) (local $w10 v128) (local $w11 v128)
    (local $quarter v128) (local $four v128)
    (local.set $quarter (f32x4.splat (f32.const 0.25)))
    (local.set $four (f32x4.splat (f32.const 4)))
    (local.set $w (i32.shr_u (local.get $w2) (i32.const 1)))
    (local.set $cBytes (i32.shl (local.get $C) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $w2) (local.get $cBytes)))
    (local.set $i (local.get $rowStart))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rowEnd)))
        ;; dy rows 2i − 1 … 2i + 2, edge-replicated
        (local.set $r0 (i32.add (local.get $dy) (call $clampedOffset (i32.sub (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)) (local.get $h2) (local.get $rowBytes))))
        (local.set $r1 (i32.add (local.get $dy) (call $clampedOffset (i32.shl (local.get $i) (i32.const 1)) (local.get $h2) (local.get $rowBytes))))
        (local.set $r2 (i32.add (local.get $dy) (call $clampedOffset (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 1)) (local.get $h2) (local.get $rowBytes))))
        (local.set $r3 (i32.add (local.get $dy) (call $clampedOffset (i32.add (i32.shl (local.get $i) (i32.const 1)) (i32.const 2)) (local.get $h2) (local.get $rowBytes))))
        (local.set $o (i32.add (local.get $out) (i32.mul (local.get $i) (i32.mul (local.get $w) (local.get $cBytes)))))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $cols
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $w)))
            ;; dy columns 2j − 1 … 2j + 2, edge-replicated
            (local.set $q0 (call $clampedOffset (i32.sub (i32.shl (local.get $j) (i32.const 1)) (i32.const 1)) (local.get $w2) (local.get $cBytes)))
            (local.set $q1 (call $clampedOffset (i32.shl (local.get $j) (i32.const 1)) (local.get $w2) (local.get $cBytes)))
            (local.set $q2 (call $clampedOffset (i32.add (i32.shl (local.get $j) (i32.const 1)) (i32.const 1)) (local.get $w2) (local.get $cBytes)))
            (local.set $q3 (call $clampedOffset (i32.add (i32.shl (local.get $j) (i32.const 1)) (i32.const 2)) (local.get $w2) (local.get $cBytes)))
            (local.set $cb (i32.const 0))
            (block $chDone
              (loop $ch
                (br_if $chDone (i32.ge_u (local.get $cb) (local.get $cBytes)))
                ;; V[p][c] = d[p][c] + d[p+1][c]
                (local.set $v00 (f32x4.add (v128.load (i32.add (i32.add (local.get $r0) (local.get $q0)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r1) (local.get $q0)) (local.get $cb)))))
                (local.set $v01 (f32x4.add (v128.load (i32.add (i32.add (local.get $r0) (local.get $q1)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r1) (local.get $q1)) (local.get $cb)))))
                (local.set $v02 (f32x4.add (v128.load (i32.add (i32.add (local.get $r0) (local.get $q2)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r1) (local.get $q2)) (local.get $cb)))))
                (local.set $v03 (f32x4.add (v128.load (i32.add (i32.add (local.get $r0) (local.get $q3)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r1) (local.get $q3)) (local.get $cb)))))
                (local.set $v10 (f32x4.add (v128.load (i32.add (i32.add (local.get $r1) (local.get $q0)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r2) (local.get $q0)) (local.get $cb)))))
                (local.set $v11 (f32x4.add (v128.load (i32.add (i32.add (local.get $r1) (local.get $q1)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r2) (local.get $q1)) (local.get $cb)))))
                (local.set $v12 (f32x4.add (v128.load (i32.add (i32.add (local.get $r1) (local.get $q2)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r2) (local.get $q2)) (local.get $cb)))))
                (local.set $v13 (f32x4.add (v128.load (i32.add (i32.add (local.get $r1) (local.get $q3)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r2) (local.get $q3)) (local.get $cb)))))
                (local.set $v20 (f32x4.add (v128.load (i32.add (i32.add (local.get $r2) (local.get $q0)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r3) (local.get $q0)) (local.get $cb)))))
                (local.set $v21 (f32x4.add (v128.load (i32.add (i32.add (local.get $r2) (local.get $q1)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r3) (local.get $q1)) (local.get $cb)))))
                (local.set $v22 (f32x4.add (v128.load (i32.add (i32.add (local.get $r2) (local.get $q2)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r3) (local.get $q2)) (local.get $cb)))))
                (local.set $v23 (f32x4.add (v128.load (i32.add (i32.add (local.get $r2) (local.get $q3)) (local.get $cb))) (v128.load (i32.add (i32.add (local.get $r3) (local.get $q3)) (local.get $cb)))))
                ;; O[p][q] = ¼·(V[p][q] + V[p][q+1])
                (local.set $o00 (f32x4.mul (f32x4.add (local.get $v00) (local.get $v01)) (local.get $quarter)))
                (local.set $o01 (f32x4.mul (f32x4.add (local.get $v01) (local.get $v02)) (local.get $quarter)))
                (local.set $o02 (f32x4.mul (f32x4.add (local.get $v02) (local.get $v03)) (local.get $quarter)))
                (local.set $o10 (f32x4.mul (f32x4.add (local.get $v10) (local.get $v11)) (local.get $quarter)))
                (local.set $o11 (f32x4.mul (f32x4.add (local.get $v11) (local.get $v12)) (local.get $quarter)))
                (local.set $o12 (f32x4.mul (f32x4.add (local.get $v12) (local.get $v13)) (local.get $quarter)))
                (local.set $o20 (f32x4.mul (f32x4.add (local.get $v20) (local.get $v21)) (local.get $quarter)))
                (local.set $o21 (f32x4.mul (f32x4.add (local.get $v21) (local.get $v22)) (local.get $quarter)))
                (local.set $o22 (f32x4.mul (f32x4.add (local.get $v22) (local.get $v23)) (local.get $quarter)))
                ;; T[p][q] = O[p][q] + O[p+1][q]
                (local.set $t00 (f32x4.add (local.get $o00) (local.get $o10)))
                (local.set $t01 (f32x4.add (local.get $o01) (local.get $o11)))
                (local.set $t02 (f32x4.add (local.get $o02) (local.get $o12)))
                (local.set $t10 (f32x4.add (local.get $o10) (local.get $o20)))
                (local.set $t11 (f32x4.add (local.get $o11) (local.get $o21)))
                (local.set $t12 (f32x4.add (local.get $o12) (local.get $o22)))
                ;; W[p][q] = ¼·(T[p][q] + T[p][q+1])
                (local.set $w00 (f32x4.mul (f32x4.add (local.get $t00) (local.get $t01)) (local.get $quarter)))
                (local.set $w01 (f32x4.mul (f32x4.add (local.get $t01) (local.get $t02)) (local.get $quarter)))
                (local.set $w10 (f32x4.mul (f32x4.add (local.get $t10) (local.get $t11)) (local.get $quarter)))
                (local.set $w11 (f32x4.mul (f32x4.add (local.get $t11) (local.get $t12)) (local.get $quarter)))
                ;; out = 4·¼·((W[0][0] + W[1][0]) + (W[0][1] + W[1][1]))
                (v128.store (i32.add (local.get $o) (local.get $cb))
                  (f32x4.mul
                    (f32x4.mul
                      (f32x4.add (f32x4.add (local.get $w00) (local.get $w10)) (f32x4.add (local.get $w01) (local.get $w11)))
                      (local.get $quarter))
                    (local.get $four)))
                (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
                (br $ch)))
            (local.set $o (i32.add (local.get $o) (local.get $cBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cols)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
  )
)
