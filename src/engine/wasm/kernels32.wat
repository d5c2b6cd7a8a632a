;; gatescope's single-precision WebAssembly SIMD kernels (f32x4) for the quick Jacobian norms, a
;; module of their own so that each module stays under the 4 KB a browser main thread may compile
;; synchronously. Assembled with kernels.wat by scripts/build-wasm.mjs; it imports the same memory.
(module
  (import "env" "memory" (memory 1))

  ;; rowcomb in single precision: W (g*h x ld) and out (h x ld) hold f32 (4 bytes each), the scales
  ;; s and diagonal d stay f64; ld (floats) a multiple of 8. Returns the largest row's index.
  (func (export "rowcomb32") (param $w i32) (param $g i32) (param $h i32) (param $ld i32) (param $s i32)
    (param $d i32) (param $out i32) (result i32)
    (local $rb i32) (local $bb i32) (local $j i32) (local $q i32) (local $end i32) (local $sp i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $pd i32)
    (local $sa v128) (local $sb v128) (local $sc v128) (local $sd v128)
    (local $x v128) (local $y v128) (local $n0 v128) (local $n1 v128)
    (local $best f32) (local $norm f32) (local $old f32) (local $new f32) (local $bestj i32)
    (local.set $rb (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $bb (i32.mul (local.get $h) (local.get $rb)))
    (local.set $best (f32.const -1))
    (local.set $j (i32.const 0))
    (block $dj
      (loop $rowsj
        (br_if $dj (i32.ge_s (local.get $j) (local.get $h)))
        (local.set $pa (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rb))))
        (local.set $pb (i32.add (local.get $pa) (local.get $bb)))
        (local.set $pc (i32.add (local.get $pb) (local.get $bb)))
        (local.set $pd (i32.add (local.get $pc) (local.get $bb)))
        (local.set $sp (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $sa (f32x4.splat (f32.demote_f64 (f64.load (local.get $sp)))))
        (local.set $q (local.get $out))
        (local.set $end (i32.add (local.get $out) (local.get $rb)))
        (local.set $n0 (v128.const i64x2 0 0))
        (local.set $n1 (v128.const i64x2 0 0))
        (if (i32.ge_s (local.get $g) (i32.const 2))
          (then
            (local.set $sp (i32.add (local.get $sp) (i32.shl (local.get $h) (i32.const 3))))
            (local.set $sb (f32x4.splat (f32.demote_f64 (f64.load (local.get $sp)))))
            (local.set $sc (v128.const i64x2 0 0))
            (if (i32.ge_s (local.get $g) (i32.const 3))
              (then
                (local.set $sp (i32.add (local.get $sp) (i32.shl (local.get $h) (i32.const 3))))
                (local.set $sc (f32x4.splat (f32.demote_f64 (f64.load (local.get $sp))))))
              (else
                (local.set $pc (local.get $pa))))))
        (if (i32.eq (local.get $g) (i32.const 4))
          (then
            (local.set $sp (i32.add (local.get $sp) (i32.shl (local.get $h) (i32.const 3))))
            (local.set $sd (f32x4.splat (f32.demote_f64 (f64.load (local.get $sp)))))
            (block $d4
              (loop $l4
                (br_if $d4 (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $x (f32x4.add (f32x4.add (f32x4.mul (v128.load (local.get $pa)) (local.get $sa)) (f32x4.mul (v128.load (local.get $pb)) (local.get $sb))) (f32x4.add (f32x4.mul (v128.load (local.get $pc)) (local.get $sc)) (f32x4.mul (v128.load (local.get $pd)) (local.get $sd)))))
                (local.set $y (f32x4.add (f32x4.add (f32x4.mul (v128.load offset=16 (local.get $pa)) (local.get $sa)) (f32x4.mul (v128.load offset=16 (local.get $pb)) (local.get $sb))) (f32x4.add (f32x4.mul (v128.load offset=16 (local.get $pc)) (local.get $sc)) (f32x4.mul (v128.load offset=16 (local.get $pd)) (local.get $sd)))))
                (v128.store (local.get $q) (local.get $x))
                (v128.store offset=16 (local.get $q) (local.get $y))
                (local.set $n0 (f32x4.add (local.get $n0) (f32x4.mul (local.get $x) (local.get $x))))
                (local.set $n1 (f32x4.add (local.get $n1) (f32x4.mul (local.get $y) (local.get $y))))
                (local.set $q (i32.add (local.get $q) (i32.const 32)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
                (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
                (local.set $pd (i32.add (local.get $pd) (i32.const 32)))
                (br $l4))))
          (else
            (if (i32.eq (local.get $g) (i32.const 1))
              (then
            (block $d1
              (loop $l1
                (br_if $d1 (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $x (f32x4.mul (v128.load (local.get $pa)) (local.get $sa)))
                (local.set $y (f32x4.mul (v128.load offset=16 (local.get $pa)) (local.get $sa)))
                (v128.store (local.get $q) (local.get $x))
                (v128.store offset=16 (local.get $q) (local.get $y))
                (local.set $n0 (f32x4.add (local.get $n0) (f32x4.mul (local.get $x) (local.get $x))))
                (local.set $n1 (f32x4.add (local.get $n1) (f32x4.mul (local.get $y) (local.get $y))))
                (local.set $q (i32.add (local.get $q) (i32.const 32)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
                (br $l1))))
              (else
            (block $d3
              (loop $l3
                (br_if $d3 (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $x (f32x4.add (f32x4.add (f32x4.mul (v128.load (local.get $pa)) (local.get $sa)) (f32x4.mul (v128.load (local.get $pb)) (local.get $sb))) (f32x4.mul (v128.load (local.get $pc)) (local.get $sc))))
                (local.set $y (f32x4.add (f32x4.add (f32x4.mul (v128.load offset=16 (local.get $pa)) (local.get $sa)) (f32x4.mul (v128.load offset=16 (local.get $pb)) (local.get $sb))) (f32x4.mul (v128.load offset=16 (local.get $pc)) (local.get $sc))))
                (v128.store (local.get $q) (local.get $x))
                (v128.store offset=16 (local.get $q) (local.get $y))
                (local.set $n0 (f32x4.add (local.get $n0) (f32x4.mul (local.get $x) (local.get $x))))
                (local.set $n1 (f32x4.add (local.get $n1) (f32x4.mul (local.get $y) (local.get $y))))
                (local.set $q (i32.add (local.get $q) (i32.const 32)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
                (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
                (br $l3)))))))
        (local.set $n0 (f32x4.add (local.get $n0) (local.get $n1)))
        (local.set $norm (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $n0)) (f32x4.extract_lane 1 (local.get $n0)))
          (f32.add (f32x4.extract_lane 2 (local.get $n0)) (f32x4.extract_lane 3 (local.get $n0)))))
        (if (i32.ge_s (local.get $d) (i32.const 0))
          (then
            (local.set $q (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 2))))
            (local.set $old (f32.load (local.get $q)))
            (local.set $new (f32.add (local.get $old)
              (f32.demote_f64 (f64.load (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3)))))))
            (f32.store (local.get $q) (local.get $new))
            (local.set $norm (f32.add (local.get $norm)
              (f32.sub (f32.mul (local.get $new) (local.get $new)) (f32.mul (local.get $old) (local.get $old)))))))
        (if (f32.gt (local.get $norm) (local.get $best))
          (then
            (local.set $best (local.get $norm))
            (local.set $bestj (local.get $j))))
        (local.set $out (local.get $end))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rowsj)))
    (local.get $bestj))

  ;; gramv in single precision: J (n x ld) holds f32, ld (floats) a multiple of 8; q and w are f64
  ;; (ld each, q zero-padded); t is scratch for 2*ld floats (q and w in f32). w = J^T (J q);
  ;; returns |J q|^2 (the dot products rounded to f32, summed in f64).
  (func (export "gramv32") (param $j i32) (param $n i32) (param $ld i32) (param $q i32) (param $w i32)
    (param $t i32) (result f64)
    (local $rb i32) (local $r i32) (local $k i32) (local $tq i32) (local $tw i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $x v128) (local $y v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $d0 f32) (local $d1 f32) (local $d2 f32) (local $d3 f32) (local $sum f64)
    (local.set $rb (i32.shl (local.get $ld) (i32.const 2)))
    (local.set $tq (local.get $t))
    (local.set $tw (i32.add (local.get $t) (local.get $rb)))
    ;; q to f32 (four doubles per pass into one f32x4), w32 zeroed
    (local.set $k (i32.const 0))
    (block $cd
      (loop $conv
        (br_if $cd (i32.ge_u (local.get $k) (local.get $rb)))
        (v128.store (i32.add (local.get $tq) (local.get $k))
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23
            (f32x4.demote_f64x2_zero (v128.load (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 1)))))
            (f32x4.demote_f64x2_zero (v128.load offset=16 (i32.add (local.get $q) (i32.shl (local.get $k) (i32.const 1)))))))
        (v128.store (i32.add (local.get $tw) (local.get $k)) (v128.const i64x2 0 0))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $conv)))
    (local.set $sum (f64.const 0))
    (local.set $p0 (local.get $j))
    (local.set $r (i32.const 0))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $n)))
        (local.set $p1 (i32.add (local.get $p0) (local.get $rb)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $rb)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $rb)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $a1 (v128.const i64x2 0 0))
        (local.set $a2 (v128.const i64x2 0 0))
        (local.set $a3 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0))
        (local.set $b1 (v128.const i64x2 0 0))
        (local.set $b2 (v128.const i64x2 0 0))
        (local.set $b3 (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $dc
          (loop $dots
            (br_if $dc (i32.ge_u (local.get $k) (local.get $rb)))
            (local.set $x (v128.load (i32.add (local.get $tq) (local.get $k))))
            (local.set $y (v128.load offset=16 (i32.add (local.get $tq) (local.get $k))))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $p0) (local.get $k))) (local.get $x))))
            (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k))) (local.get $y))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load (i32.add (local.get $p1) (local.get $k))) (local.get $x))))
            (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p1) (local.get $k))) (local.get $y))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load (i32.add (local.get $p2) (local.get $k))) (local.get $x))))
            (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p2) (local.get $k))) (local.get $y))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load (i32.add (local.get $p3) (local.get $k))) (local.get $x))))
            (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p3) (local.get $k))) (local.get $y))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $dots)))
        (local.set $a0 (f32x4.add (local.get $a0) (local.get $b0)))
        (local.set $d0 (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (local.set $a1 (f32x4.add (local.get $a1) (local.get $b1)))
        (local.set $d1 (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1)))
          (f32.add (f32x4.extract_lane 2 (local.get $a1)) (f32x4.extract_lane 3 (local.get $a1)))))
        (local.set $a2 (f32x4.add (local.get $a2) (local.get $b2)))
        (local.set $d2 (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32x4.extract_lane 1 (local.get $a2)))
          (f32.add (f32x4.extract_lane 2 (local.get $a2)) (f32x4.extract_lane 3 (local.get $a2)))))
        (local.set $a3 (f32x4.add (local.get $a3) (local.get $b3)))
        (local.set $d3 (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32x4.extract_lane 1 (local.get $a3)))
          (f32.add (f32x4.extract_lane 2 (local.get $a3)) (f32x4.extract_lane 3 (local.get $a3)))))
        (local.set $sum (f64.add (local.get $sum) (f64.add (f64.add (f64.mul (f64.promote_f32 (local.get $d0)) (f64.promote_f32 (local.get $d0))) (f64.mul (f64.promote_f32 (local.get $d1)) (f64.promote_f32 (local.get $d1)))) (f64.add (f64.mul (f64.promote_f32 (local.get $d2)) (f64.promote_f32 (local.get $d2))) (f64.mul (f64.promote_f32 (local.get $d3)) (f64.promote_f32 (local.get $d3)))))))
        (local.set $a0 (f32x4.splat (local.get $d0)))
        (local.set $a1 (f32x4.splat (local.get $d1)))
        (local.set $a2 (f32x4.splat (local.get $d2)))
        (local.set $a3 (f32x4.splat (local.get $d3)))
        (local.set $k (i32.const 0))
        (block $ac
          (loop $axpy
            (br_if $ac (i32.ge_u (local.get $k) (local.get $rb)))
            (v128.store (i32.add (local.get $tw) (local.get $k)) (f32x4.add (v128.load (i32.add (local.get $tw) (local.get $k))) (f32x4.add
              (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $p0) (local.get $k))) (local.get $a0)) (f32x4.mul (v128.load (i32.add (local.get $p1) (local.get $k))) (local.get $a1)))
              (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $p2) (local.get $k))) (local.get $a2)) (f32x4.mul (v128.load (i32.add (local.get $p3) (local.get $k))) (local.get $a3))))))
            (v128.store offset=16 (i32.add (local.get $tw) (local.get $k)) (f32x4.add (v128.load offset=16 (i32.add (local.get $tw) (local.get $k))) (f32x4.add
              (f32x4.add (f32x4.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k))) (local.get $a0)) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p1) (local.get $k))) (local.get $a1)))
              (f32x4.add (f32x4.mul (v128.load offset=16 (i32.add (local.get $p2) (local.get $k))) (local.get $a2)) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p3) (local.get $k))) (local.get $a3))))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $axpy)))
        (local.set $p0 (i32.add (local.get $p3) (local.get $rb)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    ;; The remaining rows one at a time.
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_s (local.get $r) (local.get $n)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0))
        (local.set $k (i32.const 0))
        (block $dc1
          (loop $dots1
            (br_if $dc1 (i32.ge_u (local.get $k) (local.get $rb)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (i32.add (local.get $p0) (local.get $k))) (v128.load (i32.add (local.get $tq) (local.get $k))))))
            (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k))) (v128.load offset=16 (i32.add (local.get $tq) (local.get $k))))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $dots1)))
        (local.set $a0 (f32x4.add (local.get $a0) (local.get $b0)))
        (local.set $d0 (f32.add
          (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
          (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
        (local.set $sum (f64.add (local.get $sum) (f64.mul (f64.promote_f32 (local.get $d0)) (f64.promote_f32 (local.get $d0)))))
        (local.set $a0 (f32x4.splat (local.get $d0)))
        (local.set $k (i32.const 0))
        (block $ac1
          (loop $axpy1
            (br_if $ac1 (i32.ge_u (local.get $k) (local.get $rb)))
            (v128.store (i32.add (local.get $tw) (local.get $k))
              (f32x4.add (v128.load (i32.add (local.get $tw) (local.get $k))) (f32x4.mul (v128.load (i32.add (local.get $p0) (local.get $k))) (local.get $a0))))
            (v128.store offset=16 (i32.add (local.get $tw) (local.get $k))
              (f32x4.add (v128.load offset=16 (i32.add (local.get $tw) (local.get $k))) (f32x4.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k))) (local.get $a0))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $axpy1)))
        (local.set $p0 (i32.add (local.get $p0) (local.get $rb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1)))
    ;; w back to f64, four floats per pass
    (local.set $k (i32.const 0))
    (block $bd
      (loop $back
        (br_if $bd (i32.ge_u (local.get $k) (local.get $rb)))
        (local.set $x (v128.load (i32.add (local.get $tw) (local.get $k))))
        (v128.store (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 1))) (f64x2.promote_low_f32x4 (local.get $x)))
        (v128.store offset=16 (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 1)))
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $x) (local.get $x))))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $back)))
    (local.get $sum)))
