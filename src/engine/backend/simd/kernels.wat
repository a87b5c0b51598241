;; SIMD kernels that run on the TF.js wasm backend's own memory (simd/README.md).
;;
;; Every pointer is a byte offset into the imported memory, which is the backend's heap; every
;; tensor is float32, channels last. Functions that vectorise over channels need C % 4 == 0 (the
;; caller checks). The build (build.ts, `npm run simd:build`) compiles this file twice: with the
;; memory import below (the threaded backend's shared memory) and with `shared` removed (the
;; single-threaded backend's).
(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; outer x inner blocks of c floats: block (i, j) goes from src + i*srcOuter + j*srcInner to
  ;; dst + i*dstOuter + j*dstInner (strides in bytes). The sub-pixel interleave.
  (func (export "copyBlocks")
    (param $dst i32) (param $dstOuter i32) (param $dstInner i32)
    (param $src i32) (param $srcOuter i32) (param $srcInner i32)
    (param $outer i32) (param $inner i32) (param $c i32)
    (local $i i32) (local $j i32) (local $k i32) (local $d i32) (local $s i32) (local $vecBytes i32) (local $bytes i32)
    (local.set $bytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vecBytes (i32.and (local.get $bytes) (i32.const -16)))
    (block $outerDone
      (loop $outerLoop
        (br_if $outerDone (i32.ge_u (local.get $i) (local.get $outer)))
        (local.set $d (i32.add (local.get $dst) (i32.mul (local.get $i) (local.get $dstOuter))))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $srcOuter))))
        (local.set $j (i32.const 0))
        (block $innerDone
          (loop $innerLoop
            (br_if $innerDone (i32.ge_u (local.get $j) (local.get $inner)))
            (local.set $k (i32.const 0))
            (block $vecDone
              (loop $vecLoop
                (br_if $vecDone (i32.ge_u (local.get $k) (local.get $vecBytes)))
                (v128.store (i32.add (local.get $d) (local.get $k)) (v128.load (i32.add (local.get $s) (local.get $k))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $vecLoop)))
            (block $tailDone
              (loop $tailLoop
                (br_if $tailDone (i32.ge_u (local.get $k) (local.get $bytes)))
                (f32.store (i32.add (local.get $d) (local.get $k)) (f32.load (i32.add (local.get $s) (local.get $k))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $tailLoop)))
            (local.set $d (i32.add (local.get $d) (local.get $dstInner)))
            (local.set $s (i32.add (local.get $s) (local.get $srcInner)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $innerLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $outerLoop))))

  ;; One Adam step over n floats, in tfjs-core's AdamOptimizer order with float32 rounding at
  ;; every operation: m' = m*b1 + g*(1-b1); v' = v*b2 + g*g*(1-b2);
  ;; x' = ((m'/c1) / (sqrt(v'/c2) + eps)) * (-lr) + x.
  (func (export "adam")
    (param $x i32) (param $g i32) (param $m i32) (param $v i32)
    (param $x1 i32) (param $m1 i32) (param $v1 i32) (param $n i32)
    (param $negLr f32) (param $b1 f32) (param $oneMinusB1 f32) (param $b2 f32) (param $oneMinusB2 f32)
    (param $eps f32) (param $c1 f32) (param $c2 f32)
    (local $off i32) (local $vecEnd i32) (local $end i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (block $vecDone
      (loop $vecLoop
        (br_if $vecDone (i32.ge_u (local.get $off) (local.get $vecEnd)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $off))))
        (local.set $mv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $off))) (f32x4.splat (local.get $b1)))
          (f32x4.mul (local.get $gv) (f32x4.splat (local.get $oneMinusB1)))))
        (local.set $vv (f32x4.add
          (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $off))) (f32x4.splat (local.get $b2)))
          (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (f32x4.splat (local.get $oneMinusB2)))))
        (v128.store (i32.add (local.get $m1) (local.get $off)) (local.get $mv))
        (v128.store (i32.add (local.get $v1) (local.get $off)) (local.get $vv))
        (v128.store (i32.add (local.get $x1) (local.get $off))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (f32x4.splat (local.get $c1)))
                (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (f32x4.splat (local.get $c2)))) (f32x4.splat (local.get $eps))))
              (f32x4.splat (local.get $negLr)))
            (v128.load (i32.add (local.get $x) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $vecLoop)))
    (block $tailDone
      (loop $tailLoop
        (br_if $tailDone (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $off))))
        (local.set $ms (f32.add
          (f32.mul (f32.load (i32.add (local.get $m) (local.get $off))) (local.get $b1))
          (f32.mul (local.get $gs) (local.get $oneMinusB1))))
        (local.set $vs (f32.add
          (f32.mul (f32.load (i32.add (local.get $v) (local.get $off))) (local.get $b2))
          (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $oneMinusB2))))
        (f32.store (i32.add (local.get $m1) (local.get $off)) (local.get $ms))
        (f32.store (i32.add (local.get $v1) (local.get $off)) (local.get $vs))
        (f32.store (i32.add (local.get $x1) (local.get $off))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $eps)))
              (local.get $negLr))
            (f32.load (i32.add (local.get $x) (local.get $off)))))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $tailLoop))))

  ;; The gradient of ClipByValue over n floats: out = dy where lo <= x <= hi, +0 elsewhere (a NaN
  ;; x compares false: +0). dy AND the comparison mask, so dy passes bit for bit where x is inside.
  (func (export "clipGrad")
    (param $dy i32) (param $x i32) (param $out i32) (param $n i32) (param $lo f32) (param $hi f32)
    (local $off i32) (local $vecEnd i32) (local $end i32) (local $lov v128) (local $hiv v128) (local $xv v128) (local $xs f32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vecEnd (i32.and (local.get $end) (i32.const -16)))
    (local.set $lov (f32x4.splat (local.get $lo)))
    (local.set $hiv (f32x4.splat (local.get $hi)))
    (block $vecDone
      (loop $vecLoop
        (br_if $vecDone (i32.ge_u (local.get $off) (local.get $vecEnd)))
        (local.set $xv (v128.load (i32.add (local.get $x) (local.get $off))))
        (v128.store (i32.add (local.get $out) (local.get $off))
          (v128.and
            (v128.load (i32.add (local.get $dy) (local.get $off)))
            (v128.and (f32x4.ge (local.get $xv) (local.get $lov)) (f32x4.le (local.get $xv) (local.get $hiv)))))
        (local.set $off (i32.add (local.get $off) (i32.const 16)))
        (br $vecLoop)))
    (block $tailDone
      (loop $tailLoop
        (br_if $tailDone (i32.ge_u (local.get $off) (local.get $end)))
        (local.set $xs (f32.load (i32.add (local.get $x) (local.get $off))))
        (f32.store (i32.add (local.get $out) (local.get $off))
          (select
            (f32.load (i32.add (local.get $dy) (local.get $off)))
            (f32.const 0)
            (i32.and (f32.ge (local.get $xs) (local.get $lo)) (f32.le (local.get $xs) (local.get $hi)))))
        (local.set $off (i32.add (local.get $off) (i32.const 4)))
        (br $tailLoop))))

  ;; Max-pool gradient for 2x2 windows at stride 2 without padding, windows inside the input
  ;; (they never overlap). The first maximum in window order (top-left, top-right, bottom-left,
  ;; bottom-right) takes dy; NaN and -Infinity never win (tfjs-core's cpu kernel). Writes every
  ;; window position (0 where it lost); rows and columns outside all windows are not written.
  (func (export "maxPool2x2Grad")
    (param $x i32) (param $g i32) (param $out i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $c i32) (param $oh i32) (param $ow i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $ch i32)
    (local $cBytes i32) (local $rowBytes i32) (local $p i32) (local $q i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128) (local $best v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128) (local $gv v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $w) (local.get $cBytes)))
    (block $bDone
      (loop $bLoop
        (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $oy (i32.const 0))
        (block $oyDone
          (loop $oyLoop
            (br_if $oyDone (i32.ge_u (local.get $oy) (local.get $oh)))
            (local.set $ox (i32.const 0))
            (block $oxDone
              (loop $oxLoop
                (br_if $oxDone (i32.ge_u (local.get $ox) (local.get $ow)))
                ;; p: byte offset of the window's top-left in x/out; q: of its dy entry
                (local.set $p (i32.mul
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.shl (local.get $oy) (i32.const 1))) (local.get $w))
                           (i32.shl (local.get $ox) (i32.const 1)))
                  (local.get $cBytes)))
                (local.set $q (i32.mul
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox))
                  (local.get $cBytes)))
                (local.set $ch (i32.const 0))
                (block $chDone
                  (loop $chLoop
                    (br_if $chDone (i32.ge_u (local.get $ch) (local.get $cBytes)))
                    (local.set $x0 (v128.load (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $ch))))
                    (local.set $x1 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $cBytes)) (local.get $ch))))
                    (local.set $x2 (v128.load (i32.add (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $rowBytes)) (local.get $ch))))
                    (local.set $x3 (v128.load (i32.add (i32.add (i32.add (i32.add (local.get $x) (local.get $p)) (local.get $rowBytes)) (local.get $cBytes)) (local.get $ch))))
                    (local.set $w0 (f32x4.gt (local.get $x0) (f32x4.splat (f32.const -inf))))
                    (local.set $best (v128.bitselect (local.get $x0) (f32x4.splat (f32.const -inf)) (local.get $w0)))
                    (local.set $w1 (f32x4.gt (local.get $x1) (local.get $best)))
                    (local.set $best (v128.bitselect (local.get $x1) (local.get $best) (local.get $w1)))
                    (local.set $w2 (f32x4.gt (local.get $x2) (local.get $best)))
                    (local.set $best (v128.bitselect (local.get $x2) (local.get $best) (local.get $w2)))
                    (local.set $w3 (f32x4.gt (local.get $x3) (local.get $best)))
                    (local.set $gv (v128.load (i32.add (i32.add (local.get $g) (local.get $q)) (local.get $ch))))
                    ;; position k wins when it beat everything before it and nothing after beat it
                    (v128.store (i32.add (i32.add (local.get $out) (local.get $p)) (local.get $ch))
                      (v128.and (local.get $gv) (v128.andnot (v128.andnot (v128.andnot (local.get $w0) (local.get $w1)) (local.get $w2)) (local.get $w3))))
                    (v128.store (i32.add (i32.add (i32.add (local.get $out) (local.get $p)) (local.get $cBytes)) (local.get $ch))
                      (v128.and (local.get $gv) (v128.andnot (v128.andnot (local.get $w1) (local.get $w2)) (local.get $w3))))
                    (v128.store (i32.add (i32.add (i32.add (local.get $out) (local.get $p)) (local.get $rowBytes)) (local.get $ch))
                      (v128.and (local.get $gv) (v128.andnot (local.get $w2) (local.get $w3))))
                    (v128.store (i32.add (i32.add (i32.add (i32.add (local.get $out) (local.get $p)) (local.get $rowBytes)) (local.get $cBytes)) (local.get $ch))
                      (v128.and (local.get $gv) (local.get $w3)))
                    (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
                    (br $chLoop)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $oxLoop)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $oyLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bLoop))))

;; Convolution to ONE output channel, stride 1, no dilation:
  ;;   out[b, oy, ox] = sum over ky, kx, ch of x[b, oy + ky - top, ox + kx - left, ch] * f[ky, kx, ch]
  ;; with taps outside x skipped (zero padding). For one output pixel and one filter row ky, the
  ;; valid taps kx0 <= kx < kx1 and all their channels are ONE contiguous run of floats in x and in
  ;; f, so each filter row is a flat dot product. Four accumulators keep four additions in flight
  ;; (one accumulator would wait on the latency of each addition); lanes are summed at the end.
  (func (export "conv2dOneOutputChannel")
    (param $x i32) (param $f i32) (param $out i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $c i32)
    (param $kh i32) (param $kw i32) (param $oh i32) (param $ow i32) (param $top i32) (param $left i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $ky i32)
    (local $ky0 i32) (local $ky1 i32) (local $kx0 i32) (local $kx1 i32)
    (local $cBytes i32) (local $xRowBytes i32) (local $fRowBytes i32)
    (local $xRow i32) (local $fRow i32) (local $xp i32) (local $fp i32) (local $end i32) (local $o i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $xRowBytes (i32.mul (local.get $w) (local.get $cBytes)))
    (local.set $fRowBytes (i32.mul (local.get $kw) (local.get $cBytes)))
    (block $bDone
      (loop $bLoop
        (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $oy (i32.const 0))
        (block $oyDone
          (loop $oyLoop
            (br_if $oyDone (i32.ge_s (local.get $oy) (local.get $oh)))
            ;; filter rows ky with 0 <= oy + ky - top < h
            (local.set $ky0 (select (i32.sub (local.get $top) (local.get $oy)) (i32.const 0)
              (i32.gt_s (i32.sub (local.get $top) (local.get $oy)) (i32.const 0))))
            (local.set $ky1 (select (local.get $kh) (i32.add (i32.sub (local.get $h) (local.get $oy)) (local.get $top))
              (i32.lt_s (local.get $kh) (i32.add (i32.sub (local.get $h) (local.get $oy)) (local.get $top)))))
            (local.set $ox (i32.const 0))
            (block $oxDone
              (loop $oxLoop
                (br_if $oxDone (i32.ge_s (local.get $ox) (local.get $ow)))
                (local.set $kx0 (select (i32.sub (local.get $left) (local.get $ox)) (i32.const 0)
                  (i32.gt_s (i32.sub (local.get $left) (local.get $ox)) (i32.const 0))))
                (local.set $kx1 (select (local.get $kw) (i32.add (i32.sub (local.get $w) (local.get $ox)) (local.get $left))
                  (i32.lt_s (local.get $kw) (i32.add (i32.sub (local.get $w) (local.get $ox)) (local.get $left)))))
                (local.set $acc0 (v128.const i32x4 0 0 0 0))
                (local.set $acc1 (v128.const i32x4 0 0 0 0))
                (local.set $acc2 (v128.const i32x4 0 0 0 0))
                (local.set $acc3 (v128.const i32x4 0 0 0 0))
                ;; x at (b, oy + ky0 - top, ox + kx0 - left); f at (ky0, kx0)
                (local.set $xRow (i32.add (local.get $x) (i32.mul
                  (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.sub (i32.add (local.get $oy) (local.get $ky0)) (local.get $top))) (local.get $w))
                           (i32.sub (i32.add (local.get $ox) (local.get $kx0)) (local.get $left)))
                  (local.get $cBytes))))
                (local.set $fRow (i32.add (local.get $f) (i32.mul (i32.add (i32.mul (local.get $ky0) (local.get $kw)) (local.get $kx0)) (local.get $cBytes))))
                (local.set $ky (local.get $ky0))
                (block $kyDone
                  (loop $kyLoop
                    (br_if $kyDone (i32.ge_s (local.get $ky) (local.get $ky1)))
                    (local.set $xp (local.get $xRow))
                    (local.set $fp (local.get $fRow))
                    (local.set $end (i32.add (local.get $xRow) (i32.mul (i32.sub (local.get $kx1) (local.get $kx0)) (local.get $cBytes))))
                    (block $quadDone
                      (loop $quadLoop
                        (br_if $quadDone (i32.ge_u (i32.add (local.get $xp) (i32.const 48)) (local.get $end)))
                        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (v128.load (local.get $xp)) (v128.load (local.get $fp)))))
                        (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (v128.load offset=16 (local.get $xp)) (v128.load offset=16 (local.get $fp)))))
                        (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (v128.load offset=32 (local.get $xp)) (v128.load offset=32 (local.get $fp)))))
                        (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (v128.load offset=48 (local.get $xp)) (v128.load offset=48 (local.get $fp)))))
                        (local.set $xp (i32.add (local.get $xp) (i32.const 64)))
                        (local.set $fp (i32.add (local.get $fp) (i32.const 64)))
                        (br $quadLoop)))
                    (block $tailDone
                      (loop $tailLoop
                        (br_if $tailDone (i32.ge_u (local.get $xp) (local.get $end)))
                        (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (v128.load (local.get $xp)) (v128.load (local.get $fp)))))
                        (local.set $xp (i32.add (local.get $xp) (i32.const 16)))
                        (local.set $fp (i32.add (local.get $fp) (i32.const 16)))
                        (br $tailLoop)))
                    (local.set $xRow (i32.add (local.get $xRow) (local.get $xRowBytes)))
                    (local.set $fRow (i32.add (local.get $fRow) (local.get $fRowBytes)))
                    (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
                    (br $kyLoop)))
                (local.set $acc0 (f32x4.add (f32x4.add (local.get $acc0) (local.get $acc1)) (f32x4.add (local.get $acc2) (local.get $acc3))))
                (f32.store (i32.add (local.get $out) (local.get $o))
                  (f32.add
                    (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
                    (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
                (local.set $o (i32.add (local.get $o) (i32.const 4)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $oxLoop)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $oyLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bLoop))))

    ;; Filter gradient of a convolution with ONE output channel, stride 1, no dilation:
  ;;   df[ky, kx, ch] = sum over b, oy, ox of x[b, oy + ky - top, ox + kx - left, ch] * dy[b, oy, ox]
  ;; with taps outside x skipped. One pass over dy per tap and group of 4 channels, with two
  ;; vector accumulators (even and odd columns) so that two additions are in flight.
  (func (export "conv2dOneOutputChannelFilterGrad")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $c i32)
    (param $kh i32) (param $kw i32) (param $oh i32) (param $ow i32) (param $top i32) (param $left i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $ky i32) (local $kx i32) (local $ch i32)
    (local $oy0 i32) (local $oy1 i32) (local $ox0 i32) (local $ox1 i32)
    (local $cBytes i32) (local $xp i32) (local $dp i32) (local $acc v128) (local $acc1 v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (block $kyDone
      (loop $kyLoop
        (br_if $kyDone (i32.ge_s (local.get $ky) (local.get $kh)))
        ;; rows oy with 0 <= oy + ky - top < h
        (local.set $oy0 (select (i32.sub (local.get $top) (local.get $ky)) (i32.const 0)
          (i32.gt_s (i32.sub (local.get $top) (local.get $ky)) (i32.const 0))))
        (local.set $oy1 (select (local.get $oh) (i32.add (i32.sub (local.get $h) (local.get $ky)) (local.get $top))
          (i32.lt_s (local.get $oh) (i32.add (i32.sub (local.get $h) (local.get $ky)) (local.get $top)))))
        (local.set $kx (i32.const 0))
        (block $kxDone
          (loop $kxLoop
            (br_if $kxDone (i32.ge_s (local.get $kx) (local.get $kw)))
            (local.set $ox0 (select (i32.sub (local.get $left) (local.get $kx)) (i32.const 0)
              (i32.gt_s (i32.sub (local.get $left) (local.get $kx)) (i32.const 0))))
            (local.set $ox1 (select (local.get $ow) (i32.add (i32.sub (local.get $w) (local.get $kx)) (local.get $left))
              (i32.lt_s (local.get $ow) (i32.add (i32.sub (local.get $w) (local.get $kx)) (local.get $left)))))
            (local.set $ch (i32.const 0))
            (block $chDone
              (loop $chLoop
                (br_if $chDone (i32.ge_u (local.get $ch) (local.get $cBytes)))
                (local.set $acc (v128.const i32x4 0 0 0 0))
                (local.set $acc1 (v128.const i32x4 0 0 0 0))
                (local.set $b (i32.const 0))
                (block $bDone
                  (loop $bLoop
                    (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
                    (local.set $oy (local.get $oy0))
                    (block $oyDone
                      (loop $oyLoop
                        (br_if $oyDone (i32.ge_s (local.get $oy) (local.get $oy1)))
                        (local.set $xp (i32.add (i32.add (local.get $x) (local.get $ch)) (i32.mul
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h)) (i32.sub (i32.add (local.get $oy) (local.get $ky)) (local.get $top))) (local.get $w))
                                   (i32.sub (i32.add (local.get $ox0) (local.get $kx)) (local.get $left)))
                          (local.get $cBytes))))
                        (local.set $dp (i32.add (local.get $dy) (i32.shl
                          (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox0))
                          (i32.const 2))))
                        (local.set $ox (local.get $ox0))
                        ;; two output columns per iteration, into two accumulators
                        (block $pairDone
                          (loop $pairLoop
                            (br_if $pairDone (i32.ge_s (i32.add (local.get $ox) (i32.const 1)) (local.get $ox1)))
                            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
                              (v128.load (local.get $xp))
                              (v128.load32_splat (local.get $dp)))))
                            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul
                              (v128.load (i32.add (local.get $xp) (local.get $cBytes)))
                              (v128.load32_splat offset=4 (local.get $dp)))))
                            (local.set $xp (i32.add (local.get $xp) (i32.shl (local.get $cBytes) (i32.const 1))))
                            (local.set $dp (i32.add (local.get $dp) (i32.const 8)))
                            (local.set $ox (i32.add (local.get $ox) (i32.const 2)))
                            (br $pairLoop)))
                        (if (i32.lt_s (local.get $ox) (local.get $ox1))
                          (then
                            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul
                              (v128.load (local.get $xp))
                              (v128.load32_splat (local.get $dp)))))))
                        (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
                        (br $oyLoop)))
                    (local.set $b (i32.add (local.get $b) (i32.const 1)))
                    (br $bLoop)))
                (v128.store (i32.add (i32.add (local.get $out) (local.get $ch))
                  (i32.mul (i32.add (i32.mul (local.get $ky) (local.get $kw)) (local.get $kx)) (local.get $cBytes)))
                  (f32x4.add (local.get $acc) (local.get $acc1)))
                (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
                (br $chLoop)))
            (local.set $kx (i32.add (local.get $kx) (i32.const 1)))
            (br $kxLoop)))
        (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
        (br $kyLoop))))

  ;; Training-mode batch normalisation over `rows` rows of c channels (every axis but the last):
  ;;   mean = sum(x) / rows, var = sum((x - mean)^2) / rows, rsq = 1 / sqrt(var + eps),
  ;;   scale = gamma * rsq, y = x * scale + (beta - mean * scale).
  ;; Channels are processed 4 at a time, each group in three passes down the rows (mean, variance,
  ;; output); two accumulators take alternate rows.
  (func (export "batchNormForward")
    (param $x i32) (param $gamma i32) (param $beta i32)
    (param $y i32) (param $mean i32) (param $rsq i32) (param $scale i32)
    (param $rows i32) (param $c i32) (param $eps f32)
    (local $k i32) (local $p i32) (local $q i32) (local $end i32) (local $cBytes i32) (local $rowPair i32)
    (local $a0 v128) (local $a1 v128) (local $d v128) (local $m v128) (local $r v128) (local $s v128) (local $shift v128) (local $inv v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowPair (i32.shl (local.get $cBytes) (i32.const 1)))
    (local.set $inv (f32x4.splat (f32.div (f32.const 1) (f32.convert_i32_u (local.get $rows)))))
    (block $kDone
      (loop $kLoop
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $cBytes)))
        (local.set $end (i32.add (i32.add (local.get $x) (local.get $k)) (i32.mul (local.get $rows) (local.get $cBytes))))
        ;; mean
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $x) (local.get $k)))
        (block $sumDone
          (loop $sumLoop
            (br_if $sumDone (i32.ge_u (i32.add (local.get $p) (local.get $cBytes)) (local.get $end)))
            (local.set $a0 (f32x4.add (local.get $a0) (v128.load (local.get $p))))
            (local.set $a1 (f32x4.add (local.get $a1) (v128.load (i32.add (local.get $p) (local.get $cBytes)))))
            (local.set $p (i32.add (local.get $p) (local.get $rowPair)))
            (br $sumLoop)))
        (if (i32.lt_u (local.get $p) (local.get $end))
          (then (local.set $a0 (f32x4.add (local.get $a0) (v128.load (local.get $p))))))
        (local.set $m (f32x4.mul (f32x4.add (local.get $a0) (local.get $a1)) (local.get $inv)))
        ;; variance about the mean
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $x) (local.get $k)))
        (block $varDone
          (loop $varLoop
            (br_if $varDone (i32.ge_u (i32.add (local.get $p) (local.get $cBytes)) (local.get $end)))
            (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $m)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $d) (local.get $d))))
            (local.set $d (f32x4.sub (v128.load (i32.add (local.get $p) (local.get $cBytes))) (local.get $m)))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $d) (local.get $d))))
            (local.set $p (i32.add (local.get $p) (local.get $rowPair)))
            (br $varLoop)))
        (if (i32.lt_u (local.get $p) (local.get $end))
          (then
            (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $m)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $d) (local.get $d))))))
        (local.set $r (f32x4.div (f32x4.splat (f32.const 1))
          (f32x4.sqrt (f32x4.add (f32x4.mul (f32x4.add (local.get $a0) (local.get $a1)) (local.get $inv)) (f32x4.splat (local.get $eps))))))
        (local.set $s (f32x4.mul (v128.load (i32.add (local.get $gamma) (local.get $k))) (local.get $r)))
        (local.set $shift (f32x4.sub (v128.load (i32.add (local.get $beta) (local.get $k))) (f32x4.mul (local.get $m) (local.get $s))))
        (v128.store (i32.add (local.get $mean) (local.get $k)) (local.get $m))
        (v128.store (i32.add (local.get $rsq) (local.get $k)) (local.get $r))
        (v128.store (i32.add (local.get $scale) (local.get $k)) (local.get $s))
        ;; y = x * scale + shift
        (local.set $p (i32.add (local.get $x) (local.get $k)))
        (local.set $q (i32.add (local.get $y) (local.get $k)))
        (block $outDone
          (loop $outLoop
            (br_if $outDone (i32.ge_u (local.get $p) (local.get $end)))
            (v128.store (local.get $q) (f32x4.add (f32x4.mul (v128.load (local.get $p)) (local.get $s)) (local.get $shift)))
            (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
            (local.set $q (i32.add (local.get $q) (local.get $cBytes)))
            (br $outLoop)))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $kLoop))))

  ;; Gradient of batchNormForward (Ioffe and Szegedy 2015, sec. 3) given dy = g:
  ;;   dbeta = sum(g), dgamma = rsq * (sum(g x) - mean * sum(g)),
  ;;   dx = scale * (g - mean(g) - xhat * dgamma / rows) = scale * g + k * x + c per channel, with
  ;;   k = -scale * rsq * dgamma / rows and c = -scale * mean(g) - k * mean.
  (func (export "batchNormBackward")
    (param $g i32) (param $x i32) (param $mean i32) (param $rsq i32) (param $scale i32)
    (param $dx i32) (param $dgamma i32) (param $dbeta i32)
    (param $rows i32) (param $c i32)
    (local $k i32) (local $p i32) (local $q i32) (local $o i32) (local $end i32) (local $cBytes i32) (local $rowPair i32)
    (local $sg0 v128) (local $sg1 v128) (local $sgx0 v128) (local $sgx1 v128) (local $gv v128)
    (local $sg v128) (local $dgam v128) (local $s v128) (local $kk v128) (local $cc v128) (local $inv v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowPair (i32.shl (local.get $cBytes) (i32.const 1)))
    (local.set $inv (f32x4.splat (f32.div (f32.const 1) (f32.convert_i32_u (local.get $rows)))))
    (block $kDone
      (loop $kLoop
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $cBytes)))
        (local.set $end (i32.add (i32.add (local.get $g) (local.get $k)) (i32.mul (local.get $rows) (local.get $cBytes))))
        (local.set $sg0 (v128.const i32x4 0 0 0 0))
        (local.set $sg1 (v128.const i32x4 0 0 0 0))
        (local.set $sgx0 (v128.const i32x4 0 0 0 0))
        (local.set $sgx1 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $g) (local.get $k)))
        (local.set $q (i32.add (local.get $x) (local.get $k)))
        (block $sumDone
          (loop $sumLoop
            (br_if $sumDone (i32.ge_u (i32.add (local.get $p) (local.get $cBytes)) (local.get $end)))
            (local.set $gv (v128.load (local.get $p)))
            (local.set $sg0 (f32x4.add (local.get $sg0) (local.get $gv)))
            (local.set $sgx0 (f32x4.add (local.get $sgx0) (f32x4.mul (local.get $gv) (v128.load (local.get $q)))))
            (local.set $gv (v128.load (i32.add (local.get $p) (local.get $cBytes))))
            (local.set $sg1 (f32x4.add (local.get $sg1) (local.get $gv)))
            (local.set $sgx1 (f32x4.add (local.get $sgx1) (f32x4.mul (local.get $gv) (v128.load (i32.add (local.get $q) (local.get $cBytes))))))
            (local.set $p (i32.add (local.get $p) (local.get $rowPair)))
            (local.set $q (i32.add (local.get $q) (local.get $rowPair)))
            (br $sumLoop)))
        (if (i32.lt_u (local.get $p) (local.get $end))
          (then
            (local.set $gv (v128.load (local.get $p)))
            (local.set $sg0 (f32x4.add (local.get $sg0) (local.get $gv)))
            (local.set $sgx0 (f32x4.add (local.get $sgx0) (f32x4.mul (local.get $gv) (v128.load (local.get $q)))))))
        (local.set $sg (f32x4.add (local.get $sg0) (local.get $sg1)))
        (local.set $dgam (f32x4.mul (v128.load (i32.add (local.get $rsq) (local.get $k)))
          (f32x4.sub (f32x4.add (local.get $sgx0) (local.get $sgx1)) (f32x4.mul (v128.load (i32.add (local.get $mean) (local.get $k))) (local.get $sg)))))
        (v128.store (i32.add (local.get $dbeta) (local.get $k)) (local.get $sg))
        (v128.store (i32.add (local.get $dgamma) (local.get $k)) (local.get $dgam))
        (local.set $s (v128.load (i32.add (local.get $scale) (local.get $k))))
        (local.set $kk (f32x4.neg (f32x4.mul (f32x4.mul (local.get $s) (v128.load (i32.add (local.get $rsq) (local.get $k)))) (f32x4.mul (local.get $dgam) (local.get $inv)))))
        (local.set $cc (f32x4.sub (f32x4.neg (f32x4.mul (local.get $s) (f32x4.mul (local.get $sg) (local.get $inv))))
          (f32x4.mul (local.get $kk) (v128.load (i32.add (local.get $mean) (local.get $k))))))
        (local.set $p (i32.add (local.get $g) (local.get $k)))
        (local.set $q (i32.add (local.get $x) (local.get $k)))
        (local.set $o (i32.add (local.get $dx) (local.get $k)))
        (block $outDone
          (loop $outLoop
            (br_if $outDone (i32.ge_u (local.get $p) (local.get $end)))
            (v128.store (local.get $o) (f32x4.add
              (f32x4.add (f32x4.mul (local.get $s) (v128.load (local.get $p))) (f32x4.mul (local.get $kk) (v128.load (local.get $q))))
              (local.get $cc)))
            (local.set $p (i32.add (local.get $p) (local.get $cBytes)))
            (local.set $q (i32.add (local.get $q) (local.get $cBytes)))
            (local.set $o (i32.add (local.get $o) (local.get $cBytes)))
            (br $outLoop)))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $kLoop))))

  ;; Matrix product c[m, n] = a[m, k] b[k, n], all row-major and contiguous. Blocks of 4 rows x 8
  ;; columns keep 8 vector accumulators; each step down k loads 8 values of b's row and splats 4 of
  ;; a's column. Rows past the last block of 4 go 1 x 8; columns past the last block of 8 one by one.
  (func (export "matMul")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (local $i i32) (local $j i32) (local $t i32) (local $rows i32) (local $cols8 i32)
    (local $aRow i32) (local $ap i32) (local $bp i32) (local $kBytes i32) (local $nBytes i32) (local $cp i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $sum f32)
    (local.set $kBytes (i32.shl (local.get $k) (i32.const 2)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $rows (i32.and (local.get $m) (i32.const -4)))
    (local.set $cols8 (i32.and (local.get $n) (i32.const -8)))
    ;; blocks of 4 rows x 8 columns
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $aRow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kBytes))))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $cols8)))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $ap (local.get $aRow))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $t (i32.const 0))
            (block $tDone
              (loop $tLoop
                (br_if $tDone (i32.ge_u (local.get $t) (local.get $k)))
                (local.set $b0 (v128.load (local.get $bp)))
                (local.set $b1 (v128.load offset=16 (local.get $bp)))
                (local.set $s (v128.load32_splat (local.get $ap)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $ap) (local.get $kBytes))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $ap) (i32.shl (local.get $kBytes) (i32.const 1)))))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $s (v128.load32_splat (i32.add (local.get $ap) (i32.mul (local.get $kBytes) (i32.const 3)))))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
                (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                (local.set $bp (i32.add (local.get $bp) (local.get $nBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $tLoop)))
            (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $cp) (local.get $c00))
            (v128.store offset=16 (local.get $cp) (local.get $c01))
            (local.set $cp (i32.add (local.get $cp) (local.get $nBytes)))
            (v128.store (local.get $cp) (local.get $c10))
            (v128.store offset=16 (local.get $cp) (local.get $c11))
            (local.set $cp (i32.add (local.get $cp) (local.get $nBytes)))
            (v128.store (local.get $cp) (local.get $c20))
            (v128.store offset=16 (local.get $cp) (local.get $c21))
            (local.set $cp (i32.add (local.get $cp) (local.get $nBytes)))
            (v128.store (local.get $cp) (local.get $c30))
            (v128.store offset=16 (local.get $cp) (local.get $c31))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $jLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iLoop)))
    ;; remaining rows, 1 x 8
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $aRow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kBytes))))
        (local.set $j (i32.const 0))
        (block $rjDone
          (loop $rjLoop
            (br_if $rjDone (i32.ge_u (local.get $j) (local.get $cols8)))
            (local.set $c00 (v128.const i32x4 0 0 0 0))
            (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $ap (local.get $aRow))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $t (i32.const 0))
            (block $rtDone
              (loop $rtLoop
                (br_if $rtDone (i32.ge_u (local.get $t) (local.get $k)))
                (local.set $s (v128.load32_splat (local.get $ap)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (v128.load (local.get $bp)))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (v128.load offset=16 (local.get $bp)))))
                (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                (local.set $bp (i32.add (local.get $bp) (local.get $nBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $rtLoop)))
            (local.set $cp (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))))
            (v128.store (local.get $cp) (local.get $c00))
            (v128.store offset=16 (local.get $cp) (local.get $c01))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $rjLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rLoop)))
    ;; remaining columns of every row, one by one
    (local.set $i (i32.const 0))
    (block $ciDone
      (loop $ciLoop
        (br_if $ciDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $j (local.get $cols8))
        (block $cjDone
          (loop $cjLoop
            (br_if $cjDone (i32.ge_u (local.get $j) (local.get $n)))
            (local.set $sum (f32.const 0))
            (local.set $ap (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $kBytes))))
            (local.set $bp (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $t (i32.const 0))
            (block $ctDone
              (loop $ctLoop
                (br_if $ctDone (i32.ge_u (local.get $t) (local.get $k)))
                (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $ap)) (f32.load (local.get $bp)))))
                (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
                (local.set $bp (i32.add (local.get $bp) (local.get $nBytes)))
                (local.set $t (i32.add (local.get $t) (i32.const 1)))
                (br $ctLoop)))
            (f32.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $n)) (local.get $j)) (i32.const 2))) (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $cjLoop)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $ciLoop))))

  ;; One filter tap's gradient, dW[tap] [ci, co], of a convolution (any stride, dilation, padding),
  ;; ADDED to what `out` holds (the caller zeroes it):
  ;;   dW[tap][i, o] += sum over b, oy in [oy0, oy1), ox in [ox0, ox1) of
  ;;                    x[b, iy0 + (oy - oy0) * sh, ix0 + (ox - ox0) * sw, i] * dy[b, oy, ox, o]
  ;; The caller computes, per tap, the output range whose input rows and columns lie inside x, and
  ;; the input position (iy0, ix0) of its first output. Blocks of 4 input x 8 output channels keep
  ;; 8 vector accumulators: per output pixel, 2 loads of dy and 4 splats of x. Every block runs
  ;; over one output row at a time, so that the row's x and dy stay in L1 across the blocks
  ;; (block-outer loops re-read the tensors from L3 once per block: 2x slower). Needs ci % 4 == 0,
  ;; co % 8 == 0.
  (func (export "conv2dFilterGradTap")
    (param $x i32) (param $dy i32) (param $out i32)
    (param $batch i32) (param $h i32) (param $w i32) (param $ci i32) (param $co i32) (param $oh i32) (param $ow i32)
    (param $sh i32) (param $sw i32) (param $iy0 i32) (param $ix0 i32)
    (param $oy0 i32) (param $oy1 i32) (param $ox0 i32) (param $ox1 i32)
    (local $i i32) (local $o i32) (local $b i32) (local $oy i32) (local $ox i32)
    (local $ciBytes i32) (local $coBytes i32) (local $xStep i32) (local $xRow i32) (local $dRow i32)
    (local $xp i32) (local $dp i32) (local $op i32)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local.set $ciBytes (i32.shl (local.get $ci) (i32.const 2)))
    (local.set $coBytes (i32.shl (local.get $co) (i32.const 2)))
    (local.set $xStep (i32.mul (local.get $sw) (local.get $ciBytes)))
    (block $bDone
      (loop $bLoop
        (br_if $bDone (i32.ge_u (local.get $b) (local.get $batch)))
        (local.set $oy (local.get $oy0))
        (block $oyDone
          (loop $oyLoop
            (br_if $oyDone (i32.ge_s (local.get $oy) (local.get $oy1)))
            (local.set $xRow (i32.add (local.get $x) (i32.mul
              (i32.add
                (i32.mul (i32.add (i32.mul (local.get $b) (local.get $h))
                                  (i32.add (local.get $iy0) (i32.mul (i32.sub (local.get $oy) (local.get $oy0)) (local.get $sh))))
                         (local.get $w))
                (local.get $ix0))
              (local.get $ciBytes))))
            (local.set $dRow (i32.add (local.get $dy) (i32.mul
              (i32.add (i32.mul (i32.add (i32.mul (local.get $b) (local.get $oh)) (local.get $oy)) (local.get $ow)) (local.get $ox0))
              (local.get $coBytes))))
            (local.set $i (i32.const 0))
            (block $iDone
              (loop $iLoop
                (br_if $iDone (i32.ge_u (local.get $i) (local.get $ciBytes)))
                (local.set $o (i32.const 0))
                (block $oDone
                  (loop $oLoop
                    (br_if $oDone (i32.ge_u (local.get $o) (local.get $coBytes)))
                    ;; dW[tap][i/4 + r, o/4 .. o/4 + 7] for r = 0..3 (rows of co floats)
                    (local.set $op (i32.add (i32.add (local.get $out) (local.get $o)) (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (local.get $coBytes))))
                    (local.set $a00 (v128.load (local.get $op)))
                    (local.set $a01 (v128.load offset=16 (local.get $op)))
                    (local.set $a10 (v128.load (i32.add (local.get $op) (local.get $coBytes))))
                    (local.set $a11 (v128.load offset=16 (i32.add (local.get $op) (local.get $coBytes))))
                    (local.set $a20 (v128.load (i32.add (local.get $op) (i32.shl (local.get $coBytes) (i32.const 1)))))
                    (local.set $a21 (v128.load offset=16 (i32.add (local.get $op) (i32.shl (local.get $coBytes) (i32.const 1)))))
                    (local.set $a30 (v128.load (i32.add (local.get $op) (i32.mul (local.get $coBytes) (i32.const 3)))))
                    (local.set $a31 (v128.load offset=16 (i32.add (local.get $op) (i32.mul (local.get $coBytes) (i32.const 3)))))
                    (local.set $xp (i32.add (local.get $xRow) (local.get $i)))
                    (local.set $dp (i32.add (local.get $dRow) (local.get $o)))
                    (local.set $ox (local.get $ox0))
                    (block $oxDone
                      (loop $oxLoop
                        (br_if $oxDone (i32.ge_s (local.get $ox) (local.get $ox1)))
                        (local.set $d0 (v128.load (local.get $dp)))
                        (local.set $d1 (v128.load offset=16 (local.get $dp)))
                        (local.set $s (v128.load32_splat (local.get $xp)))
                        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $s (v128.load32_splat offset=4 (local.get $xp)))
                        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $s (v128.load32_splat offset=8 (local.get $xp)))
                        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $s (v128.load32_splat offset=12 (local.get $xp)))
                        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $d0))))
                        (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $d1))))
                        (local.set $xp (i32.add (local.get $xp) (local.get $xStep)))
                        (local.set $dp (i32.add (local.get $dp) (local.get $coBytes)))
                        (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                        (br $oxLoop)))
                    (v128.store (local.get $op) (local.get $a00))
                    (v128.store offset=16 (local.get $op) (local.get $a01))
                    (v128.store (i32.add (local.get $op) (local.get $coBytes)) (local.get $a10))
                    (v128.store offset=16 (i32.add (local.get $op) (local.get $coBytes)) (local.get $a11))
                    (v128.store (i32.add (local.get $op) (i32.shl (local.get $coBytes) (i32.const 1))) (local.get $a20))
                    (v128.store offset=16 (i32.add (local.get $op) (i32.shl (local.get $coBytes) (i32.const 1))) (local.get $a21))
                    (v128.store (i32.add (local.get $op) (i32.mul (local.get $coBytes) (i32.const 3))) (local.get $a30))
                    (v128.store offset=16 (i32.add (local.get $op) (i32.mul (local.get $coBytes) (i32.const 3))) (local.get $a31))
                    (local.set $o (i32.add (local.get $o) (i32.const 32)))
                    (br $oLoop)))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $iLoop)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $oyLoop)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $bLoop))))
)
