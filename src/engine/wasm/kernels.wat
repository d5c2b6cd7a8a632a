;; gatescope's WebAssembly SIMD kernels (f64x2): gemv for forward and backward, gemvT, gramv and
;; rowcomb for the Jacobian norms (kernels32.wat has their single-precision versions). Assembled by
;; scripts/build-wasm.mjs into kernelBytes.ts; the TypeScript kernels stay the fallback.
;; Each module must stay at most 4096 bytes: a browser main thread compiles no bigger one synchronously.
;; The memory is imported at a fixed size and never grown: growing detaches its ArrayBuffer, and in
;; Node 20 one detached buffer makes every typed-array loop in the process slower.
(module
  (import "env" "memory" (memory 1))

  ;; out[r] += sum_c W[r*ld + c] * v[c] for r < rows. Byte addresses; ld (doubles) is a multiple
  ;; of 4 and v is zero-padded to ld, so the inner loop has no tail. Four rows per pass share each
  ;; load of v; two accumulators per row keep eight add chains in flight.
  (func (export "gemv") (param $w i32) (param $rows i32) (param $ld i32) (param $v i32) (param $out i32)
    (local $rb i32) (local $vend i32) (local $r i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $q i32)
    (local $x v128) (local $y v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local.set $rb (i32.shl (local.get $ld) (i32.const 3)))
    (local.set $vend (i32.add (local.get $v) (local.get $rb)))
    (local.set $p0 (local.get $w))
    (local.set $r (i32.const 0))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
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
        (local.set $q (local.get $v))
        (block $dc
          (loop $cols
            (br_if $dc (i32.ge_u (local.get $q) (local.get $vend)))
            (local.set $x (v128.load (local.get $q)))
            (local.set $y (v128.load offset=16 (local.get $q)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $p0)) (local.get $x))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (v128.load offset=16 (local.get $p0)) (local.get $y))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load (local.get $p1)) (local.get $x))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (v128.load offset=16 (local.get $p1)) (local.get $y))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load (local.get $p2)) (local.get $x))))
            (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (v128.load offset=16 (local.get $p2)) (local.get $y))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load (local.get $p3)) (local.get $x))))
            (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (v128.load offset=16 (local.get $p3)) (local.get $y))))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 32)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 32)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 32)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 32)))
            (br $cols)))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $b0)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $b1)))
        (local.set $a2 (f64x2.add (local.get $a2) (local.get $b2)))
        (local.set $a3 (f64x2.add (local.get $a3) (local.get $b3)))
        (f64.store (local.get $out) (f64.add (f64.load (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0)))))
        (f64.store offset=8 (local.get $out) (f64.add (f64.load offset=8 (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1)))))
        (f64.store offset=16 (local.get $out) (f64.add (f64.load offset=16 (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2)))))
        (f64.store offset=24 (local.get $out) (f64.add (f64.load offset=24 (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3)))))
        ;; p0 has walked one row; skip the three rows the other pointers covered.
        (local.set $p0 (local.get $p3))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    ;; The remaining rows one at a time.
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $a0 (v128.const i64x2 0 0))
        (local.set $b0 (v128.const i64x2 0 0))
        (local.set $q (local.get $v))
        (block $dc1
          (loop $cols1
            (br_if $dc1 (i32.ge_u (local.get $q) (local.get $vend)))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (local.get $p0)) (v128.load (local.get $q)))))
            (local.set $b0 (f64x2.add (local.get $b0)
              (f64x2.mul (v128.load offset=16 (local.get $p0)) (v128.load offset=16 (local.get $q)))))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 32)))
            (br $cols1)))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $b0)))
        (f64.store (local.get $out) (f64.add (f64.load (local.get $out))
          (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0)))))
        (local.set $out (i32.add (local.get $out) (i32.const 8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1))))

  ;; out[c] += sum_r W[r*ld + c] * v[r] for c < ld (out += W^T v). Byte addresses; ld (doubles) is a
  ;; multiple of 4. Four rows per pass: each load and store of out serves four rows.
  (func (export "gemvT") (param $w i32) (param $rows i32) (param $ld i32) (param $v i32) (param $out i32)
    (local $rb i32) (local $oend i32) (local $r i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $q i32)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $rb (i32.shl (local.get $ld) (i32.const 3)))
    (local.set $oend (i32.add (local.get $out) (local.get $rb)))
    (local.set $r (i32.const 0))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_s (i32.add (local.get $r) (i32.const 4)) (local.get $rows)))
        (local.set $p0 (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $p1 (i32.add (local.get $p0) (local.get $rb)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $rb)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $rb)))
        (local.set $s0 (v128.load64_splat (local.get $v)))
        (local.set $s1 (v128.load64_splat offset=8 (local.get $v)))
        (local.set $s2 (v128.load64_splat offset=16 (local.get $v)))
        (local.set $s3 (v128.load64_splat offset=24 (local.get $v)))
        (local.set $q (local.get $out))
        (block $dc
          (loop $cols
            (br_if $dc (i32.ge_u (local.get $q) (local.get $oend)))
            (v128.store (local.get $q) (f64x2.add (v128.load (local.get $q)) (f64x2.add
              (f64x2.add (f64x2.mul (v128.load (local.get $p0)) (local.get $s0))
                         (f64x2.mul (v128.load (local.get $p1)) (local.get $s1)))
              (f64x2.add (f64x2.mul (v128.load (local.get $p2)) (local.get $s2))
                         (f64x2.mul (v128.load (local.get $p3)) (local.get $s3))))))
            (v128.store offset=16 (local.get $q) (f64x2.add (v128.load offset=16 (local.get $q)) (f64x2.add
              (f64x2.add (f64x2.mul (v128.load offset=16 (local.get $p0)) (local.get $s0))
                         (f64x2.mul (v128.load offset=16 (local.get $p1)) (local.get $s1)))
              (f64x2.add (f64x2.mul (v128.load offset=16 (local.get $p2)) (local.get $s2))
                         (f64x2.mul (v128.load offset=16 (local.get $p3)) (local.get $s3))))))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 32)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 32)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 32)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 32)))
            (br $cols)))
        (local.set $v (i32.add (local.get $v) (i32.const 32)))
        (local.set $r (i32.add (local.get $r) (i32.const 4)))
        (br $rows4)))
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_s (local.get $r) (local.get $rows)))
        (local.set $p0 (i32.add (local.get $w) (i32.mul (local.get $r) (local.get $rb))))
        (local.set $s0 (v128.load64_splat (local.get $v)))
        (local.set $q (local.get $out))
        (block $dc1
          (loop $cols1
            (br_if $dc1 (i32.ge_u (local.get $q) (local.get $oend)))
            (v128.store (local.get $q)
              (f64x2.add (v128.load (local.get $q)) (f64x2.mul (v128.load (local.get $p0)) (local.get $s0))))
            (v128.store offset=16 (local.get $q)
              (f64x2.add (v128.load offset=16 (local.get $q)) (f64x2.mul (v128.load offset=16 (local.get $p0)) (local.get $s0))))
            (local.set $q (i32.add (local.get $q) (i32.const 32)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 32)))
            (br $cols1)))
        (local.set $v (i32.add (local.get $v) (i32.const 8)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1))))

  ;; w[c] = sum_r J[r*ld + c] * u[r] with u = J q, for c < ld (w = J^T J q for the n x ld matrix J);
  ;; returns |J q|^2 = q . w. Byte addresses; ld a multiple of 4, q zero-padded to ld. Four rows per
  ;; pass: their dot products with q, then one sweep adding the four rows (still in L1) into w, so J
  ;; streams from memory once per product instead of twice.
  (func (export "gramv") (param $j i32) (param $n i32) (param $ld i32) (param $q i32) (param $w i32) (result f64)
    (local $rb i32) (local $r i32) (local $k i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $x v128) (local $y v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $d0 f64) (local $d1 f64) (local $d2 f64) (local $d3 f64) (local $sum f64)
    (local.set $rb (i32.shl (local.get $ld) (i32.const 3)))
    (local.set $k (i32.const 0))
    (block $zd
      (loop $zero
        (br_if $zd (i32.ge_u (local.get $k) (local.get $rb)))
        (v128.store (i32.add (local.get $w) (local.get $k)) (v128.const i64x2 0 0))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $zero)))
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
            (local.set $x (v128.load (i32.add (local.get $q) (local.get $k))))
            (local.set $y (v128.load offset=16 (i32.add (local.get $q) (local.get $k))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (i32.add (local.get $p0) (local.get $k))) (local.get $x))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k))) (local.get $y))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (v128.load (i32.add (local.get $p1) (local.get $k))) (local.get $x))))
            (local.set $b1 (f64x2.add (local.get $b1) (f64x2.mul (v128.load offset=16 (i32.add (local.get $p1) (local.get $k))) (local.get $y))))
            (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (v128.load (i32.add (local.get $p2) (local.get $k))) (local.get $x))))
            (local.set $b2 (f64x2.add (local.get $b2) (f64x2.mul (v128.load offset=16 (i32.add (local.get $p2) (local.get $k))) (local.get $y))))
            (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (v128.load (i32.add (local.get $p3) (local.get $k))) (local.get $x))))
            (local.set $b3 (f64x2.add (local.get $b3) (f64x2.mul (v128.load offset=16 (i32.add (local.get $p3) (local.get $k))) (local.get $y))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $dots)))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $b0)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $b1)))
        (local.set $a2 (f64x2.add (local.get $a2) (local.get $b2)))
        (local.set $a3 (f64x2.add (local.get $a3) (local.get $b3)))
        (local.set $d0 (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (local.set $d1 (f64.add (f64x2.extract_lane 0 (local.get $a1)) (f64x2.extract_lane 1 (local.get $a1))))
        (local.set $d2 (f64.add (f64x2.extract_lane 0 (local.get $a2)) (f64x2.extract_lane 1 (local.get $a2))))
        (local.set $d3 (f64.add (f64x2.extract_lane 0 (local.get $a3)) (f64x2.extract_lane 1 (local.get $a3))))
        (local.set $sum (f64.add (local.get $sum)
          (f64.add (f64.add (f64.mul (local.get $d0) (local.get $d0)) (f64.mul (local.get $d1) (local.get $d1)))
                   (f64.add (f64.mul (local.get $d2) (local.get $d2)) (f64.mul (local.get $d3) (local.get $d3))))))
        (local.set $a0 (f64x2.splat (local.get $d0)))
        (local.set $a1 (f64x2.splat (local.get $d1)))
        (local.set $a2 (f64x2.splat (local.get $d2)))
        (local.set $a3 (f64x2.splat (local.get $d3)))
        (local.set $k (i32.const 0))
        (block $ac
          (loop $axpy
            (br_if $ac (i32.ge_u (local.get $k) (local.get $rb)))
            (v128.store (i32.add (local.get $w) (local.get $k)) (f64x2.add (v128.load (i32.add (local.get $w) (local.get $k))) (f64x2.add
              (f64x2.add (f64x2.mul (v128.load (i32.add (local.get $p0) (local.get $k))) (local.get $a0))
                         (f64x2.mul (v128.load (i32.add (local.get $p1) (local.get $k))) (local.get $a1)))
              (f64x2.add (f64x2.mul (v128.load (i32.add (local.get $p2) (local.get $k))) (local.get $a2))
                         (f64x2.mul (v128.load (i32.add (local.get $p3) (local.get $k))) (local.get $a3))))))
            (v128.store offset=16 (i32.add (local.get $w) (local.get $k)) (f64x2.add (v128.load offset=16 (i32.add (local.get $w) (local.get $k))) (f64x2.add
              (f64x2.add (f64x2.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k))) (local.get $a0))
                         (f64x2.mul (v128.load offset=16 (i32.add (local.get $p1) (local.get $k))) (local.get $a1)))
              (f64x2.add (f64x2.mul (v128.load offset=16 (i32.add (local.get $p2) (local.get $k))) (local.get $a2))
                         (f64x2.mul (v128.load offset=16 (i32.add (local.get $p3) (local.get $k))) (local.get $a3))))))
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
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (v128.load (i32.add (local.get $p0) (local.get $k)))
              (v128.load (i32.add (local.get $q) (local.get $k))))))
            (local.set $b0 (f64x2.add (local.get $b0) (f64x2.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k)))
              (v128.load offset=16 (i32.add (local.get $q) (local.get $k))))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $dots1)))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $b0)))
        (local.set $d0 (f64.add (f64x2.extract_lane 0 (local.get $a0)) (f64x2.extract_lane 1 (local.get $a0))))
        (local.set $sum (f64.add (local.get $sum) (f64.mul (local.get $d0) (local.get $d0))))
        (local.set $a0 (f64x2.splat (local.get $d0)))
        (local.set $k (i32.const 0))
        (block $ac1
          (loop $axpy1
            (br_if $ac1 (i32.ge_u (local.get $k) (local.get $rb)))
            (v128.store (i32.add (local.get $w) (local.get $k)) (f64x2.add (v128.load (i32.add (local.get $w) (local.get $k)))
              (f64x2.mul (v128.load (i32.add (local.get $p0) (local.get $k))) (local.get $a0))))
            (v128.store offset=16 (i32.add (local.get $w) (local.get $k)) (f64x2.add (v128.load offset=16 (i32.add (local.get $w) (local.get $k)))
              (f64x2.mul (v128.load offset=16 (i32.add (local.get $p0) (local.get $k))) (local.get $a0))))
            (local.set $k (i32.add (local.get $k) (i32.const 32)))
            (br $axpy1)))
        (local.set $p0 (i32.add (local.get $p0) (local.get $rb)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows1)))
    (local.get $sum))

;; out[j*ld + c] = sum_b s[b*h + j] * W[(b*h + j)*ld + c] (+ d[j] when c = j and d >= 0) for j < h,
  ;; b < g (1 <= g <= 4), c < ld: row j of the one-step Jacobian is row j of each of the g blocks of
  ;; W (g*h x ld) scaled by a gate derivative, plus an optional diagonal. Returns the index of the
  ;; row with the largest norm (Lanczos starts from it). Byte addresses (d = -1 for none); ld a
  ;; multiple of 4. One pass per row over all blocks, which also sums the row's squares.
  (func (export "rowcomb") (param $w i32) (param $g i32) (param $h i32) (param $ld i32) (param $s i32)
    (param $d i32) (param $out i32) (result i32)
    (local $rb i32) (local $bb i32) (local $j i32) (local $q i32) (local $end i32) (local $sp i32)
    (local $pa i32) (local $pb i32) (local $pc i32) (local $pd i32)
    (local $sa v128) (local $sb v128) (local $sc v128) (local $sd v128)
    (local $x v128) (local $y v128) (local $n0 v128) (local $n1 v128)
    (local $best f64) (local $norm f64) (local $old f64) (local $new f64) (local $bestj i32)
    (local.set $rb (i32.shl (local.get $ld) (i32.const 3)))
    ;; bytes from one block's row j to the next block's row j, and from scale b*h + j to (b+1)*h + j
    (local.set $bb (i32.mul (local.get $h) (local.get $rb)))
    (local.set $best (f64.const -1))
    (local.set $j (i32.const 0))
    (block $dj
      (loop $rowsj
        (br_if $dj (i32.ge_s (local.get $j) (local.get $h)))
        (local.set $pa (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rb))))
        (local.set $pb (i32.add (local.get $pa) (local.get $bb)))
        (local.set $pc (i32.add (local.get $pb) (local.get $bb)))
        (local.set $pd (i32.add (local.get $pc) (local.get $bb)))
        (local.set $sp (i32.add (local.get $s) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $sa (v128.load64_splat (local.get $sp)))
        (local.set $q (local.get $out))
        (local.set $end (i32.add (local.get $out) (local.get $rb)))
        (local.set $n0 (v128.const i64x2 0 0))
        (local.set $n1 (v128.const i64x2 0 0))
        (if (i32.ge_s (local.get $g) (i32.const 2))
          (then
            (local.set $sp (i32.add (local.get $sp) (i32.shl (local.get $h) (i32.const 3))))
            (local.set $sb (v128.load64_splat (local.get $sp)))
            (local.set $sc (v128.const i64x2 0 0))
            (if (i32.ge_s (local.get $g) (i32.const 3))
              (then
                (local.set $sp (i32.add (local.get $sp) (i32.shl (local.get $h) (i32.const 3))))
                (local.set $sc (v128.load64_splat (local.get $sp))))
              (else
                ;; two blocks: the three-block loop with a zero third scale
                (local.set $pc (local.get $pa))))))
        (if (i32.eq (local.get $g) (i32.const 4))
          (then
            (local.set $sp (i32.add (local.get $sp) (i32.shl (local.get $h) (i32.const 3))))
            (local.set $sd (v128.load64_splat (local.get $sp)))
            (block $d4
              (loop $l4
                (br_if $d4 (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $x (f64x2.add (f64x2.add (f64x2.mul (v128.load (local.get $pa)) (local.get $sa)) (f64x2.mul (v128.load (local.get $pb)) (local.get $sb))) (f64x2.add (f64x2.mul (v128.load (local.get $pc)) (local.get $sc)) (f64x2.mul (v128.load (local.get $pd)) (local.get $sd)))))
                (local.set $y (f64x2.add (f64x2.add (f64x2.mul (v128.load offset=16 (local.get $pa)) (local.get $sa)) (f64x2.mul (v128.load offset=16 (local.get $pb)) (local.get $sb))) (f64x2.add (f64x2.mul (v128.load offset=16 (local.get $pc)) (local.get $sc)) (f64x2.mul (v128.load offset=16 (local.get $pd)) (local.get $sd)))))
                (v128.store (local.get $q) (local.get $x))
                (v128.store offset=16 (local.get $q) (local.get $y))
                (local.set $n0 (f64x2.add (local.get $n0) (f64x2.mul (local.get $x) (local.get $x))))
                (local.set $n1 (f64x2.add (local.get $n1) (f64x2.mul (local.get $y) (local.get $y))))
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
                (local.set $x (f64x2.mul (v128.load (local.get $pa)) (local.get $sa)))
                (local.set $y (f64x2.mul (v128.load offset=16 (local.get $pa)) (local.get $sa)))
                (v128.store (local.get $q) (local.get $x))
                (v128.store offset=16 (local.get $q) (local.get $y))
                (local.set $n0 (f64x2.add (local.get $n0) (f64x2.mul (local.get $x) (local.get $x))))
                (local.set $n1 (f64x2.add (local.get $n1) (f64x2.mul (local.get $y) (local.get $y))))
                (local.set $q (i32.add (local.get $q) (i32.const 32)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
                (br $l1))))
              (else
            (block $d3
              (loop $l3
                (br_if $d3 (i32.ge_u (local.get $q) (local.get $end)))
                (local.set $x (f64x2.add (f64x2.add (f64x2.mul (v128.load (local.get $pa)) (local.get $sa)) (f64x2.mul (v128.load (local.get $pb)) (local.get $sb))) (f64x2.mul (v128.load (local.get $pc)) (local.get $sc))))
                (local.set $y (f64x2.add (f64x2.add (f64x2.mul (v128.load offset=16 (local.get $pa)) (local.get $sa)) (f64x2.mul (v128.load offset=16 (local.get $pb)) (local.get $sb))) (f64x2.mul (v128.load offset=16 (local.get $pc)) (local.get $sc))))
                (v128.store (local.get $q) (local.get $x))
                (v128.store offset=16 (local.get $q) (local.get $y))
                (local.set $n0 (f64x2.add (local.get $n0) (f64x2.mul (local.get $x) (local.get $x))))
                (local.set $n1 (f64x2.add (local.get $n1) (f64x2.mul (local.get $y) (local.get $y))))
                (local.set $q (i32.add (local.get $q) (i32.const 32)))
                (local.set $pa (i32.add (local.get $pa) (i32.const 32)))
                (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
                (local.set $pc (i32.add (local.get $pc) (i32.const 32)))
                (br $l3)))))))
        (local.set $n0 (f64x2.add (local.get $n0) (local.get $n1)))
        (local.set $norm (f64.add (f64x2.extract_lane 0 (local.get $n0)) (f64x2.extract_lane 1 (local.get $n0))))
        (if (i32.ge_s (local.get $d) (i32.const 0))
          (then
            ;; the diagonal term, and the squared norm corrected for it
            (local.set $q (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $old (f64.load (local.get $q)))
            (local.set $new (f64.add (local.get $old) (f64.load (i32.add (local.get $d) (i32.shl (local.get $j) (i32.const 3))))))
            (f64.store (local.get $q) (local.get $new))
            (local.set $norm (f64.add (local.get $norm)
              (f64.sub (f64.mul (local.get $new) (local.get $new)) (f64.mul (local.get $old) (local.get $old)))))))
        (if (f64.gt (local.get $norm) (local.get $best))
          (then
            (local.set $best (local.get $norm))
            (local.set $bestj (local.get $j))))
        (local.set $out (local.get $end))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rowsj)))
    (local.get $bestj)))
