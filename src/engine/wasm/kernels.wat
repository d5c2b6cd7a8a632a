;; gatescope's WebAssembly SIMD kernel (f64x2). Assembled by scripts/build-wasm.mjs into
;; kernelBytes.ts; the TypeScript kernels in linalg.ts stay the fallback.
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
        (br $rows1)))))
