//! Correctly rounded division and square root on the FMA units instead of
//! the divider (AVX-512): the Euler loop's quotients and half of the
//! distance matrix's square roots.
//!
//! # Why
//!
//! One Euler step needs a square root and two divisions. On x86 all three
//! run on the one divide/square-root unit per core, which accepts a new
//! 8-lane `vdivpd`/`vsqrtpd` only every 16 or so cycles: about 6 cycles per
//! particle-step however the rest of the loop is written. The two FMA ports
//! sit nearly idle meanwhile. So this loop keeps the square root on the
//! divider and computes both quotients on the FMA ports, *correctly rounded*
//! — the same bits as `a / n` — so the textbook step stays bit-identical to
//! the reference.
//!
//! # How: a reciprocal, one Newton correction and an exact rounding test
//!
//! For a numerator `a` and the norm `n = RN(√s) > 0` of `s = x² + y²`, with
//! `t = a/n` the exact quotient and `RN` rounding to nearest:
//!
//! 1. `r ≈ 1/n` comes from `s`, not from `n`: `vrsqrt14pd` (relative error
//!    below 2⁻¹⁴, as Intel specifies) and one Newton step give `1/√s` to
//!    `1.5·2⁻²⁸ + 2⁻⁴³` plus three roundings of 2⁻⁵³ (see [`inverse_sqrt`]),
//!    and `n` is within 2⁻⁵³ of `√s`, so `|1 − n·r| ≤ μ = 1.5·2⁻²⁸ + 2⁻⁴²`.
//!    Computing `r` from `s` lets it run on the FMA ports while the divider
//!    is still busy with the square root, instead of after it: one step's
//!    chain of dependent instructions, which bounded this loop, is about a
//!    fifth shorter.
//! 2. `q₀ = RN(a·r)` is then within `|t|·(μ + 2⁻⁵³)` of `t`. The correction
//!    `q₁ = RN(q₀ + RN(a − q₀·n)·r)` (two FMAs) multiplies that error by at
//!    most `μ + 2⁻⁵²` (the factor `1 − n·r`, plus the rounding of the
//!    remainder), leaving at most `|t|·(μ + 2⁻⁵³)·(μ + 2⁻⁵²) < |t|·2⁻⁵⁴·⁸`
//!    before its own rounding. Every rounding boundary other than the one
//!    between the two doubles around `t` lies more than `|t|·2⁻⁵⁴·(1 − 2⁻⁵²)`
//!    from `t` (half the smallest gap next to a neighbour of `t`, which
//!    is half an ulp of the binade below at a power of two), so `q₁` is a
//!    *faithful* rounding of `t`: one of those two doubles, and `RN(t)` is
//!    one of the two.
//! 3. For a faithful `q₁` the remainder `e = a − q₁·n` is itself a double
//!    (Boldo and Daumas), so one FMA computes it exactly; its sign says on
//!    which side of `q₁` the quotient lies.
//! 4. `RN(t)` is that neighbour exactly when `t` lies beyond the midpoint,
//!    `|e| > (ulp(q₁)/2)·n`. Both sides are exact (the right one is a power
//!    of two times `n`), so the comparison is exact; a quotient of two
//!    doubles is never exactly a midpoint, so there is no tie; and stepping
//!    `q₁` by one ulp towards `t` is exact.
//!
//! Step 4 takes the gap to the neighbour to be `ulp(q₁)`. That fails only
//! when `q₁` is a power of two and `t` lies below it in magnitude (the gap
//! there is half an ulp), so a vector with any such lane takes the divider.
//! Every other lane is `RN(a/n)` by the argument above, for every input in
//! range, not merely on the inputs we tried; the tests still try many,
//! including quotients built to lie next to a midpoint.
//!
//! # Range
//!
//! The argument needs remainders and gaps far from the subnormal range. The
//! loop checks, per vector and step, that every numerator has
//! `|a| ≥ 2⁻⁴⁰⁰` (so `e`, a multiple of about `2^(exp(a) − 105)`, stays
//! normal), and otherwise takes that step with `vdivpd`. The particle
//! invariants bound `n ≤ 2⁵¹¹` and `|a| ≤ n`-ish, so nothing overflows. A
//! particle exactly on an axis (`x = 0` or `y = 0`, a zero numerator) also
//! takes the divider for that step, which happens for a step or two at most.

use core::arch::x86_64::*;

use crate::evolve::for_each_group;

/// Independent 8-lane vectors stepped together. One step is a chain of
/// about 65 cycles of latency (28 ns per step with a single vector on the
/// 2.35 GHz test machine, 35 ns before the reciprocal came from `s`); four
/// chains keep the FMA ports busy. Measured for the published case on one
/// core: 3, 4, 5 and 6 vectors take 17, 13.5, 17 and 21 ms (five and six
/// spill registers).
const VECTORS: usize = 4;

/// Particles per group.
const GROUP: usize = 8 * VECTORS;

/// The smallest numerator magnitude the FMA quotient handles, 2⁻⁴⁰⁰.
const TINY: f64 = f64::from_bits((1023 - 400) << 52);

/// `vrangepd` control: the smaller magnitude of the two operands, sign
/// cleared.
const MIN_ABS: i32 = 0b1010;

/// Euler steps for a chunk of particles, 32 at a time, on AVX-512 with the
/// divisions on the FMA units; bit-identical to the scalar steps.
///
/// `HOISTED` selects the hoisted step (`x − (t·y)/n`, `y + (t·x)/n`) instead
/// of the textbook one (`x + t·(−y/n)`, `y + t·(x/n)`). Groups come from
/// [`for_each_group`], whose padding lanes never force a divider fallback
/// the group's first particle would not take anyway.
///
/// # Safety
/// The CPU must support AVX-512 F/DQ/VL/BW.
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
pub(crate) unsafe fn euler_avx512<const HOISTED: bool>(
    x: &mut [f64],
    y: &mut [f64],
    ang_speed: &[f64],
    steps: u64,
) {
    for_each_group::<GROUP>(x, y, ang_speed, |gx, gy, gt| {
        // SAFETY: each `v * 8` offset leaves 8 values inside the 32-value
        // group arrays, and this closure runs inside this function, on a
        // CPU with AVX-512 (the caller's contract).
        let load = |a: &[f64; GROUP], v: usize| unsafe { _mm512_loadu_pd(a.as_ptr().add(v * 8)) };
        let mut vx: [__m512d; VECTORS] = core::array::from_fn(|v| load(gx, v));
        let mut vy: [__m512d; VECTORS] = core::array::from_fn(|v| load(gy, v));
        let vt: [__m512d; VECTORS] = core::array::from_fn(|v| load(gt, v));
        for _ in 0..steps {
            for v in 0..VECTORS {
                (vx[v], vy[v]) = step::<HOISTED>(vx[v], vy[v], vt[v]);
            }
        }
        for v in 0..VECTORS {
            // SAFETY: as for the loads.
            unsafe {
                _mm512_storeu_pd(gx.as_mut_ptr().add(v * 8), vx[v]);
                _mm512_storeu_pd(gy.as_mut_ptr().add(v * 8), vy[v]);
            }
        }
    });
}

/// One Euler step of eight particles with time factors `t`.
///
/// The textbook step's `x + t·(−y/n)` is computed as `x − t·RN(y/n)`: round
/// to nearest is symmetric, so `RN(−y/n) = −RN(y/n)`, `t·(−q) = −(t·q)` and
/// `x + (−p) = x − p` hold bit for bit.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
fn step<const HOISTED: bool>(x: __m512d, y: __m512d, t: __m512d) -> (__m512d, __m512d) {
    let s = _mm512_add_pd(_mm512_mul_pd(x, x), _mm512_mul_pd(y, y));
    let (num_x, num_y) = if HOISTED {
        (_mm512_mul_pd(t, x), _mm512_mul_pd(t, y))
    } else {
        (x, y)
    };
    let (q_x, q_y) = quotients(num_x, num_y, s);
    if HOISTED {
        (_mm512_sub_pd(x, q_y), _mm512_add_pd(y, q_x))
    } else {
        (
            _mm512_sub_pd(x, _mm512_mul_pd(t, q_y)),
            _mm512_add_pd(y, _mm512_mul_pd(t, q_x)),
        )
    }
}

/// `(RN(a/n), RN(b/n))` for the norm `n = RN(√s)` of a positive normal `s`
/// (`vsqrtpd`): on the FMA units, with `r ≈ 1/n` taken from `s` (step 1 of
/// the module docs), when every numerator is at least [`TINY`] in magnitude
/// and no quotient needs the power-of-two special case; with `vdivpd`
/// otherwise.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
pub(crate) fn quotients(a: __m512d, b: __m512d, s: __m512d) -> (__m512d, __m512d) {
    let n = _mm512_sqrt_pd(s);
    let r = inverse_sqrt(s);
    let smallest = _mm512_range_pd::<MIN_ABS>(a, b);
    // The lanes still good, narrowed by each test in turn (masked tests
    // instead of OR-ing three masks: two fewer mask instructions on the
    // ports the arithmetic needs).
    let usable = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(smallest, _mm512_set1_pd(TINY));
    let (q_a, usable) = quotient(a, n, r, usable);
    let (q_b, usable) = quotient(b, n, r, usable);
    if usable != u8::MAX {
        return (_mm512_div_pd(a, n), _mm512_div_pd(b, n));
    }
    (q_a, q_b)
}

/// `RN(a/n)` from `r` with `|1 − n·r| ≤ 1.5·2⁻²⁸ + 2⁻⁴²` (see the module
/// docs for why every lane is correctly rounded), and the lanes of `usable`
/// whose faithful quotient is not a power of two: the caller must discard
/// the results of the others.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
fn quotient(a: __m512d, n: __m512d, r: __m512d, usable: u8) -> (__m512d, u8) {
    const EXPONENT: i64 = 0x7FF0_0000_0000_0000;
    const MANTISSA: i64 = 0x000F_FFFF_FFFF_FFFF;
    /// `vpternlogq` truth table for `(A & C) | B`: A's sign on B.
    const SIGN_OF_A_ON_B: i32 = 0xEC;
    let q0 = _mm512_mul_pd(a, r);
    let q1 = _mm512_fmadd_pd(_mm512_fnmadd_pd(q0, n, a), r, q0);
    // Exact: q1 is a faithful quotient.
    let remainder = _mm512_fnmadd_pd(q1, n, a);
    // Half an ulp of q1 = ±1.m·2^E is 2^(E − 53): its exponent field less 53.
    let bits = _mm512_castpd_si512(q1);
    let half_ulp = _mm512_castsi512_pd(_mm512_sub_epi64(
        _mm512_and_si512(bits, _mm512_set1_epi64(EXPONENT)),
        _mm512_set1_epi64(53 << 52),
    ));
    let past_midpoint =
        _mm512_cmp_pd_mask::<_CMP_GT_OQ>(_mm512_abs_pd(remainder), _mm512_mul_pd(half_ulp, n));
    let half_ulp_towards_t = _mm512_castsi512_pd(_mm512_ternarylogic_epi64::<SIGN_OF_A_ON_B>(
        _mm512_castpd_si512(remainder),
        _mm512_castpd_si512(half_ulp),
        _mm512_set1_epi64(i64::MIN),
    ));
    let rounded = _mm512_mask3_fmadd_pd(half_ulp_towards_t, _mm512_set1_pd(2.0), q1, past_midpoint);
    let not_power_of_two = _mm512_mask_test_epi64_mask(usable, bits, _mm512_set1_epi64(MANTISSA));
    (rounded, not_power_of_two)
}

/// `1/√s` for positive normal `s`: `vrsqrt14pd` (relative error
/// `ε < 2⁻¹⁴`) and one Newton step `y ← y + (y/2)·(1 − s·y²)`, which in
/// exact arithmetic leaves the factor `1 − (3/2)·ε² − ε³/2`, so within
/// `1.5·2⁻²⁸ + 2⁻⁴³`. The roundings add less than `2·2⁻⁵³`: that of `s·y`
/// (an absolute 2⁻⁵³ in `1 − s·y²`, halved by `y/2`), the FMA's final one,
/// and that of the tiny `1 − s·y²`.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
fn inverse_sqrt(s: __m512d) -> __m512d {
    let y0 = _mm512_rsqrt14_pd(s);
    _mm512_fmadd_pd(
        _mm512_mul_pd(y0, _mm512_set1_pd(0.5)),
        _mm512_fnmadd_pd(_mm512_mul_pd(s, y0), y0, _mm512_set1_pd(1.0)),
        y0,
    )
}

/// The square-root range the FMA path handles: `[2⁻⁹⁰⁰, 2⁹⁰⁰]`, so that
/// the Tuckerman residuals below (multiples of `ulp(√s)²`) stay normal.
const SQRT_MIN: f64 = f64::from_bits((1023 - 900) << 52);
/// See [`SQRT_MIN`].
const SQRT_MAX: f64 = f64::from_bits((1023 + 900) << 52);

/// `RN(√s)` in every lane, on the FMA units when every lane lies in
/// `[2⁻⁹⁰⁰, 2⁹⁰⁰]` (zero, subnormal, huge, infinite or NaN lanes send the
/// vector to `vsqrtpd`).
///
/// 1. `y ≈ 1/√s` from `vrsqrt14pd` (relative error below 2⁻¹⁴) and one
///    Newton step `y ← y + (y/2)·(1 − s·y²)`: about 1.5·2⁻²⁸.
/// 2. `r = RN(s·y)` and two corrections `r ← r + (s − r²)·(y/2)`; each
///    multiplies the relative error by about `2⁻²⁷`, so before the last
///    rounding `r` is within `2⁻⁸⁰·√s` of the root: a faithful rounding.
/// 3. Tuckerman's test picks between `r` and its neighbours `r⁻ < r < r⁺`:
///    `√s` is below the midpoint of `r⁻` and `r` exactly when
///    `s ≤ r·r⁻`, and above the midpoint of `r` and `r⁺` exactly when
///    `s > r·r⁺`. (`(r − g/2)² = r·r⁻ + g²/4`, and `s − r·r⁻` is a multiple
///    of `g²`, so it cannot fall strictly between 0 and `g²/4`.) The FMA
///    computes `s − r·r±` with one rounding, which keeps its sign exactly.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
pub(crate) fn sqrt(s: __m512d) -> __m512d {
    let in_range = _mm512_cmp_pd_mask::<_CMP_GE_OQ>(s, _mm512_set1_pd(SQRT_MIN))
        & _mm512_cmp_pd_mask::<_CMP_LE_OQ>(s, _mm512_set1_pd(SQRT_MAX));
    if in_range != u8::MAX {
        return _mm512_sqrt_pd(s);
    }
    let y = inverse_sqrt(s);
    let half_y = _mm512_mul_pd(y, _mm512_set1_pd(0.5));
    let mut root = _mm512_mul_pd(s, y);
    for _ in 0..2 {
        root = _mm512_fmadd_pd(_mm512_fnmadd_pd(root, root, s), half_y, root);
    }
    nearest_root(s, root)
}

/// `RN(√s)` from a `root` at most one ulp away from it (Tuckerman's test,
/// step 3 of [`sqrt`]); `s` in `[2⁻⁹⁰⁰, 2⁹⁰⁰]`.
#[inline]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
fn nearest_root(s: __m512d, root: __m512d) -> __m512d {
    let bits = _mm512_castpd_si512(root);
    let below = _mm512_castsi512_pd(_mm512_sub_epi64(bits, _mm512_set1_epi64(1)));
    let above = _mm512_castsi512_pd(_mm512_add_epi64(bits, _mm512_set1_epi64(1)));
    let zero = _mm512_setzero_pd();
    let take_below = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(_mm512_fnmadd_pd(root, below, s), zero);
    let take_above = _mm512_cmp_pd_mask::<_CMP_GT_OQ>(_mm512_fnmadd_pd(root, above, s), zero);
    _mm512_mask_mov_pd(
        _mm512_mask_mov_pd(root, take_below, below),
        take_above,
        above,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::Isa;

    /// `n·n` in each lane, whose correctly rounded root is `n` again
    /// (asserted), so that tests can choose the divisor `n` itself.
    fn squares(n: [f64; 8]) -> [f64; 8] {
        n.map(|n| {
            assert_eq!((n * n).sqrt(), n, "√(n²) = n for n = {n}");
            n * n
        })
    }

    /// Asserts that every lane of `q` has the bits of `a / n`.
    fn assert_divisions(q: [f64; 8], a: [f64; 8], n: [f64; 8]) {
        for i in 0..8 {
            assert_eq!(
                q[i].to_bits(),
                (a[i] / n[i]).to_bits(),
                "{} / {}",
                a[i],
                n[i]
            );
        }
    }

    /// Runs `quotients` on eight lanes for the divisors `n`, or returns
    /// `None` without AVX-512.
    fn fma_quotients(a: [f64; 8], b: [f64; 8], n: [f64; 8]) -> Option<([f64; 8], [f64; 8])> {
        if !Isa::Avx512.is_supported() {
            return None;
        }
        let s = squares(n);
        let (mut qa, mut qb) = ([0.0; 8], [0.0; 8]);
        // SAFETY: AVX-512 is supported (checked above); all pointers are to
        // 8-value arrays.
        unsafe {
            let load = |v: &[f64; 8]| _mm512_loadu_pd(v.as_ptr());
            let (va, vb) = quotients(load(&a), load(&b), load(&s));
            _mm512_storeu_pd(qa.as_mut_ptr(), va);
            _mm512_storeu_pd(qb.as_mut_ptr(), vb);
        }
        Some((qa, qb))
    }

    /// A small deterministic generator (SplitMix64) for test inputs.
    struct Mix(u64);

    impl Mix {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        /// A double with a random 52-bit mantissa, sign, and exponent in
        /// `lo..hi` (unbiased).
        fn float(&mut self, lo: i64, hi: i64) -> f64 {
            let bits = self.next();
            let exponent = lo + (bits % (hi - lo) as u64) as i64;
            let mantissa = self.next() >> 12;
            let sign = bits & (1 << 63);
            f64::from_bits(sign | (((exponent + 1023) as u64) << 52) | mantissa)
        }
    }

    fn check(a: [f64; 8], b: [f64; 8], n: [f64; 8]) -> bool {
        let Some((qa, qb)) = fma_quotients(a, b, n) else {
            return false;
        };
        assert_divisions(qa, a, n);
        assert_divisions(qb, b, n);
        true
    }

    /// Checks the FMA quotient alone (no divider fallback) against `a / n`
    /// for `n = RN(√s)` and `r` from `s`, as in the loop, for numerators in
    /// range whose quotient is not a power of two.
    fn check_fma_path(a: [f64; 8], s: [f64; 8]) -> bool {
        if !Isa::Avx512.is_supported() {
            return false;
        }
        let n = s.map(f64::sqrt);
        let mut q = [0.0; 8];
        // SAFETY: AVX-512 is supported (checked above); all pointers are to
        // 8-value arrays.
        let usable = unsafe {
            let (vn, vs) = (_mm512_loadu_pd(n.as_ptr()), _mm512_loadu_pd(s.as_ptr()));
            let (vq, usable) = quotient(_mm512_loadu_pd(a.as_ptr()), vn, inverse_sqrt(vs), u8::MAX);
            _mm512_storeu_pd(q.as_mut_ptr(), vq);
            usable
        };
        assert_eq!(usable, u8::MAX, "{a:?} / {n:?}");
        assert_divisions(q, a, n);
        true
    }

    #[test]
    fn random_quotients_are_correctly_rounded() {
        let mut mix = Mix(1);
        for _ in 0..200_000 {
            let s: [f64; 8] = core::array::from_fn(|_| mix.float(-600, 600).abs());
            let a = core::array::from_fn(|i| s[i].sqrt() * mix.float(-60, 1));
            if !check_fma_path(a, s) {
                return;
            }
        }
    }

    /// Step 1 of the module docs: `|1 − RN(√s)·r| ≤ 1.5·2⁻²⁸ + 2⁻⁴²` for `r`
    /// from [`inverse_sqrt`], over the whole normal range of `s` and at its
    /// ends.
    #[test]
    fn inverse_square_roots_meet_the_bound_the_proof_uses() {
        if !Isa::Avx512.is_supported() {
            return;
        }
        let bound = 1.5 * 2f64.powi(-28) + 2f64.powi(-42);
        let mut mix = Mix(3);
        let up = |x: f64| f64::from_bits(x.to_bits() + 1);
        let mut worst = 0.0_f64;
        for round in 0..100_000 {
            let s: [f64; 8] = if round == 0 {
                let four_k_minus = f64::from_bits(4f64.to_bits() - 1);
                [
                    f64::MIN_POSITIVE,
                    up(f64::MIN_POSITIVE),
                    f64::MAX / 4.0,
                    1.0,
                    up(1.0),
                    2.0,
                    four_k_minus,
                    3.0,
                ]
            } else {
                core::array::from_fn(|_| mix.float(-1022, 1022).abs())
            };
            let mut r = [0.0; 8];
            // SAFETY: AVX-512 is supported (checked above); both pointers
            // are to 8-value arrays.
            unsafe { _mm512_storeu_pd(r.as_mut_ptr(), inverse_sqrt(_mm512_loadu_pd(s.as_ptr()))) };
            for i in 0..8 {
                // One rounding of a number below 2⁻²⁷: far below the bound.
                let error = (-s[i].sqrt()).mul_add(r[i], 1.0).abs();
                assert!(error <= bound, "s = {:e}: |1 − n·r| = {error:e}", s[i]);
                worst = worst.max(error);
            }
        }
        // The bound is not loose by orders of magnitude: the random inputs
        // come within a factor of 4 of it.
        assert!(worst > bound / 4.0, "worst {worst:e}");
    }

    /// `(a, n)` whose quotient lies within about `|r|·2⁻⁵³` ulp of a
    /// rounding midpoint (`r` a small odd integer), the hardest case for any
    /// division algorithm: `a/n = M/2⁵⁴ − r/(2⁵⁴·N)` for a random odd 54-bit
    /// `M` (so `M/2⁵⁴` is the midpoint of two neighbouring doubles) and the
    /// 53-bit `N ≡ r·M⁻¹ (mod 2⁵⁴)` that makes `M·N − r` divisible by `2⁵⁴`.
    fn near_midpoint(mix: &mut Mix) -> (f64, f64) {
        const MOD: u128 = 1 << 54;
        loop {
            let m = u128::from((mix.next() >> 10) | (1 << 53) | 1);
            // Newton's iteration for the inverse of an odd number modulo a
            // power of two doubles the correct low bits each time.
            let mut inverse: u128 = m;
            for _ in 0..6 {
                inverse = inverse.wrapping_mul(2u128.wrapping_sub(m.wrapping_mul(inverse))) % MOD;
            }
            assert_eq!(m * inverse % MOD, 1);
            for r in [1_i64, -1, 3, -3, 5, -5, 7, -7, 9, -9, 11, -11] {
                let residue = (r.rem_euclid(MOD as i64)) as u128;
                let n = inverse * residue % MOD;
                if !((1 << 52)..(1 << 53)).contains(&n) {
                    continue;
                }
                let product = m * n;
                let a = if r > 0 {
                    (product - r as u128) / MOD
                } else {
                    (product + (-r) as u128) / MOD
                };
                let scale = f64::from_bits(((1023 + (mix.next() % 80) as i64 - 40) as u64) << 52);
                let sign = if mix.next() & 1 == 0 { 1.0 } else { -1.0 };
                return (sign * a as f64 * scale, n as f64 * scale);
            }
        }
    }

    #[test]
    fn quotients_next_to_a_midpoint_are_correctly_rounded() {
        let mut mix = Mix(2);
        for _ in 0..50_000 {
            let pairs: [(f64, f64); 8] = core::array::from_fn(|_| near_midpoint(&mut mix));
            if !check_fma_path(pairs.map(|(a, _)| a), squares(pairs.map(|(_, n)| n))) {
                return;
            }
        }
    }

    #[test]
    fn exact_quotients_and_powers_of_two_are_kept() {
        let n = [1.0, 2.0, 3.0, 5.0, 0.5, 10.0, 7.0, 1.5];
        let a = [1.0, 1.0, 3.0, -2.5, 0.25, -10.0, 3.5, 0.75];
        let b = [
            -0.5,
            1.5,
            1.0,
            1.0,
            -0.125,
            1e-100,
            1.0 - f64::EPSILON,
            -1.5,
        ];
        check(a, b, n);
    }

    #[test]
    fn quotients_just_below_a_power_of_two_are_correctly_rounded() {
        // a/n a hair below 1, 2, 0.5 or −1: the faithful quotient may be the
        // power of two itself, where the gap below is half an ulp.
        let up = |x: f64| f64::from_bits(x.to_bits() + 1);
        let down = |x: f64| f64::from_bits(x.to_bits() - 1);
        let n = [
            up(1.0),
            up(1.0),
            up(3.0),
            up(1.5),
            up(1.0),
            up(7.0),
            3.0,
            up(up(1.0)),
        ];
        let a = [1.0, down(1.0), 6.0, 0.75, -1.0, 14.0, down(6.0), 1.0];
        let b = [
            2.0,
            0.5,
            down(3.0),
            down(0.75),
            down(2.0),
            7.0,
            3.0,
            down(1.0),
        ];
        check(a, b, n);
    }

    /// Runs [`sqrt`] on eight lanes and checks every lane against
    /// `f64::sqrt`; `false` without AVX-512.
    fn check_sqrt(s: [f64; 8]) -> bool {
        if !Isa::Avx512.is_supported() {
            return false;
        }
        let mut root = [0.0; 8];
        // SAFETY: AVX-512 is supported (checked above); both pointers are to
        // 8-value arrays.
        unsafe { _mm512_storeu_pd(root.as_mut_ptr(), sqrt(_mm512_loadu_pd(s.as_ptr()))) };
        for i in 0..8 {
            assert_eq!(root[i].to_bits(), s[i].sqrt().to_bits(), "sqrt({})", s[i]);
        }
        true
    }

    #[test]
    fn random_square_roots_are_correctly_rounded() {
        let mut mix = Mix(3);
        for _ in 0..200_000 {
            if !check_sqrt(core::array::from_fn(|_| mix.float(-890, 890).abs())) {
                return;
            }
        }
    }

    /// An `s` whose square root lies within about `|r|·2⁻⁸⁰` ulp of a
    /// rounding midpoint: `s = (M² − r)/2⁵⁴` for an odd 54-bit `M` (so
    /// `√s ≈ M/2²⁷`, a midpoint) with `M² ≡ r (mod 2⁵⁴)`, `r ≡ 1 (mod 8)`
    /// small. Such `M` are the 2-adic square roots of `r`, found with the
    /// iteration `z ← z·(3 − r·z²)/2` for `1/√r`, then scaled by an even
    /// power of two.
    fn sqrt_near_midpoint(mix: &mut Mix) -> f64 {
        const BITS: u32 = 54;
        const MOD: u128 = 1 << BITS;
        loop {
            let r = 1 + 8 * ((mix.next() % 1000) as i128 - 500);
            let residue = r.rem_euclid(MOD as i128) as u128;
            let mut z: u128 = 1;
            for _ in 0..7 {
                let wide = MOD << 1;
                let three_minus = (3 + wide - residue * (z * z % wide) % wide) % wide;
                z = z * (three_minus / 2) % MOD;
            }
            let x = residue * z % MOD;
            assert_eq!(x * x % MOD, residue);
            let candidates = [x, MOD - x, (x + MOD / 2) % MOD, (MOD - x + MOD / 2) % MOD];
            let Some(m) = candidates
                .into_iter()
                .find(|&m| m >= 1 << 53 && m * m < 1 << 107)
            else {
                continue;
            };
            let k = (m * m).checked_add_signed(-r).unwrap() / MOD;
            let scale =
                f64::from_bits(((1023 + 2 * ((mix.next() % 200) as i64 - 100)) as u64) << 52);
            return k as f64 * scale;
        }
    }

    #[test]
    fn square_roots_next_to_a_midpoint_are_correctly_rounded() {
        let mut mix = Mix(4);
        for _ in 0..50_000 {
            if !check_sqrt(core::array::from_fn(|_| sqrt_near_midpoint(&mut mix))) {
                return;
            }
        }
    }

    #[test]
    fn the_rounding_test_repairs_a_root_one_ulp_off() {
        // The Newton steps alone almost always land on RN(√s) already, so
        // the tests above rarely exercise the last step: feed it candidates
        // one ulp off on purpose, next to midpoints and at random.
        if !Isa::Avx512.is_supported() {
            return;
        }
        let mut mix = Mix(5);
        for round in 0..40_000 {
            let s: [f64; 8] = core::array::from_fn(|lane| {
                if lane % 2 == 0 {
                    sqrt_near_midpoint(&mut mix)
                } else {
                    mix.float(-890, 890).abs()
                }
            });
            let step = if round % 2 == 0 { 1 } else { -1 };
            let candidate = s.map(|s| f64::from_bits(s.sqrt().to_bits().wrapping_add_signed(step)));
            let mut root = [0.0; 8];
            // SAFETY: AVX-512 is supported (checked above); all pointers are
            // to 8-value arrays.
            unsafe {
                let fixed = nearest_root(
                    _mm512_loadu_pd(s.as_ptr()),
                    _mm512_loadu_pd(candidate.as_ptr()),
                );
                _mm512_storeu_pd(root.as_mut_ptr(), fixed);
            }
            for lane in 0..8 {
                assert_eq!(
                    root[lane].to_bits(),
                    s[lane].sqrt().to_bits(),
                    "sqrt({})",
                    s[lane]
                );
            }
        }
    }

    #[test]
    fn square_roots_out_of_range_take_the_divider() {
        check_sqrt([
            0.0,
            4.0,
            1e-300,
            5e-324,
            1e300,
            f64::INFINITY,
            2.0,
            f64::MAX,
        ]);
        check_sqrt([
            1.0,
            4.0,
            9.0,
            0.25,
            2.0,
            3.0,
            f64::EPSILON,
            1.0 + f64::EPSILON,
        ]);
    }

    #[test]
    fn tiny_or_zero_numerators_take_the_divider() {
        let n = [1.0, 2.0, 1e-150, 5.0, 0.5, 1e150, 7.0, 1.5];
        let a = [0.0, -0.0, 1e-300, 5e-324, 1e-150, 1e-120, 3.5, 0.75];
        let b = [1.0, 1.0, 1e-210, 1.0, 1.0, 1.0, -0.0, 2.0];
        check(a, b, n);
    }
}
