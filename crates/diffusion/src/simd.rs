//! Runtime instruction-set dispatch for the hot loops.
//!
//! The row kernels are written once per lane width behind the [`Lanes`]
//! trait. A value of a lane type is a *token*: [`Avx2`] and [`Avx512`] can
//! only be constructed after checking that the CPU supports them, so their
//! methods may use the matching intrinsics safely. [`dispatch`] picks the
//! token for an [`Isa`] and runs a whole piece of work (a chunk of rows, a
//! band of a temporally blocked pass) inside a function compiled with
//! `#[target_feature]`, so everything the work inlines (`#[inline(always)]`)
//! is compiled for that instruction set: dispatch happens once per chunk,
//! never per cell.
//!
//! Every variant evaluates exactly the reference expression,
//! `c + k·(((n1 + n2) + n3) + n4 − 4·c)`, lane by lane, with separate
//! multiplies and adds, so all of them give the same bits. The one fused
//! multiply-add, `s − 4·c` in the interleaved rows of fused passes
//! ([`Lanes::run_2d_interleaved_rows`]), rounds the same exact value as the
//! reference, because `4·c` is exact for the values a grid may hold.
#![allow(unsafe_code)]

use kernels_core::Isa;

use crate::Boundary;

/// A lane width for the row kernels. All methods compute, for every `j <
/// out.len()`, exactly what the scalar expression gives; the slices must be at
/// least `out.len()` long (they are shifted views of the input rows).
pub(crate) trait Lanes: Copy + Send + Sync {
    /// Lanes per vector: the width of the interleaved row layout
    /// ([`crate::layout`]). 1 for scalar code, where that layout is the
    /// column order itself.
    const WIDTH: usize;

    /// 2-D update: `out[j] = c[j] + k·(v1[j] + v2[j] + h1[j] + h2[j] − 4·c[j])`.
    fn run_2d(self, out: &mut [f64], c: &[f64], nb: [&[f64]; 4], k: f64);
    /// 1-D update: `out[j] = c[j] + k·(n1[j] + n2[j] − 2·c[j])`.
    fn run_1d(self, out: &mut [f64], c: &[f64], n1: &[f64], n2: &[f64], k: f64);

    /// One whole output row of a 2-D step from the input rows `c` (same
    /// index), `above` (`i − 1`) and `below` (`i + 1`), each at least
    /// `m = out.len()` long, with the neighbours in the reference's order
    /// for `boundary`:
    ///
    /// * periodic (the roll order): `above[j]`, `below[j]`,
    ///   `c[(j − 1) mod m]`, `c[(j + 1) mod m]`, for every `j < m`;
    /// * fixed (the C order, `m ≥ 3`): `below[j]`, `above[j]`, `c[j + 1]`,
    ///   `c[j − 1]`, for `1 ≤ j < m − 1`; `out[0]` and `out[m − 1]` keep
    ///   their values.
    #[inline(always)]
    fn run_2d_row(
        self,
        out: &mut [f64],
        (c, above, below): (&[f64], &[f64], &[f64]),
        k: f64,
        boundary: Boundary,
    ) {
        row_by_slices(self, out, (c, above, below), k, boundary);
    }

    /// [`Lanes::run_2d_row`] for `N` consecutive output rows stored
    /// interleaved over [`Lanes::WIDTH`] lanes ([`crate::layout`]); `m`
    /// must be a multiple of the width. `outs[i]` is computed from the
    /// centre row `centres[i]`, the row above it (`centres[i − 1]`, or
    /// `above` for the first) and the row below (`centres[i + 1]`, or
    /// `below` for the last).
    ///
    /// The vector tokens load each input vector once for every output row
    /// it feeds: one row takes three loads per output vector (above, below
    /// and the next centre vector), a pair four for two, which measured
    /// 12–25% faster per cell in L1 on the project's machine, where the
    /// loads and the six operations per vector do not fully overlap.
    ///
    /// The same cells get the same neighbours in the same order, so the
    /// result, read back in column order, has the same bits as
    /// [`Lanes::run_2d_row`] on each row, provided every value is at most
    /// [`MAX_ABS_VALUE`](crate::params::MAX_ABS_VALUE) in magnitude: the
    /// vector tokens compute `s − 4·c` as one fused multiply-add, which
    /// rounds once where the reference rounds `4·c` and then the
    /// difference; `4·c` is exact (a power of two times a value far from
    /// overflow), so both round the same exact value. Only validated grids
    /// reach it (the C ABI, which does not inspect values, steps with
    /// [`Lanes::run_2d_row`]).
    ///
    /// # Panics
    /// If `m` is not a multiple of [`Lanes::WIDTH`], or the rows differ in
    /// length.
    fn run_2d_interleaved_rows<const N: usize>(
        self,
        outs: [&mut [f64]; N],
        rows: (&[f64], [&[f64]; N], &[f64]),
        k: f64,
        boundary: Boundary,
    );
}

/// [`Lanes::run_2d_row`] from shifted views of `c` with [`Lanes::run_2d`];
/// the two cells of a periodic row whose neighbour wraps are done one by
/// one.
#[inline(always)]
fn row_by_slices<L: Lanes>(
    lanes: L,
    out: &mut [f64],
    (c, above, below): (&[f64], &[f64], &[f64]),
    k: f64,
    boundary: Boundary,
) {
    let m = out.len();
    match boundary {
        Boundary::Periodic => {
            if m == 0 {
                return;
            }
            // roll(u, +1, 0)[i] = u[i − 1] comes first, then u[i + 1], then
            // roll(u, +1, 1)[j] = u[j − 1], then u[j + 1].
            out[0] = cell_2d(c[0], above[0], below[0], c[m - 1], c[1 % m], k);
            if m >= 2 {
                let j = m - 1;
                out[j] = cell_2d(c[j], above[j], below[j], c[j - 1], c[0], k);
            }
            if m >= 3 {
                let mid = 1..m - 1;
                lanes.run_2d(
                    &mut out[mid.clone()],
                    &c[mid.clone()],
                    [&above[mid.clone()], &below[mid], &c[..m - 2], &c[2..m]],
                    k,
                );
            }
        }
        Boundary::Fixed => {
            let mid = 1..m - 1;
            // The C order: in[i+1] + in[i−1] + in[j+1] + in[j−1].
            lanes.run_2d(
                &mut out[mid.clone()],
                &c[mid.clone()],
                [&below[mid.clone()], &above[mid], &c[2..m], &c[..m - 2]],
                k,
            );
        }
    }
}

/// One 2-D update, in the reference's operation order.
#[inline(always)]
pub(crate) fn cell_2d(c: f64, v1: f64, v2: f64, h1: f64, h2: f64, k: f64) -> f64 {
    c + k * (v1 + v2 + h1 + h2 - 4.0 * c)
}

/// One 1-D update, in the reference's operation order.
#[inline(always)]
pub(crate) fn cell_1d(c: f64, n1: f64, n2: f64, k: f64) -> f64 {
    c + k * (n1 + n2 - 2.0 * c)
}

/// The scalar 2-D loop over `from..out.len()` (the whole row for [`Scalar`],
/// the tail for the vector tokens).
#[inline(always)]
fn tail_2d(out: &mut [f64], c: &[f64], [v1, v2, h1, h2]: [&[f64]; 4], k: f64, from: usize) {
    let len = out.len();
    let (c, v1, v2, h1, h2) = (&c[..len], &v1[..len], &v2[..len], &h1[..len], &h2[..len]);
    for j in from..len {
        out[j] = cell_2d(c[j], v1[j], v2[j], h1[j], h2[j], k);
    }
}

/// The scalar 1-D loop over `from..out.len()`.
#[inline(always)]
fn tail_1d(out: &mut [f64], c: &[f64], n1: &[f64], n2: &[f64], k: f64, from: usize) {
    let len = out.len();
    let (c, n1, n2) = (&c[..len], &n1[..len], &n2[..len]);
    for j in from..len {
        out[j] = cell_1d(c[j], n1[j], n2[j], k);
    }
}

/// Baseline code (SSE2 on x86-64; whatever the compiler vectorises).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scalar;

impl Lanes for Scalar {
    const WIDTH: usize = 1;

    #[inline(always)]
    fn run_2d_interleaved_rows<const N: usize>(
        self,
        outs: [&mut [f64]; N],
        (above, centres, below): (&[f64], [&[f64]; N], &[f64]),
        k: f64,
        boundary: Boundary,
    ) {
        // One lane: the interleaved layout is the column order.
        for (i, out) in outs.into_iter().enumerate() {
            let up = if i == 0 { above } else { centres[i - 1] };
            let down = centres.get(i + 1).copied().unwrap_or(below);
            self.run_2d_row(out, (centres[i], up, down), k, boundary);
        }
    }

    #[inline(always)]
    fn run_2d(self, out: &mut [f64], c: &[f64], nb: [&[f64]; 4], k: f64) {
        tail_2d(out, c, nb, k, 0);
    }

    #[inline(always)]
    fn run_1d(self, out: &mut [f64], c: &[f64], n1: &[f64], n2: &[f64], k: f64) {
        tail_1d(out, c, n1, n2, k, 0);
    }
}

#[cfg(target_arch = "x86_64")]
pub(crate) use x86::{Avx2, Avx512};

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m256d, __m512d, _mm256_add_pd, _mm256_fnmadd_pd, _mm256_loadu_pd, _mm256_mul_pd,
        _mm256_permute4x64_pd, _mm256_set1_pd, _mm256_storeu_pd, _mm256_sub_pd, _mm512_add_pd,
        _mm512_alignr_epi64, _mm512_castpd_si512, _mm512_castsi512_pd, _mm512_fnmadd_pd,
        _mm512_loadu_pd, _mm512_mul_pd, _mm512_set1_pd, _mm512_storeu_pd, _mm512_sub_pd,
    };

    use kernels_core::Isa;

    use super::{Lanes, row_by_slices, tail_1d, tail_2d};
    use crate::Boundary;

    /// Proof that the CPU supports AVX2 + FMA ([`Isa::Avx2`]): 4 lanes.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Avx2(());

    impl Avx2 {
        /// The token, if this CPU supports [`Isa::Avx2`].
        #[inline]
        pub(crate) fn new() -> Option<Self> {
            Isa::Avx2.is_supported().then_some(Avx2(()))
        }
    }

    /// Proof that the CPU supports AVX-512 F/DQ/VL/BW ([`Isa::Avx512`]): 8 lanes.
    #[derive(Debug, Clone, Copy)]
    pub(crate) struct Avx512(());

    impl Avx512 {
        /// The token, if this CPU supports [`Isa::Avx512`].
        #[inline]
        pub(crate) fn new() -> Option<Self> {
            Isa::Avx512.is_supported().then_some(Avx512(()))
        }
    }

    /// `$lanes.$rows::<ROLL, _>(outs, rows, k)` on rows (not empty) of
    /// whole vectors, whose loop wraps the columns: in the roll order for
    /// periodic rows; for fixed rows in the C order, with the two edge cells
    /// of each row, which the loop computes with wrapped neighbours, put
    /// back afterwards. A macro, not a function taking a closure: a
    /// closure's body is not compiled for the vector instruction set, and a
    /// call of the row loop from it ran 20 times slower.
    macro_rules! by_boundary {
        ($lanes:expr, $rows:ident, $outs:expr, $input:expr, $k:expr, $boundary:expr) => {{
            let mut outs = $outs;
            match $boundary {
                Boundary::Periodic => $lanes.$rows::<true, _>(outs, $input, $k),
                Boundary::Fixed => {
                    let edges = outs.each_ref().map(|out| (out[0], out[out.len() - 1]));
                    $lanes.$rows::<false, _>(outs.each_mut().map(|out| &mut **out), $input, $k);
                    for (out, (first, last)) in outs.into_iter().zip(edges) {
                        let m = out.len();
                        (out[0], out[m - 1]) = (first, last);
                    }
                }
            }
        }};
    }

    /// The loop of `$n` consecutive rows of whole vectors, in either
    /// layout: every cell of each of `$outs` (rows of whole vectors of `$w`
    /// lanes, at least one), walking the centre rows vector by vector, all
    /// rows at once so that a loaded vector serves every row it neighbours.
    /// `$sides(before, here, after)` gives the left and right neighbours of
    /// `here` from the vectors before and after it; `$ends(first, last)` the
    /// vectors before the first and after the last (the wrap). The
    /// neighbours go in the roll order if `$roll`, else in the C order, and
    /// `$cells` computes the update. A macro, not a function taking
    /// closures: a closure this big is not always inlined, and outside the
    /// vector function its intrinsics would become calls (measured 30 times
    /// slower).
    macro_rules! walk_whole_vectors {
        ($w:expr, $load:ident, $store:ident, $set1:ident, $cells:path,
         ends: $ends:expr, sides: $sides:expr,
         $roll:expr, $n:expr, $outs:expr, $rows:expr, $k:expr) => {{
            let outs: [&mut [f64]; $n] = $outs;
            let (above, centres, below): (&[f64], [&[f64]; $n], &[f64]) = $rows;
            let m = outs.first().map_or(0, |out| out.len());
            assert!(
                m >= $w
                    && m.is_multiple_of($w)
                    && outs.iter().all(|out| out.len() == m)
                    && centres.iter().all(|row| row.len() >= m)
                    && above.len() >= m
                    && below.len() >= m,
                "whole vectors"
            );
            // SAFETY: the caller holds the token of the instruction set
            // (CPU support). Every load and store covers `j..j + $w` with
            // `j` a multiple of `$w` below `m`, a multiple of `$w`
            // (asserted), so all are in bounds of the `m`-long outputs and
            // the input rows, at least `m` long (asserted); the outputs do
            // not alias the inputs or each other (they are `&mut`).
            unsafe {
                let kv = $set1($k);
                let four = $set1(4.0);
                let load = |row: &[f64], j: usize| $load(row.as_ptr().add(j));
                let o = outs.map(|out| out.as_mut_ptr());
                macro_rules! update {
                    ($j:expr, $before:expr, $here:expr, $after:expr) => {{
                        let (j, before, here, after) = ($j, $before, $here, $after);
                        let (top, bottom) = (load(above, j), load(below, j));
                        for i in 0..$n {
                            let up = if i == 0 { top } else { here[i - 1] };
                            let down = if i + 1 == $n { bottom } else { here[i + 1] };
                            let (left, right) = $sides(before[i], here[i], after[i]);
                            let (v1, v2) = if $roll { (up, down) } else { (down, up) };
                            let (h1, h2) = if $roll { (left, right) } else { (right, left) };
                            $store(o[i].add(j), $cells(here[i], [v1, v2, h1, h2], kv, four));
                        }
                    }};
                }
                let last = m - $w;
                let mut here = [$set1(0.0); $n];
                let (mut before, mut after_last) = (here, here);
                for i in 0..$n {
                    here[i] = load(centres[i], 0);
                    (before[i], after_last[i]) = $ends(here[i], load(centres[i], last));
                }
                let mut j = 0;
                while j < last {
                    let mut after = here;
                    for i in 0..$n {
                        after[i] = load(centres[i], j + $w);
                    }
                    update!(j, before, here, after);
                    (before, here) = (here, after);
                    j += $w;
                }
                update!(last, before, here, after_last);
            }
        }};
    }

    /// Defines the vector loops of one token: `$w` lanes of `$v`, with the
    /// given load / store / arithmetic intrinsics: one leading vector,
    /// aligned pairs of vectors, single vectors, and one final vector ending
    /// at the row end (overlaps recomputed with identical bits); rows shorter
    /// than one vector take the scalar loop.
    macro_rules! vector_lanes {
        ($token:ty, $v:ty, $w:expr, $load:ident, $store:ident, $set1:ident, $add:ident,
         $sub:ident, $mul:ident, $fnmadd:ident, rotate: ($rotate_up:expr, $rotate_down:expr)
         $(, whole_vector_row: $whole_vector_row:ident)?) => {
            impl $token {
                /// One vector of updates, `c + k·(((v1 + v2) + h1) + h2 −
                /// 4·c)` lane by lane in the reference's order, with `kv`
                /// and `four` holding `k` and 4 in every lane.
                ///
                /// # Safety
                /// The CPU must support the token's instruction set (hold
                /// a token).
                #[inline(always)]
                unsafe fn cells(c: $v, [v1, v2, h1, h2]: [$v; 4], kv: $v, four: $v) -> $v {
                    // SAFETY: the caller guarantees CPU support; the
                    // intrinsics only compute on registers.
                    unsafe { $add(c, $mul(kv, $sub($add($add($add(v1, v2), h1), h2), $mul(four, c)))) }
                }

                /// [`Self::cells`] with `s − 4·c` as one fused
                /// multiply-add: the same bits for values up to
                /// [`MAX_ABS_VALUE`](crate::params::MAX_ABS_VALUE) (see
                /// [`Lanes::run_2d_interleaved_rows`]).
                ///
                /// # Safety
                /// As [`Self::cells`].
                #[inline(always)]
                unsafe fn fused_cells(c: $v, [v1, v2, h1, h2]: [$v; 4], kv: $v, four: $v) -> $v {
                    // SAFETY: as in `cells`.
                    unsafe { $add(c, $mul(kv, $fnmadd(four, c, $add($add($add(v1, v2), h1), h2)))) }
                }

                /// Every cell of the `N` consecutive interleaved rows
                /// `outs` (whole vectors, at least one), the columns wrapped, the neighbours in
                /// the roll order if `ROLL`, else in the C order: the
                /// side neighbours are the vectors before and after, and
                /// the lane rotation at each end of the row is the wrap.
                #[inline(always)]
                fn interleaved_vectors<const ROLL: bool, const N: usize>(
                    self,
                    outs: [&mut [f64]; N],
                    rows: (&[f64], [&[f64]; N], &[f64]),
                    k: f64,
                ) {
                    walk_whole_vectors!(
                        $w, $load, $store, $set1, Self::fused_cells,
                        ends: |first, last| ($rotate_up(last), $rotate_down(first)),
                        sides: |before, _here, after| (before, after),
                        ROLL, N, outs, rows, k
                    );
                }
            }

            impl Lanes for $token {
                const WIDTH: usize = $w;

                #[inline(always)]
                fn run_2d_interleaved_rows<const N: usize>(
                    self,
                    outs: [&mut [f64]; N],
                    rows: (&[f64], [&[f64]; N], &[f64]),
                    k: f64,
                    boundary: Boundary,
                ) {
                    if outs.first().is_none_or(|out| out.is_empty()) {
                        return;
                    }
                    by_boundary!(self, interleaved_vectors, outs, rows, k, boundary);
                }

                $(
                    #[inline(always)]
                    fn run_2d_row(
                        self,
                        out: &mut [f64],
                        rows: (&[f64], &[f64], &[f64]),
                        k: f64,
                        boundary: Boundary,
                    ) {
                        if self.$whole_vector_row(out, rows, k, boundary).is_none() {
                            row_by_slices(self, out, rows, k, boundary);
                        }
                    }
                )?

                #[inline(always)]
                fn run_2d(self, out: &mut [f64], c: &[f64], nb: [&[f64]; 4], k: f64) {
                    let len = out.len();
                    let [v1, v2, h1, h2] = nb;
                    let (c, v1, v2, h1, h2) =
                        (&c[..len], &v1[..len], &v2[..len], &h1[..len], &h2[..len]);
                    if len < $w {
                        tail_2d(out, c, [v1, v2, h1, h2], k, 0);
                        return;
                    }
                    // SAFETY: the token exists only if the CPU supports the
                    // instruction set (checked by its `new`). Every access
                    // covers `j..j + $w` with `j + $w <= len` (the head is
                    // at 0 and the last vector at `len − $w`, and `len ≥
                    // $w`), and all six slices are exactly `len` long
                    // (resliced above), so all loads and stores are in
                    // bounds; `out` does not alias the inputs (it is a
                    // `&mut`), so vectors that overlap rewrite equal values.
                    unsafe {
                        let kv: $v = $set1(k);
                        let four: $v = $set1(4.0);
                        let o = out.as_mut_ptr();
                        let at = |row: &[f64], j: usize| $load(row.as_ptr().add(j));
                        macro_rules! one {
                            ($j:expr) => {{
                                let j = $j;
                                let nb = [at(v1, j), at(v2, j), at(h1, j), at(h2, j)];
                                Self::cells(at(c, j), nb, kv, four)
                            }};
                        }
                        // One (possibly unaligned) vector at the start, then
                        // stores on whole vectors from the first aligned
                        // one, then one last vector ending at `len`; the
                        // overlaps are recomputed with the same bits.
                        $store(o, one!(0));
                        let mut j = match o.align_offset($w * 8) {
                            skip if skip > 0 && skip < $w => skip,
                            _ => $w,
                        };
                        while j + 2 * $w <= len {
                            let (a, b) = (one!(j), one!(j + $w));
                            $store(o.add(j), a);
                            $store(o.add(j + $w), b);
                            j += 2 * $w;
                        }
                        if j + $w <= len {
                            $store(o.add(j), one!(j));
                            j += $w;
                        }
                        if j < len {
                            $store(o.add(len - $w), one!(len - $w));
                        }
                    }
                }

                #[inline(always)]
                fn run_1d(self, out: &mut [f64], c: &[f64], n1: &[f64], n2: &[f64], k: f64) {
                    let len = out.len();
                    let (c, n1, n2) = (&c[..len], &n1[..len], &n2[..len]);
                    let mut j = 0;
                    // SAFETY: as in `run_2d`: the token proves CPU support,
                    // `j + $w <= len` and all four slices are `len` long.
                    unsafe {
                        let kv: $v = $set1(k);
                        let two: $v = $set1(2.0);
                        let o = out.as_mut_ptr();
                        while j + $w <= len {
                            let cv = $load(c.as_ptr().add(j));
                            let s = $add($load(n1.as_ptr().add(j)), $load(n2.as_ptr().add(j)));
                            $store(o.add(j), $add(cv, $mul(kv, $sub(s, $mul(two, cv)))));
                            j += $w;
                        }
                    }
                    tail_1d(out, c, n1, n2, k, j);
                }
            }
        };
    }

    vector_lanes!(
        Avx2,
        __m256d,
        4,
        _mm256_loadu_pd,
        _mm256_storeu_pd,
        _mm256_set1_pd,
        _mm256_add_pd,
        _mm256_sub_pd,
        _mm256_mul_pd,
        _mm256_fnmadd_pd,
        rotate: (
            // Lane l takes lane l − 1 (lane 0 takes lane 3), and back.
            _mm256_permute4x64_pd::<0b10_01_00_11>,
            _mm256_permute4x64_pd::<0b00_11_10_01>
        )
    );
    vector_lanes!(
        Avx512,
        __m512d,
        8,
        _mm512_loadu_pd,
        _mm512_storeu_pd,
        _mm512_set1_pd,
        _mm512_add_pd,
        _mm512_sub_pd,
        _mm512_mul_pd,
        _mm512_fnmadd_pd,
        rotate: (
            // Lane l takes lane l − 1 (lane 0 takes lane 7), and back.
            |x| _mm512_castsi512_pd(_mm512_alignr_epi64::<7>(
                _mm512_castpd_si512(x),
                _mm512_castpd_si512(x)
            )),
            |x| _mm512_castsi512_pd(_mm512_alignr_epi64::<1>(
                _mm512_castpd_si512(x),
                _mm512_castpd_si512(x)
            ))
        ),
        whole_vector_row: whole_vector_row
    );

    impl Avx512 {
        /// [`Lanes::run_2d_row`] for rows of whole vectors, with the
        /// horizontal neighbours shifted in registers rather than loaded:
        /// each vector of `c` is loaded once, and its left and right
        /// neighbour vectors are `valignq` of it with the vectors before
        /// and after it. The vector before the first is the last one (and
        /// the one after the last is the first), which is exactly the
        /// periodic wrap, so no cell is done on its own. A fixed row is
        /// computed the same way, with the neighbours in the C order, and
        /// its two edge cells are then put back. `None` (nothing written)
        /// when the row is not a whole number of vectors.
        ///
        /// Measured against the shifted loads: those split a cache line
        /// twice per vector (a 64-byte load one value off a line), which
        /// cost about as much as the arithmetic, and the two wrapped cells
        /// were done one by one.
        #[inline(always)]
        fn whole_vector_row(
            self,
            out: &mut [f64],
            rows: (&[f64], &[f64], &[f64]),
            k: f64,
            boundary: Boundary,
        ) -> Option<()> {
            let m = out.len();
            if m == 0 || !m.is_multiple_of(8) {
                return None;
            }
            let (c, above, below) = rows;
            by_boundary!(self, whole_vectors, [out], (above, [c], below), k, boundary);
            Some(())
        }

        /// Every cell of `out` (a whole number of vectors long) with the
        /// columns wrapped, the neighbours in the roll order if `ROLL`,
        /// else in the C order: the left neighbours of a vector are
        /// `[before[7], here[0..7]]`, the right ones `[here[1..8],
        /// after[0]]`, and the vectors before the first and after the last
        /// are the last and the first (the wrap).
        #[inline(always)]
        fn whole_vectors<const ROLL: bool, const N: usize>(
            self,
            outs: [&mut [f64]; N],
            rows: (&[f64], [&[f64]; N], &[f64]),
            k: f64,
        ) {
            let bits = _mm512_castpd_si512;
            walk_whole_vectors!(
                8, _mm512_loadu_pd, _mm512_storeu_pd, _mm512_set1_pd, Self::cells,
                ends: |first, last| (last, first),
                sides: |before: __m512d, here: __m512d, after: __m512d| (
                    _mm512_castsi512_pd(_mm512_alignr_epi64::<7>(bits(here), bits(before))),
                    _mm512_castsi512_pd(_mm512_alignr_epi64::<1>(bits(after), bits(here)))
                ),
                ROLL, N, outs, rows, k
            );
        }
    }

    /// Runs `work` compiled for AVX-512.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
    pub(super) fn run_avx512<W: super::WithLanes>(token: Avx512, work: W) -> W::Output {
        work.run(token)
    }

    /// Runs `work` compiled for AVX2 + FMA (Rust never contracts a multiply
    /// and an add on its own; only the interleaved rows fuse `s − 4·c`).
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn run_avx2<W: super::WithLanes>(token: Avx2, work: W) -> W::Output {
        work.run(token)
    }
}

/// A piece of work generic over the lane width: everything `run` inlines is
/// compiled for the instruction set [`dispatch`] chose.
pub(crate) trait WithLanes {
    /// What the work returns.
    type Output;
    /// Does the work with `lanes`. Implementations are `#[inline(always)]`.
    fn run<L: Lanes>(self, lanes: L) -> Self::Output;
}

/// [`Lanes::WIDTH`] of the lanes [`dispatch`] runs work with for `isa`.
pub(crate) fn lane_width(isa: Isa) -> usize {
    struct Width;
    impl WithLanes for Width {
        type Output = usize;
        fn run<L: Lanes>(self, _: L) -> usize {
            L::WIDTH
        }
    }
    dispatch(isa, Width)
}

/// Runs `work` with the widest lanes `isa` allows, inside a function
/// compiled for that instruction set. An `isa` this CPU does not support
/// (kernels never store one) falls back to the next narrower supported one.
#[inline]
pub(crate) fn dispatch<W: WithLanes>(isa: Isa, work: W) -> W::Output {
    #[cfg(target_arch = "x86_64")]
    {
        if isa >= Isa::Avx512
            && let Some(token) = Avx512::new()
        {
            // SAFETY: the token was created, so the CPU supports every
            // feature `run_avx512` is compiled with.
            return unsafe { x86::run_avx512(token, work) };
        }
        if isa >= Isa::Avx2
            && let Some(token) = Avx2::new()
        {
            // SAFETY: the token was created, so the CPU supports AVX2 and FMA.
            return unsafe { x86::run_avx2(token, work) };
        }
    }
    let _ = isa;
    work.run(Scalar)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Rows<'a> {
        out: &'a mut [f64],
        input: &'a [f64],
    }

    impl WithLanes for Rows<'_> {
        type Output = ();
        #[inline(always)]
        fn run<L: Lanes>(self, lanes: L) {
            let n = self.out.len();
            let x = self.input;
            lanes.run_2d(self.out, &x[2..2 + n], [&x[1..], &x[3..], x, &x[4..]], 0.21);
        }
    }

    struct Line<'a> {
        out: &'a mut [f64],
        input: &'a [f64],
    }

    impl WithLanes for Line<'_> {
        type Output = ();
        #[inline(always)]
        fn run<L: Lanes>(self, lanes: L) {
            let n = self.out.len();
            let x = self.input;
            lanes.run_1d(self.out, &x[1..1 + n], x, &x[2..], 0.37);
        }
    }

    #[test]
    fn every_isa_gives_the_scalar_bits_at_every_output_alignment() {
        // The vector loops start with one vector at 0, continue from the
        // first cache-line-aligned output value and end with one vector
        // at `len − lanes`: shift the output through all 8 offsets of a
        // line and every short and long length so every split is hit.
        let input: Vec<f64> = (0..80).map(|i| (f64::from(i) * 0.53).cos() - 0.2).collect();
        for n in [
            1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 23, 24, 25, 31, 33, 40, 47, 70,
        ] {
            let expected: Vec<f64> = (0..n)
                .map(|j| {
                    let x = &input;
                    cell_2d(x[j + 2], x[j + 1], x[j + 3], x[j], x[j + 4], 0.21)
                })
                .collect();
            for isa in Isa::supported() {
                for offset in 0..8 {
                    let mut buffer = vec![-1.0; n + 8];
                    dispatch(
                        isa,
                        Rows {
                            out: &mut buffer[offset..offset + n],
                            input: &input,
                        },
                    );
                    assert_eq!(
                        &buffer[offset..offset + n],
                        &expected[..],
                        "{isa} n={n} +{offset}"
                    );
                    assert!(
                        buffer[..offset].iter().all(|&x| x == -1.0),
                        "{isa} wrote before"
                    );
                    assert!(
                        buffer[offset + n..].iter().all(|&x| x == -1.0),
                        "{isa} wrote after"
                    );
                }
            }
        }
    }

    /// One whole row with [`Lanes::run_2d_row`], or with
    /// [`Lanes::run_2d_interleaved_rows`] if `interleaved`; returns the
    /// lanes' width.
    struct WholeRow<'a> {
        out: &'a mut [f64],
        rows: (&'a [f64], &'a [f64], &'a [f64]),
        boundary: Boundary,
        k: f64,
        interleaved: bool,
    }

    impl WithLanes for WholeRow<'_> {
        type Output = usize;
        #[inline(always)]
        fn run<L: Lanes>(self, lanes: L) -> usize {
            if self.interleaved {
                let (c, above, below) = self.rows;
                let rows = (above, [c], below);
                lanes.run_2d_interleaved_rows([self.out], rows, self.k, self.boundary);
            } else {
                lanes.run_2d_row(self.out, self.rows, self.k, self.boundary);
            }
            L::WIDTH
        }
    }

    #[test]
    fn every_isa_computes_whole_rows_like_the_scalar_formula() {
        // Lengths of whole vectors take the AVX-512 row with its register
        // shifts (one vector, the wrap inside it; two; many), the others
        // the shifted views; the input rows are longer than the output, as
        // in a band's scratch rows. Fixed rows must keep both edge cells.
        let value = |i: usize, phase: f64| ((i as f64) * 0.61 + phase).sin() * 2.0 - 0.4;
        for m in (0..=41).chain([64, 512]) {
            let (c, above, below): (Vec<f64>, Vec<f64>, Vec<f64>) = (
                (0..m + 5).map(|i| value(i, 0.0)).collect(),
                (0..m + 5).map(|i| value(i, 1.3)).collect(),
                (0..m + 5).map(|i| value(i, 2.9)).collect(),
            );
            let periodic: Vec<f64> = (0..m)
                .map(|j| {
                    let (left, right) = (c[(j + m - 1) % m], c[(j + 1) % m]);
                    cell_2d(c[j], above[j], below[j], left, right, 0.23)
                })
                .collect();
            let fixed: Vec<f64> = (0..m)
                .map(|j| match j {
                    0 => -1.0,
                    j if j == m - 1 => -1.0,
                    j => cell_2d(c[j], below[j], above[j], c[j + 1], c[j - 1], 0.23),
                })
                .collect();
            for isa in Isa::supported() {
                for (boundary, expected) in
                    [(Boundary::Periodic, &periodic), (Boundary::Fixed, &fixed)]
                {
                    if boundary == Boundary::Fixed && m < 3 {
                        continue;
                    }
                    let mut out = vec![-1.0; m];
                    let rows = (&c[..], &above[..], &below[..]);
                    dispatch(
                        isa,
                        WholeRow {
                            out: &mut out,
                            rows,
                            boundary,
                            k: 0.23,
                            interleaved: false,
                        },
                    );
                    assert_eq!(&out, expected, "{isa}, {boundary:?}, m = {m}");
                }
            }
        }
    }

    #[test]
    fn interleaved_rows_give_the_column_order_bits_up_to_the_largest_valid_value() {
        use crate::layout::{Direction, rearrange_row};
        use crate::params::MAX_ABS_VALUE;

        // The fused `s − 4·c` must round like the reference at the ends of
        // the valid range too: the largest values, subnormals, both zeros,
        // and sums that cancel exactly.
        let tiny = f64::MIN_POSITIVE / 8.0;
        let special = [
            MAX_ABS_VALUE,
            -MAX_ABS_VALUE,
            tiny,
            -tiny,
            0.0,
            -0.0,
            1.0,
            0.25,
        ];
        let value = |i: usize, phase: f64| match (i * 7 + phase as usize) % 11 {
            n if n < special.len() => special[n],
            _ => ((i as f64) * 0.61 + phase).sin() * 3.0 - 0.4,
        };
        for isa in Isa::supported() {
            let width = lane_width(isa);
            for m in (1..=6).map(|n| n * width) {
                let plain: Vec<Vec<f64>> = (0..3)
                    .map(|r| (0..m).map(|i| value(i, 1.7 * r as f64)).collect())
                    .collect();
                for boundary in [Boundary::Periodic, Boundary::Fixed] {
                    if boundary == Boundary::Fixed && m < 3 {
                        continue;
                    }
                    for k in [0.25, 0.1] {
                        let mut expected = vec![-1.0; m];
                        let rows = (&plain[0][..], &plain[1][..], &plain[2][..]);
                        dispatch(
                            Isa::Scalar,
                            WholeRow {
                                out: &mut expected,
                                rows,
                                boundary,
                                k,
                                interleaved: false,
                            },
                        );
                        let mut lifted = plain.clone();
                        for (to, from) in lifted.iter_mut().zip(&plain) {
                            rearrange_row(to, from, width, Direction::Interleave);
                        }
                        let mut out = vec![-1.0; m];
                        let lanes = dispatch(
                            isa,
                            WholeRow {
                                out: &mut out,
                                rows: (&lifted[0], &lifted[1], &lifted[2]),
                                boundary,
                                k,
                                interleaved: true,
                            },
                        );
                        assert_eq!(lanes, width);
                        let mut restored = vec![-1.0; m];
                        rearrange_row(&mut restored, &out, width, Direction::Restore);
                        let bits =
                            |row: &[f64]| row.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
                        assert_eq!(
                            bits(&restored),
                            bits(&expected),
                            "{isa}, {boundary:?}, m = {m}, k = {k}"
                        );
                    }
                }
            }
        }
    }

    /// `N` interleaved rows at once with [`Lanes::run_2d_interleaved_rows`];
    /// returns the lanes' width.
    struct RowsAtOnce<'a, const N: usize> {
        outs: [&'a mut [f64]; N],
        rows: (&'a [f64], [&'a [f64]; N], &'a [f64]),
        boundary: Boundary,
    }

    impl<const N: usize> WithLanes for RowsAtOnce<'_, N> {
        type Output = usize;
        #[inline(always)]
        fn run<L: Lanes>(self, lanes: L) -> usize {
            lanes.run_2d_interleaved_rows(self.outs, self.rows, 0.19, self.boundary);
            L::WIDTH
        }
    }

    #[test]
    fn rows_at_once_give_the_bits_of_one_row_at_a_time() {
        // Input rows 0..5; output row i is centred on input row i + 1. Every
        // lane width (the scalar one included), one vector and several,
        // pairs and triples against single rows; fixed rows keep their
        // edge cells (-1) in both.
        for isa in Isa::supported() {
            let width = lane_width(isa);
            for m in [width, 3 * width, 8 * width] {
                let input: Vec<Vec<f64>> = (0..5)
                    .map(|r| {
                        (0..m)
                            .map(|i| ((i * 7 + r * 3) as f64 * 0.37).sin())
                            .collect()
                    })
                    .collect();
                for boundary in Boundary::ALL {
                    if boundary == Boundary::Fixed && m < 3 {
                        continue;
                    }
                    let mut single = vec![vec![-1.0; m]; 3];
                    for (i, out) in single.iter_mut().enumerate() {
                        let rows = (&input[i][..], [&input[i + 1][..]], &input[i + 2][..]);
                        let outs = [&mut out[..]];
                        dispatch(
                            isa,
                            RowsAtOnce {
                                outs,
                                rows,
                                boundary,
                            },
                        );
                    }
                    let what = format!("{isa}, {boundary:?}, m = {m}");
                    let mut triple = vec![vec![-1.0; m]; 3];
                    let [a, b, c] = &mut triple[..] else {
                        unreachable!()
                    };
                    let centres = [&input[1][..], &input[2][..], &input[3][..]];
                    let rows = (&input[0][..], centres, &input[4][..]);
                    let lanes = dispatch(
                        isa,
                        RowsAtOnce {
                            outs: [a, b, c],
                            rows,
                            boundary,
                        },
                    );
                    assert_eq!(lanes, width);
                    let mut pair = vec![vec![-1.0; m]; 2];
                    let [a, b] = &mut pair[..] else {
                        unreachable!()
                    };
                    let rows = (&input[1][..], [&input[2][..], &input[3][..]], &input[4][..]);
                    dispatch(
                        isa,
                        RowsAtOnce {
                            outs: [a, b],
                            rows,
                            boundary,
                        },
                    );
                    let bits = |rows: &[Vec<f64>]| {
                        rows.iter()
                            .flat_map(|row| row.iter().map(|x| x.to_bits()))
                            .collect::<Vec<_>>()
                    };
                    assert_eq!(bits(&triple), bits(&single), "triple: {what}");
                    assert_eq!(bits(&pair), bits(&single[1..]), "pair: {what}");
                }
            }
        }
    }

    #[test]
    fn every_isa_gives_the_scalar_bits_for_every_length() {
        let input: Vec<f64> = (0..60).map(|i| (f64::from(i) * 0.77).sin() * 3.0).collect();
        for n in 0..=55 {
            let mut expected = vec![0.0; n];
            for (j, e) in expected.iter_mut().enumerate() {
                let x = &input;
                *e = cell_2d(x[j + 2], x[j + 1], x[j + 3], x[j], x[j + 4], 0.21);
            }
            let mut expected_1d = vec![0.0; n];
            for (j, e) in expected_1d.iter_mut().enumerate() {
                *e = cell_1d(input[j + 1], input[j], input[j + 2], 0.37);
            }
            for isa in Isa::supported() {
                let mut out = vec![-1.0; n];
                dispatch(
                    isa,
                    Rows {
                        out: &mut out,
                        input: &input,
                    },
                );
                assert_eq!(out, expected, "{isa}, n = {n}");
                let mut out = vec![-1.0; n];
                dispatch(
                    isa,
                    Line {
                        out: &mut out,
                        input: &input,
                    },
                );
                assert_eq!(out, expected_1d, "{isa}, n = {n}");
            }
        }
    }
}
