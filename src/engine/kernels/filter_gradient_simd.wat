;; The filter gradient of a small-filter convolution (Conv2DBackpropFilter) directly from NHWC x and dy,
;; in 128-bit wasm SIMD on tfjs-backend-wasm's heap (imported memory; pointers are byte offsets).
;; Assembled by scripts/build_wasm_kernels.ts into filter_gradient_simd_binary.ts; used through
;; engine/kernels/wasm_filter_gradient_kernel.ts. For y = conv(xp, w), valid, strides (sh, sw):
;;
;;   dw[a, b, c, o] = Σ_{n, i, j} xp[n, sh·i + a, sw·j + b, c] · dy[n, i, j, o]
;;
;; Register tile: 4 input channels × 8 output channels of one tap (8 f32x4 accumulators), reduced over a
;; block of `block` output pixels of one row, so that the block's x and dy stay in the L1 cache while
;; every tap and tile passes over them; the accumulators live in `out` between blocks. Per pixel: two
;; loads of dy, four splat loads of x, eight multiplies and eight adds (no fused multiply-add in wasm
;; SIMD). Requires cin % 4 == 0 and cout % 8 == 0 (the caller checks). Computes (and first zeroes) the
;; input channels [ciStart, ciEnd) of dw only (multiples of 4), so that two threads can share the work.
;; The line `(import "env" "memory" (memory 1))` is rewritten to a shared memory for the threaded binary.
(module
  (import "env" "memory" (memory 1))

  (func (export "filterGradient")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $n i32) (param $hp i32) (param $wp i32) (param $cin i32)
    (param $ho i32) (param $wo i32) (param $cout i32)
    (param $kh i32) (param $kw i32) (param $sh i32) (param $sw i32) (param $block i32)
    (param $ciStart i32) (param $ciEnd i32)
    (local $img i32) (local $i i32) (local $j0 i32) (local $jn i32) (local $a i32) (local $b i32)
    (local $ci i32) (local $co i32)
    (local $xBase i32) (local $dyBase i32) (local $tapOut i32) (local $acc i32)
    (local $px i32) (local $pd i32) (local $pdEnd i32)
    (local $xStep i32) (local $dyStep i32) (local $rowBytes i32)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    ;; dw[a, b, ciStart … ciEnd − 1, :] = 0 for every tap
    (local.set $a (i32.const 0))
    (loop $zeroTaps
      (memory.fill
        (i32.add (local.get $out) (i32.shl (i32.mul (i32.add (i32.mul (local.get $a) (local.get $cin)) (local.get $ciStart)) (local.get $cout)) (i32.const 2)))
        (i32.const 0)
        (i32.shl (i32.mul (i32.sub (local.get $ciEnd) (local.get $ciStart)) (local.get $cout)) (i32.const 2)))
      (local.set $a (i32.add (local.get $a) (i32.const 1)))
      (br_if $zeroTaps (i32.lt_u (local.get $a) (i32.mul (local.get $kh) (local.get $kw)))))
    (local.set $xStep (i32.shl (i32.mul (local.get $sw) (local.get $cin)) (i32.const 2)))   ;; bytes between x pixels of consecutive j
    (local.set $dyStep (i32.shl (local.get $cout) (i32.const 2)))                           ;; bytes per dy pixel = per dw row
    (local.set $rowBytes (local.get $dyStep))
    (local.set $img (i32.const 0))
    (loop $images
      (local.set $i (i32.const 0))
      (loop $rows
        (local.set $j0 (i32.const 0))
        (loop $blocks
          (local.set $jn (i32.sub (local.get $wo) (local.get $j0)))
          (if (i32.gt_u (local.get $jn) (local.get $block)) (then (local.set $jn (local.get $block))))
          ;; dy[img, i, j0, 0]
          (local.set $dyBase (i32.add (local.get $dy)
            (i32.shl (i32.mul (i32.add (i32.mul (i32.add (i32.mul (local.get $img) (local.get $ho)) (local.get $i)) (local.get $wo)) (local.get $j0))
              (local.get $cout)) (i32.const 2))))
          (local.set $a (i32.const 0))
          (loop $tapRows
            (local.set $b (i32.const 0))
            (loop $tapCols
              ;; xp[img, sh·i + a, sw·j0 + b, 0]
              (local.set $xBase (i32.add (local.get $x)
                (i32.shl (i32.mul
                  (i32.add
                    (i32.mul (i32.add (i32.mul (local.get $img) (local.get $hp)) (i32.add (i32.mul (local.get $sh) (local.get $i)) (local.get $a))) (local.get $wp))
                    (i32.add (i32.mul (local.get $sw) (local.get $j0)) (local.get $b)))
                  (local.get $cin)) (i32.const 2))))
              (local.set $tapOut (i32.add (local.get $out)
                (i32.shl (i32.mul (i32.add (i32.mul (local.get $a) (local.get $kw)) (local.get $b)) (i32.mul (local.get $cin) (local.get $cout))) (i32.const 2))))
              (local.set $ci (local.get $ciStart))
              (loop $ciTiles
                (local.set $co (i32.const 0))
                (loop $coTiles
                  ;; dw[a, b, ci.., co..]: 4 rows of 8
                  (local.set $acc (i32.add (local.get $tapOut)
                    (i32.shl (i32.add (i32.mul (local.get $ci) (local.get $cout)) (local.get $co)) (i32.const 2))))
                  (local.set $a00 (v128.load (local.get $acc)))
                  (local.set $a01 (v128.load offset=16 (local.get $acc)))
                  (local.set $a10 (v128.load (i32.add (local.get $acc) (local.get $rowBytes))))
                  (local.set $a11 (v128.load offset=16 (i32.add (local.get $acc) (local.get $rowBytes))))
                  (local.set $a20 (v128.load (i32.add (local.get $acc) (i32.shl (local.get $rowBytes) (i32.const 1)))))
                  (local.set $a21 (v128.load offset=16 (i32.add (local.get $acc) (i32.shl (local.get $rowBytes) (i32.const 1)))))
                  (local.set $a30 (v128.load (i32.add (local.get $acc) (i32.mul (local.get $rowBytes) (i32.const 3)))))
                  (local.set $a31 (v128.load offset=16 (i32.add (local.get $acc) (i32.mul (local.get $rowBytes) (i32.const 3)))))
                  (local.set $px (i32.add (local.get $xBase) (i32.shl (local.get $ci) (i32.const 2))))
                  (local.set $pd (i32.add (local.get $dyBase) (i32.shl (local.get $co) (i32.const 2))))
                  (local.set $pdEnd (i32.add (local.get $pd) (i32.mul (local.get $jn) (local.get $dyStep))))
                  (loop $pixels
                    (local.set $d0 (v128.load (local.get $pd)))
                    (local.set $d1 (v128.load offset=16 (local.get $pd)))
                    (local.set $s (v128.load32_splat (local.get $px)))
                    (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $d1))))
                    (local.set $s (v128.load32_splat offset=4 (local.get $px)))
                    (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $d1))))
                    (local.set $s (v128.load32_splat offset=8 (local.get $px)))
                    (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $d1))))
                    (local.set $s (v128.load32_splat offset=12 (local.get $px)))
                    (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $d0))))
                    (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $d1))))
                    (local.set $px (i32.add (local.get $px) (local.get $xStep)))
                    (local.set $pd (i32.add (local.get $pd) (local.get $dyStep)))
                    (br_if $pixels (i32.lt_u (local.get $pd) (local.get $pdEnd))))
                  (v128.store (local.get $acc) (local.get $a00))
                  (v128.store offset=16 (local.get $acc) (local.get $a01))
                  (v128.store (i32.add (local.get $acc) (local.get $rowBytes)) (local.get $a10))
                  (v128.store offset=16 (i32.add (local.get $acc) (local.get $rowBytes)) (local.get $a11))
                  (v128.store (i32.add (local.get $acc) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $a20))
                  (v128.store offset=16 (i32.add (local.get $acc) (i32.shl (local.get $rowBytes) (i32.const 1))) (local.get $a21))
                  (v128.store (i32.add (local.get $acc) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $a30))
                  (v128.store offset=16 (i32.add (local.get $acc) (i32.mul (local.get $rowBytes) (i32.const 3))) (local.get $a31))
                  (local.set $co (i32.add (local.get $co) (i32.const 8)))
                  (br_if $coTiles (i32.lt_u (local.get $co) (local.get $cout))))
                (local.set $ci (i32.add (local.get $ci) (i32.const 4)))
                (br_if $ciTiles (i32.lt_u (local.get $ci) (local.get $ciEnd))))
              (local.set $b (i32.add (local.get $b) (i32.const 1)))
              (br_if $tapCols (i32.lt_u (local.get $b) (local.get $kw))))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br_if $tapRows (i32.lt_u (local.get $a) (local.get $kh))))
          (local.set $j0 (i32.add (local.get $j0) (local.get $block)))
          (br_if $blocks (i32.lt_u (local.get $j0) (local.get $wo))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $rows (i32.lt_u (local.get $i) (local.get $ho))))
      (local.set $img (i32.add (local.get $img) (i32.const 1)))
      (br_if $images (i32.lt_u (local.get $img) (local.get $n))))
  )
)
