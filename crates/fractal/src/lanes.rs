//! The SIMD hot loop, written once over a small [`Simd`] abstraction and
//! compiled three times: scalar (1 lane), AVX2 (4 lanes) and AVX-512
//! (8 lanes), chosen at run time from the kernel's [`Isa`].
//!
//! Pixels are handed out in *groups* of one vector's worth of consecutive
//! pixels of a chunk (groups may straddle a row boundary). Each lane runs the
//! published loop on its own pixel; a lane that escapes or reaches
//! `max_iter` is masked off (its count frozen) while the others continue,
//! and the group is retired when every lane is done. `STREAMS` groups are
//! interleaved in one loop so that the 12-cycle dependency chain of one
//! iteration (`mul → sub → add`) of one group overlaps with the others.
//!
//! Arithmetic per lane is exactly [`escape_count`](crate::escape_count)'s:
//! `re² + im² < 4` before each step, `re² − im² + c.re`,
//! `re·im + re·im + c.im`, no FMA. The optional [`Check`]s only ever set a
//! count to `max_iter` when that is proven to be the answer.

use kernels_core::Isa;

/// A token proving the CPU supports an instruction set, with that set's
/// vector operations. Values of the vector type only come from the token's
/// methods, so holding a token is what makes the `unsafe` intrinsics sound.
pub(crate) trait Simd: Copy {
    /// f64 lanes per vector.
    const LANES: usize;
    /// A vector of `LANES` f64.
    type V: Copy;
    /// A per-lane boolean mask.
    type M: Copy;
    fn splat(self, x: f64) -> Self::V;
    /// Loads `LANES` values from the start of `a` (panics if too short).
    fn load(self, a: &[f64]) -> Self::V;
    /// Stores `LANES` values to the start of `a` (panics if too short).
    fn store(self, v: Self::V, a: &mut [f64]);
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// `a < b` per lane, false for NaN.
    fn lt(self, a: Self::V, b: Self::V) -> Self::M;
    /// Bitwise equality of the two f64 per lane.
    fn same_bits(self, a: Self::V, b: Self::V) -> Self::M;
    fn and(self, a: Self::M, b: Self::M) -> Self::M;
    /// The mask of the lanes set in `bits` (bit `l` = lane `l`).
    fn mask(self, bits: u32) -> Self::M;
    /// Bit `l` set when lane `l` is.
    fn bits(self, m: Self::M) -> u32;
    /// Per lane: `if m { b } else { a }`.
    fn select(self, m: Self::M, a: Self::V, b: Self::V) -> Self::V;
    /// Stores `LANES` counts (integers in `0 ..= u32::MAX`, exact in `v`)
    /// to the start of `out` (panics if too short).
    fn store_counts(self, v: Self::V, out: &mut [u32]);
}

/// The portable one-lane "vector".
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scalar;

impl Simd for Scalar {
    const LANES: usize = 1;
    type V = f64;
    type M = bool;
    #[inline(always)]
    fn splat(self, x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn load(self, a: &[f64]) -> f64 {
        a[0]
    }
    #[inline(always)]
    fn store(self, v: f64, a: &mut [f64]) {
        a[0] = v;
    }
    #[inline(always)]
    fn add(self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn sub(self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul(self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    fn lt(self, a: f64, b: f64) -> bool {
        a < b
    }
    #[inline(always)]
    fn same_bits(self, a: f64, b: f64) -> bool {
        a.to_bits() == b.to_bits()
    }
    #[inline(always)]
    fn and(self, a: bool, b: bool) -> bool {
        a & b
    }
    #[inline(always)]
    fn mask(self, bits: u32) -> bool {
        bits & 1 != 0
    }
    #[inline(always)]
    fn bits(self, m: bool) -> u32 {
        u32::from(m)
    }
    #[inline(always)]
    fn select(self, m: bool, a: f64, b: f64) -> f64 {
        if m { b } else { a }
    }
    #[inline(always)]
    fn store_counts(self, v: f64, out: &mut [u32]) {
        out[0] = v as u32;
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx2, Avx512};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::Simd;
    use std::arch::x86_64::*;

    /// Proof that AVX2 + FMA are available (only built by [`Avx2::new`]).
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Avx2(());

    impl Avx2 {
        /// The token, if this CPU supports [`kernels_core::Isa::Avx2`].
        pub(crate) fn new() -> Option<Avx2> {
            kernels_core::Isa::Avx2.is_supported().then_some(Avx2(()))
        }
    }

    /// Proof that AVX-512 F/DQ/VL/BW are available (only built by [`Avx512::new`]).
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Avx512(());

    impl Avx512 {
        /// The token, if this CPU supports [`kernels_core::Isa::Avx512`].
        pub(crate) fn new() -> Option<Avx512> {
            kernels_core::Isa::Avx512
                .is_supported()
                .then_some(Avx512(()))
        }
    }

    // Every method below runs AVX2 intrinsics; a `self` token exists only
    // after `Isa::Avx2.is_supported()` returned true. Loads and stores check
    // the slice length first.
    impl Simd for Avx2 {
        const LANES: usize = 4;
        type V = __m256d;
        type M = __m256d;
        #[inline(always)]
        fn splat(self, x: f64) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, a: &[f64]) -> __m256d {
            assert!(a.len() >= 4);
            // SAFETY: AVX2 is available (token) and `a` holds at least 4 f64.
            unsafe { _mm256_loadu_pd(a.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, v: __m256d, a: &mut [f64]) {
            assert!(a.len() >= 4);
            // SAFETY: AVX2 is available (token) and `a` holds at least 4 f64.
            unsafe { _mm256_storeu_pd(a.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_mul_pd(a, b) }
        }
        #[inline(always)]
        fn lt(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_cmp_pd::<_CMP_LT_OQ>(a, b) }
        }
        #[inline(always)]
        fn same_bits(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe {
                _mm256_castsi256_pd(_mm256_cmpeq_epi64(
                    _mm256_castpd_si256(a),
                    _mm256_castpd_si256(b),
                ))
            }
        }
        #[inline(always)]
        fn and(self, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_and_pd(a, b) }
        }
        #[inline(always)]
        fn mask(self, bits: u32) -> __m256d {
            let lane = |l: u32| if bits >> l & 1 != 0 { -1_i64 } else { 0 };
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_castsi256_pd(_mm256_setr_epi64x(lane(0), lane(1), lane(2), lane(3))) }
        }
        #[inline(always)]
        fn bits(self, m: __m256d) -> u32 {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_movemask_pd(m).cast_unsigned() }
        }
        #[inline(always)]
        fn select(self, m: __m256d, a: __m256d, b: __m256d) -> __m256d {
            // SAFETY: the token proves AVX2 is available.
            unsafe { _mm256_blendv_pd(a, b, m) }
        }
        #[inline(always)]
        fn store_counts(self, v: __m256d, out: &mut [u32]) {
            let mut n = [0.0; 4];
            self.store(v, &mut n);
            for (count, n) in out[..4].iter_mut().zip(n) {
                *count = n as u32;
            }
        }
    }

    // As above, for AVX-512 F/DQ/VL/BW.
    impl Simd for Avx512 {
        const LANES: usize = 8;
        type V = __m512d;
        type M = __mmask8;
        #[inline(always)]
        fn splat(self, x: f64) -> __m512d {
            // SAFETY: the token proves AVX-512F is available.
            unsafe { _mm512_set1_pd(x) }
        }
        #[inline(always)]
        fn load(self, a: &[f64]) -> __m512d {
            assert!(a.len() >= 8);
            // SAFETY: AVX-512F is available (token) and `a` holds at least 8 f64.
            unsafe { _mm512_loadu_pd(a.as_ptr()) }
        }
        #[inline(always)]
        fn store(self, v: __m512d, a: &mut [f64]) {
            assert!(a.len() >= 8);
            // SAFETY: AVX-512F is available (token) and `a` holds at least 8 f64.
            unsafe { _mm512_storeu_pd(a.as_mut_ptr(), v) }
        }
        #[inline(always)]
        fn add(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: the token proves AVX-512F is available.
            unsafe { _mm512_add_pd(a, b) }
        }
        #[inline(always)]
        fn sub(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: the token proves AVX-512F is available.
            unsafe { _mm512_sub_pd(a, b) }
        }
        #[inline(always)]
        fn mul(self, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: the token proves AVX-512F is available.
            unsafe { _mm512_mul_pd(a, b) }
        }
        #[inline(always)]
        fn lt(self, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: the token proves AVX-512F is available.
            unsafe { _mm512_cmp_pd_mask::<_CMP_LT_OQ>(a, b) }
        }
        #[inline(always)]
        fn same_bits(self, a: __m512d, b: __m512d) -> __mmask8 {
            // SAFETY: the token proves AVX-512F is available.
            unsafe { _mm512_cmpeq_epi64_mask(_mm512_castpd_si512(a), _mm512_castpd_si512(b)) }
        }
        #[inline(always)]
        fn and(self, a: __mmask8, b: __mmask8) -> __mmask8 {
            a & b
        }
        #[inline(always)]
        fn mask(self, bits: u32) -> __mmask8 {
            (bits & 0xff) as __mmask8
        }
        #[inline(always)]
        fn bits(self, m: __mmask8) -> u32 {
            u32::from(m)
        }
        #[inline(always)]
        fn select(self, m: __mmask8, a: __m512d, b: __m512d) -> __m512d {
            // SAFETY: the token proves AVX-512F is available.
            unsafe { _mm512_mask_blend_pd(m, a, b) }
        }
        #[inline(always)]
        fn store_counts(self, v: __m512d, out: &mut [u32]) {
            assert!(out.len() >= 8);
            // SAFETY: AVX-512F is available (token) and `out` holds at least
            // 8 u32 (32 bytes); the counts are in u32 range, so the
            // truncating conversion is exact.
            unsafe {
                let counts = _mm512_cvttpd_epu32(v);
                _mm256_storeu_si256(out.as_mut_ptr().cast::<__m256i>(), counts);
            }
        }
    }
}

/// What the loop tests after each step, besides escaping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Check {
    /// Nothing: the published loop.
    None,
    /// A proven trapping disk (see [`crate::trap`]): a hit means `max_iter`.
    Trap { re: f64, im: f64, threshold: f64 },
    /// Periodicity checking: `z` is saved every `PERIOD_SAVE` iterations
    /// and compared bitwise after every step; a repeat means the orbit is
    /// periodic, never escapes, and the count is `max_iter`.
    Periodic,
}

/// Iterations between saved points of the periodicity check (cycles of
/// length ≤ 16 are detected once entered).
pub(crate) const PERIOD_SAVE: u32 = 16;

/// What the pixels iterate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Job<'a> {
    /// Column coordinates (`width` of them).
    pub xs: &'a [f64],
    /// Row coordinates of this chunk's rows.
    pub ys: &'a [f64],
    /// `Some(c)`: Julia (`z0` = pixel); `None`: Mandelbrot (`c` = pixel).
    pub julia: Option<(f64, f64)>,
    pub max_iter: u32,
    pub check: Check,
}

/// Escape counts for the pixels of `out` (whole rows of `job.xs.len()`
/// pixels, row `i` at `job.ys[i]`), with the instruction set `isa`
/// (which must be supported; checked).
pub(crate) fn escape_rows(isa: Isa, job: &Job<'_>, out: &mut [u32]) {
    match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 => {
            let token = Avx512::new().expect("the kernel's Isa was checked with require()");
            // SAFETY: the token shows AVX-512 F/DQ/VL/BW are supported.
            unsafe { rows_avx512(token, job, out) }
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 => {
            let token = Avx2::new().expect("the kernel's Isa was checked with require()");
            // SAFETY: the token shows AVX2 and FMA are supported.
            unsafe { rows_avx2(token, job, out) }
        }
        _ => dispatch_check::<Scalar, 4>(Scalar, job, out),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
fn rows_avx512(token: Avx512, job: &Job<'_>, out: &mut [u32]) {
    dispatch_check::<Avx512, 3>(token, job, out);
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn rows_avx2(token: Avx2, job: &Job<'_>, out: &mut [u32]) {
    dispatch_check::<Avx2, 3>(token, job, out);
}

#[inline(always)]
fn dispatch_check<S: Simd, const STREAMS: usize>(s: S, job: &Job<'_>, out: &mut [u32]) {
    match job.check {
        Check::None => run::<S, STREAMS, 0>(s, job, out),
        Check::Trap { .. } => run::<S, STREAMS, 1>(s, job, out),
        Check::Periodic => run::<S, STREAMS, 2>(s, job, out),
    }
}

/// One group of `S::LANES` pixels in flight.
struct Group<S: Simd> {
    re: S::V,
    im: S::V,
    c_re: S::V,
    c_im: S::V,
    n: S::V,
    saved_re: S::V,
    saved_im: S::V,
    active: S::M,
    /// Pixel index (in the chunk) of lane 0.
    first: usize,
    /// Iterations done by this group.
    t: u32,
}

/// Where the next group starts: pixel index in the chunk, and its row and
/// column.
#[derive(Debug, Clone, Copy)]
struct Cursor {
    pixel: usize,
    row: usize,
    col: usize,
}

/// Fills a group with the next `S::LANES` pixels of the chunk (lanes past the
/// end stay inactive) and advances `at`. Returns `None` when the chunk is
/// exhausted.
#[inline(always)]
fn load_group<S: Simd>(s: S, job: &Job<'_>, at: &mut Cursor, len: usize) -> Option<Group<S>> {
    let first = at.pixel;
    if first >= len {
        return None;
    }
    let width = job.xs.len();
    let (x, y, active) = if at.col + S::LANES <= width && first + S::LANES <= len {
        // The common case: a whole vector within one row.
        let x = s.load(&job.xs[at.col..]);
        let y = s.splat(job.ys[at.row]);
        at.col += S::LANES;
        if at.col == width {
            at.col = 0;
            at.row += 1;
        }
        (x, y, s.mask(u32::MAX))
    } else {
        let mut x = [0.0_f64; 8];
        let mut y = [0.0_f64; 8];
        let mut bits = 0_u32;
        for l in 0..S::LANES.min(len - first) {
            x[l] = job.xs[at.col];
            y[l] = job.ys[at.row];
            bits |= 1 << l;
            at.col += 1;
            if at.col == width {
                at.col = 0;
                at.row += 1;
            }
        }
        (s.load(&x), s.load(&y), s.mask(bits))
    };
    at.pixel += S::LANES;
    let (re, im, c_re, c_im) = match job.julia {
        Some((c_re, c_im)) => (x, y, s.splat(c_re), s.splat(c_im)),
        None => (s.splat(0.0), s.splat(0.0), x, y),
    };
    Some(Group {
        re,
        im,
        c_re,
        c_im,
        n: s.splat(0.0),
        saved_re: re,
        saved_im: im,
        active,
        first,
        t: 0,
    })
}

/// Writes a finished group's counts.
#[inline(always)]
fn store_group<S: Simd>(s: S, group: &Group<S>, out: &mut [u32]) {
    let rest = &mut out[group.first..];
    if rest.len() >= S::LANES {
        s.store_counts(group.n, rest);
    } else {
        let mut n = [0.0_f64; 8];
        s.store(group.n, &mut n);
        for (count, &n) in rest.iter_mut().zip(&n) {
            // Counts are integers ≤ max_iter, exact in f64.
            *count = n as u32;
        }
    }
}

/// The hot loop: `STREAMS` groups interleaved, `CHECK` 0 = none, 1 = trap,
/// 2 = periodicity.
#[inline(always)]
fn run<S: Simd, const STREAMS: usize, const CHECK: u8>(s: S, job: &Job<'_>, out: &mut [u32]) {
    let len = out.len().min(job.xs.len() * job.ys.len());
    let four = s.splat(4.0);
    let one = s.splat(1.0);
    let max = s.splat(f64::from(job.max_iter));
    let (trap_re, trap_im, threshold) = match job.check {
        Check::Trap { re, im, threshold } => (s.splat(re), s.splat(im), s.splat(threshold)),
        _ => (s.splat(0.0), s.splat(0.0), s.splat(0.0)),
    };
    let mut next = Cursor {
        pixel: 0,
        row: 0,
        col: 0,
    };
    let mut groups: [Option<Group<S>>; STREAMS] =
        std::array::from_fn(|_| load_group(s, job, &mut next, len));
    loop {
        let mut busy = false;
        for slot in &mut groups {
            let Some(g) = slot else { continue };
            busy = true;
            let re2 = s.mul(g.re, g.re);
            let im2 = s.mul(g.im, g.im);
            let going = s.and(g.active, s.and(s.lt(s.add(re2, im2), four), s.lt(g.n, max)));
            if s.bits(going) == 0 {
                store_group(s, g, out);
                *slot = load_group(s, job, &mut next, len);
                continue;
            }
            let re_im = s.mul(g.re, g.im);
            g.re = s.add(s.sub(re2, im2), g.c_re);
            g.im = s.add(s.add(re_im, re_im), g.c_im);
            g.n = s.select(going, g.n, s.add(g.n, one));
            g.active = going;
            if CHECK == 1 {
                let dx = s.sub(g.re, trap_re);
                let dy = s.sub(g.im, trap_im);
                let near = s.lt(s.add(s.mul(dx, dx), s.mul(dy, dy)), threshold);
                let hit = s.and(going, near);
                g.n = s.select(hit, g.n, max);
            } else if CHECK == 2 {
                g.t += 1;
                let repeat = s.and(s.same_bits(g.re, g.saved_re), s.same_bits(g.im, g.saved_im));
                let hit = s.and(going, repeat);
                g.n = s.select(hit, g.n, max);
                if g.t % PERIOD_SAVE == 0 {
                    g.saved_re = g.re;
                    g.saved_im = g.im;
                }
            }
        }
        if !busy {
            break;
        }
    }
}
