//! The hot loop: register-blocked matrix products with runtime instruction-set
//! dispatch, and the chunking that hands output rows to a backend.
//!
//! `out = l · r` is computed tile by tile: a tile is `MR` output rows by `NV`
//! vectors of columns, held in registers (`MR · NV` accumulators) while the
//! inner index `k` runs over the whole sum. Each step loads `NV` vectors of
//! row `k` of `r`, broadcasts `MR` elements of column `k` of `l`, and does
//! `MR · NV` vector multiplies and adds. Every output element is therefore
//! `((0 + l₀·r₀) + l₁·r₁) + …`, in this order, whatever the tile shape,
//! the instruction set or the chunking: all of them give the same bits
//! (separate multiply and add, never a fused multiply-add).
//!
//! The hot loop is written once, generic over a [`Lanes`] token, and compiled
//! per instruction set inside a `#[target_feature]` function chosen once per
//! chunk of output rows.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use kernels_core::{Backend, Isa, Schedule};

/// Products with fewer multiply-adds than this run as a single chunk: they
/// take about 10 µs on one core, not much more than handing half of them to
/// another thread costs.
const SINGLE_CHUNK_MULTIPLY_ADDS: usize = 1 << 18;

/// Multiply-adds per chunk of output rows (at least): small chunks balance
/// the threads well, and under [`Schedule::Static`] consecutive chunks run
/// as one task, so their number costs nothing. Chunk boundaries depend only
/// on the problem size.
const MULTIPLY_ADDS_PER_CHUNK: usize = 1 << 12;

/// Chunks hold a multiple of this many rows, so that every instruction set's
/// row blocks tile them exactly.
const ROW_ALIGN: usize = 8;

/// Table entries per chunk when filling sine and coefficient tables.
const ENTRIES_PER_CHUNK: usize = 1 << 14;

/// The right-hand factor of a product must be readable up to its column
/// count rounded up to this (the widest vector): pad row strides with
/// [`padded`].
pub(crate) const COLUMN_PAD: usize = 8;

/// `cols` rounded up to a multiple of [`COLUMN_PAD`].
pub(crate) const fn padded(cols: usize) -> usize {
    cols.div_ceil(COLUMN_PAD) * COLUMN_PAD
}

/// Fills the row-major table `data` (`cols` columns) row by row with
/// `f(row, row_slice)`, rows in chunks on backend `B`.
pub(crate) fn fill_rows<B, F>(data: &mut [f64], cols: usize, schedule: Schedule, f: F)
where
    B: Backend,
    F: Fn(usize, &mut [f64]) + Sync + Send,
{
    let cols = cols.max(1);
    let rows_per_chunk = (ENTRIES_PER_CHUNK / cols).max(1);
    B::for_each_chunk(
        data,
        rows_per_chunk * cols,
        schedule,
        |chunk, rows: &mut [f64]| {
            for (offset, row) in rows.chunks_exact_mut(cols).enumerate() {
                f(chunk * rows_per_chunk + offset, row);
            }
        },
    );
}

/// The two factors of a product `l · r` and their shapes.
///
/// `l` is row-major with row stride `l_stride >= inner`; `r` is row-major
/// (`inner` rows) with row stride `r_stride >= padded(cols)` and must hold
/// `(inner − 1) · r_stride + padded(cols)` elements (the padding columns are
/// read but only feed output columns that are never stored).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Factors<'a> {
    pub(crate) l: &'a [f64],
    pub(crate) l_stride: usize,
    pub(crate) r: &'a [f64],
    pub(crate) r_stride: usize,
    pub(crate) inner: usize,
    pub(crate) cols: usize,
}

impl Factors<'_> {
    /// `l · r` as a new `rows × out_stride` row-major buffer (`out_stride >=
    /// cols`; the padding columns `cols..out_stride` are zero), output rows
    /// in chunks on backend `B`, hot loop compiled for `isa` (or the next
    /// narrower level this CPU supports). The buffer is not zeroed first:
    /// every element is written once.
    ///
    /// # Panics
    /// If a factor is too short for the shapes (a bug in the caller) or the
    /// buffer size overflows.
    pub(crate) fn multiply<B: Backend>(
        &self,
        rows: usize,
        out_stride: usize,
        isa: Isa,
        schedule: Schedule,
    ) -> Vec<f64> {
        let len = rows
            .checked_mul(out_stride)
            .expect("product buffer size overflows");
        let mut out = Vec::with_capacity(len);
        self.multiply_into::<B>(
            &mut out.spare_capacity_mut()[..len],
            out_stride,
            isa,
            schedule,
        );
        // SAFETY: `multiply_into` initialised all `len <= capacity` elements.
        unsafe { out.set_len(len) };
        out
    }

    /// Writes `l · r` into every row of `out` (row stride `out_stride >=
    /// cols`, `out.len() / out_stride` rows) and zeros into its padding
    /// columns `cols..out_stride`, so that every element of `out` is
    /// initialised.
    ///
    /// # Panics
    /// If a factor is too short for the shapes or `out.len()` is not a
    /// multiple of `out_stride`.
    fn multiply_into<B: Backend>(
        &self,
        out: &mut [MaybeUninit<f64>],
        out_stride: usize,
        isa: Isa,
        schedule: Schedule,
    ) {
        let Factors {
            l,
            l_stride,
            r,
            r_stride,
            inner,
            cols,
        } = *self;
        assert!(out_stride >= cols && out_stride > 0 && out.len().is_multiple_of(out_stride));
        let rows = out.len() / out_stride;
        if rows == 0 {
            return;
        }
        if inner == 0 || cols == 0 {
            for value in out {
                value.write(0.0);
            }
            return;
        }
        // These bounds make every pointer access of the kernels in range.
        assert!(l_stride >= inner && l.len() >= (rows - 1) * l_stride + inner);
        assert!(r_stride >= padded(cols) && r.len() >= (inner - 1) * r_stride + padded(cols));

        let rows_per_chunk = rows_per_chunk(rows, inner, cols);
        B::for_each_chunk(
            out,
            rows_per_chunk * out_stride,
            schedule,
            |chunk, out: &mut [MaybeUninit<f64>]| {
                let first = chunk * rows_per_chunk;
                let rows = out.len() / out_stride;
                if out_stride > cols {
                    for row in out.chunks_exact_mut(out_stride) {
                        for value in &mut row[cols..] {
                            value.write(0.0);
                        }
                    }
                }
                let block = Block {
                    out: out.as_mut_ptr().cast::<f64>(),
                    out_stride,
                    rows,
                    l: l[first * l_stride..].as_ptr(),
                    l_stride,
                    r: r.as_ptr(),
                    r_stride,
                    inner,
                    cols,
                };
                // SAFETY: `block` describes `rows` rows of `out` (this chunk,
                // exclusively borrowed; writing initialises it), the matching
                // rows of `l` (in bounds by the assertions above: row
                // `first + rows − 1` ends at or before `(total rows − 1) ·
                // l_stride + inner`) and all of `r`, readable up to
                // `(inner − 1) · r_stride + padded(cols)`. The kernel writes
                // columns `0..cols` of every row.
                unsafe { dispatch(isa, &block) }
            },
        );
    }
}

/// Rows per chunk, a function of the shape only: all rows for a small
/// product, otherwise the fewest rows (a multiple of [`ROW_ALIGN`]) holding
/// [`MULTIPLY_ADDS_PER_CHUNK`] multiply-adds.
fn rows_per_chunk(rows: usize, inner: usize, cols: usize) -> usize {
    let per_row = inner.saturating_mul(cols).max(1);
    if per_row.saturating_mul(rows) < SINGLE_CHUNK_MULTIPLY_ADDS {
        return rows.max(1);
    }
    MULTIPLY_ADDS_PER_CHUNK
        .div_ceil(per_row)
        .div_ceil(ROW_ALIGN)
        .saturating_mul(ROW_ALIGN)
}

/// One chunk's product as raw parts, valid as [`Factors::multiply_into`]
/// checks: `rows` rows of `out` and `l`, all `inner` rows of `r`, readable
/// up to column `padded(cols)`.
#[derive(Debug)]
struct Block {
    out: *mut f64,
    out_stride: usize,
    rows: usize,
    l: *const f64,
    l_stride: usize,
    r: *const f64,
    r_stride: usize,
    inner: usize,
    cols: usize,
}

/// Runs `block` with the widest lanes `isa` allows that this CPU supports.
///
/// # Safety
/// `block` must describe valid memory as documented on [`Block`].
unsafe fn dispatch(isa: Isa, block: &Block) {
    #[cfg(target_arch = "x86_64")]
    {
        if isa >= Isa::Avx512
            && let Some(token) = x86::Avx512::new()
        {
            // SAFETY: the token exists, so the CPU supports every feature
            // `avx512` is compiled with; `block` is valid (our contract).
            unsafe { x86::avx512(token, block) };
            return;
        }
        if isa >= Isa::Avx2
            && let Some(token) = x86::Avx2::new()
        {
            // SAFETY: the token exists, so the CPU supports AVX2 and FMA;
            // `block` is valid (our contract).
            unsafe { x86::avx2(token, block) };
            return;
        }
    }
    let _ = isa;
    // SAFETY: `block` is valid (our contract).
    unsafe { multiply_block::<Scalar, 4, 4>(Scalar, block) };
}

/// Runs `f` inside a function compiled for the widest level `isa` allows
/// that this CPU supports, so that loops in `f` (a closure the compiler
/// inlines into that function) are vectorised for it.
#[inline]
pub(crate) fn vectorized<R>(isa: Isa, f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    {
        if isa >= Isa::Avx512
            && let Some(token) = x86::Avx512::new()
        {
            return x86::call_avx512(token, f);
        }
        if isa >= Isa::Avx2
            && let Some(token) = x86::Avx2::new()
        {
            return x86::call_avx2(token, f);
        }
    }
    let _ = isa;
    f()
}

/// A vector width for the kernel. A token of a vector type exists only if
/// the CPU supports its instructions, so its methods may use them.
pub(crate) trait Lanes: Copy {
    /// A vector of `WIDTH` doubles.
    type V: Copy;
    /// Doubles per vector.
    const WIDTH: usize;
    /// All lanes zero.
    fn zero(self) -> Self::V;
    /// All lanes `x`.
    fn splat(self, x: f64) -> Self::V;
    /// Lane-wise `a + b`.
    fn add(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a · b`.
    fn mul(self, a: Self::V, b: Self::V) -> Self::V;
    /// Loads `WIDTH` doubles.
    ///
    /// # Safety
    /// `p..p + WIDTH` must be readable.
    unsafe fn load(self, p: *const f64) -> Self::V;
    /// Stores `WIDTH` doubles.
    ///
    /// # Safety
    /// `p..p + WIDTH` must be writable.
    unsafe fn store(self, p: *mut f64, v: Self::V);
    /// Stores the first `count` lanes (`1 <= count <= WIDTH`).
    ///
    /// # Safety
    /// `p..p + count` must be writable.
    unsafe fn store_first(self, p: *mut f64, v: Self::V, count: usize);
}

/// Baseline code: one double per "vector" (whatever the compiler makes of it).
#[derive(Debug, Clone, Copy)]
struct Scalar;

impl Lanes for Scalar {
    type V = f64;
    const WIDTH: usize = 1;
    #[inline(always)]
    fn zero(self) -> f64 {
        0.0
    }
    #[inline(always)]
    fn splat(self, x: f64) -> f64 {
        x
    }
    #[inline(always)]
    fn add(self, a: f64, b: f64) -> f64 {
        a + b
    }
    #[inline(always)]
    fn mul(self, a: f64, b: f64) -> f64 {
        a * b
    }
    #[inline(always)]
    unsafe fn load(self, p: *const f64) -> f64 {
        // SAFETY: the caller guarantees `p` is readable.
        unsafe { p.read() }
    }
    #[inline(always)]
    unsafe fn store(self, p: *mut f64, v: f64) {
        // SAFETY: the caller guarantees `p` is writable.
        unsafe { p.write(v) }
    }
    #[inline(always)]
    unsafe fn store_first(self, p: *mut f64, v: f64, _count: usize) {
        // SAFETY: `count` is 1 and the caller guarantees `p` is writable.
        unsafe { p.write(v) }
    }
}

/// The whole chunk: row blocks of `MR` rows (then 4, 2, 1 for the rest),
/// each across all column tiles.
///
/// # Safety
/// The CPU supports `T`'s instructions (a token exists) and `block` is valid.
#[inline(always)]
unsafe fn multiply_block<T: Lanes, const MR: usize, const NV: usize>(t: T, block: &Block) {
    let mut row = 0;
    while row + MR <= block.rows {
        // SAFETY: rows `row..row + MR` are within the block (our contract).
        unsafe { row_block::<T, MR, NV>(t, block, row) };
        row += MR;
    }
    if MR > 4 && row + 4 <= block.rows {
        // SAFETY: rows `row..row + 4` are within the block.
        unsafe { row_block::<T, 4, NV>(t, block, row) };
        row += 4;
    }
    if MR > 2 && row + 2 <= block.rows {
        // SAFETY: rows `row..row + 2` are within the block.
        unsafe { row_block::<T, 2, NV>(t, block, row) };
        row += 2;
    }
    while row < block.rows {
        // SAFETY: row `row` is within the block.
        unsafe { row_block::<T, 1, NV>(t, block, row) };
        row += 1;
    }
}

/// Output rows `row..row + MR`: full tiles of `NV` vectors, then one
/// narrower tile (1 to `NV − 1` vectors) for the last columns, stored
/// through a buffer so that nothing past `cols` is written.
///
/// # Safety
/// As [`multiply_block`], and `row + MR <= block.rows`.
#[inline(always)]
unsafe fn row_block<T: Lanes, const MR: usize, const NV: usize>(t: T, block: &Block, row: usize) {
    let width = NV * T::WIDTH;
    // SAFETY: `row + MR <= rows`, so these rows of `l` and `out` are in the block.
    let l = unsafe { block.l.add(row * block.l_stride) };
    // SAFETY: as above.
    let out = unsafe { block.out.add(row * block.out_stride) };
    let mut col = 0;
    while col + width <= block.cols {
        // SAFETY: columns `col..col + width` are within `cols`, so both the
        // reads of `r` and the stores to `out` are in range.
        unsafe {
            let acc = tile::<T, MR, NV>(t, block, l, col);
            for (i, acc_row) in acc.iter().enumerate() {
                let out_row = out.add(i * block.out_stride + col);
                for (v, &value) in acc_row.iter().enumerate() {
                    t.store(out_row.add(v * T::WIDTH), value);
                }
            }
        }
        col += width;
    }
    let rest = block.cols - col;
    if rest == 0 {
        return;
    }
    // SAFETY: the last tile reads `r` up to `col + vectors · WIDTH <=
    // padded(cols)` (WIDTH divides COLUMN_PAD) and stores only columns
    // `< cols`.
    unsafe {
        match rest.div_ceil(T::WIDTH) {
            1 => edge_tile::<T, MR, 1>(t, block, l, out, col),
            2 => edge_tile::<T, MR, 2>(t, block, l, out, col),
            3 => edge_tile::<T, MR, 3>(t, block, l, out, col),
            4 => edge_tile::<T, MR, 4>(t, block, l, out, col),
            _ => unreachable!("tiles are at most 4 vectors wide"),
        }
    }
}

/// The tile at columns `col..col + NV · WIDTH` (possibly past `cols`, never
/// past `padded(cols)`), stored element by element up to `cols`.
///
/// # Safety
/// As [`row_block`], `col + NV · WIDTH <= padded(cols)`.
#[inline(always)]
unsafe fn edge_tile<T: Lanes, const MR: usize, const NV: usize>(
    t: T,
    block: &Block,
    l: *const f64,
    out: *mut f64,
    col: usize,
) {
    // SAFETY: our contract.
    let acc = unsafe { tile::<T, MR, NV>(t, block, l, col) };
    for (i, acc_row) in acc.iter().enumerate() {
        for (v, &value) in acc_row.iter().enumerate() {
            let first = col + v * T::WIDTH;
            if first >= block.cols {
                break;
            }
            let count = (block.cols - first).min(T::WIDTH);
            // SAFETY: row `i` of this block, columns `first..first + count
            // <= cols`.
            unsafe { t.store_first(out.add(i * block.out_stride + first), value, count) };
        }
    }
}

/// The register tile: `MR × NV` vectors, `acc[i][v] = Σ_k l[i][k] · r[k][col + v·W ..]`
/// summed in order `k = 0, 1, …` from zero, multiply and add separately.
///
/// # Safety
/// `l` points at `MR` rows (stride `l_stride`) of at least `inner` readable
/// doubles; `r` is readable at `k · r_stride + col .. + NV · WIDTH` for every
/// `k < inner`.
#[inline(always)]
unsafe fn tile<T: Lanes, const MR: usize, const NV: usize>(
    t: T,
    block: &Block,
    l: *const f64,
    col: usize,
) -> [[T::V; NV]; MR] {
    let mut acc = [[t.zero(); NV]; MR];
    // SAFETY: `r` is readable at `col..col + NV · WIDTH` of every row.
    let mut r = unsafe { block.r.add(col) };
    for k in 0..block.inner {
        let mut right = [t.zero(); NV];
        for (v, value) in right.iter_mut().enumerate() {
            // SAFETY: row `k < inner` of `r`, columns within the tile.
            *value = unsafe { t.load(r.add(v * T::WIDTH)) };
        }
        for (i, acc_row) in acc.iter_mut().enumerate() {
            // SAFETY: row `i < MR` of `l`, column `k < inner`.
            let factor = t.splat(unsafe { *l.add(i * block.l_stride + k) });
            for (a, &value) in acc_row.iter_mut().zip(&right) {
                *a = t.add(*a, t.mul(factor, value));
            }
        }
        // The pointer after the last row is never dereferenced.
        r = r.wrapping_add(block.r_stride);
    }
    acc
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m256d, __m512d, _mm256_add_pd, _mm256_cmpgt_epi64, _mm256_loadu_pd, _mm256_maskstore_pd,
        _mm256_mul_pd, _mm256_set1_epi64x, _mm256_set1_pd, _mm256_setr_epi64x, _mm256_setzero_pd,
        _mm256_storeu_pd, _mm512_add_pd, _mm512_loadu_pd, _mm512_mask_storeu_pd, _mm512_mul_pd,
        _mm512_set1_pd, _mm512_setzero_pd, _mm512_storeu_pd,
    };

    use kernels_core::Isa;

    use super::{Block, Lanes, multiply_block};

    /// Proof that the CPU supports AVX2 + FMA ([`Isa::Avx2`]): 4 lanes.
    #[derive(Debug, Clone, Copy)]
    pub(super) struct Avx2(());

    impl Avx2 {
        /// The token, if this CPU supports [`Isa::Avx2`].
        #[inline]
        pub(super) fn new() -> Option<Self> {
            Isa::Avx2.is_supported().then_some(Avx2(()))
        }
    }

    /// Proof that the CPU supports AVX-512 F/DQ/VL/BW ([`Isa::Avx512`]): 8 lanes.
    #[derive(Debug, Clone, Copy)]
    pub(super) struct Avx512(());

    impl Avx512 {
        /// The token, if this CPU supports [`Isa::Avx512`].
        #[inline]
        pub(super) fn new() -> Option<Self> {
            Isa::Avx512.is_supported().then_some(Avx512(()))
        }
    }

    /// Implements [`Lanes`] for a token with the given intrinsics
    /// (`$store_first(p, v, count)` stores the first `count` lanes).
    macro_rules! vector_lanes {
        ($token:ty, $v:ty, $w:expr, $zero:ident, $set1:ident, $add:ident, $mul:ident,
         $load:ident, $store:ident, $store_first:ident) => {
            impl Lanes for $token {
                type V = $v;
                const WIDTH: usize = $w;
                #[inline(always)]
                fn zero(self) -> $v {
                    // SAFETY: the token proves the CPU supports the intrinsic.
                    unsafe { $zero() }
                }
                #[inline(always)]
                fn splat(self, x: f64) -> $v {
                    // SAFETY: the token proves the CPU supports the intrinsic.
                    unsafe { $set1(x) }
                }
                #[inline(always)]
                fn add(self, a: $v, b: $v) -> $v {
                    // SAFETY: the token proves the CPU supports the intrinsic.
                    unsafe { $add(a, b) }
                }
                #[inline(always)]
                fn mul(self, a: $v, b: $v) -> $v {
                    // SAFETY: the token proves the CPU supports the intrinsic.
                    unsafe { $mul(a, b) }
                }
                #[inline(always)]
                unsafe fn load(self, p: *const f64) -> $v {
                    // SAFETY: the token proves CPU support; the caller
                    // guarantees `p..p + WIDTH` is readable.
                    unsafe { $load(p) }
                }
                #[inline(always)]
                unsafe fn store(self, p: *mut f64, v: $v) {
                    // SAFETY: the token proves CPU support; the caller
                    // guarantees `p..p + WIDTH` is writable.
                    unsafe { $store(p, v) }
                }
                #[inline(always)]
                unsafe fn store_first(self, p: *mut f64, v: $v, count: usize) {
                    // SAFETY: the token proves CPU support; the caller
                    // guarantees `p..p + count` is writable, and only those
                    // lanes are stored.
                    unsafe { $store_first(p, v, count) }
                }
            }
        };
    }

    /// Stores the first `count` (1 to 4) lanes of `v` with a masked store.
    ///
    /// # Safety
    /// AVX2 is supported and `p..p + count` is writable.
    #[inline(always)]
    unsafe fn store_first_avx2(p: *mut f64, v: __m256d, count: usize) {
        // SAFETY: AVX2 is supported (our contract); the mask enables lanes
        // `0..count` only, which the caller guarantees are writable.
        unsafe {
            let lanes = _mm256_setr_epi64x(0, 1, 2, 3);
            let mask = _mm256_cmpgt_epi64(_mm256_set1_epi64x(count as i64), lanes);
            _mm256_maskstore_pd(p, mask, v);
        }
    }

    /// Stores the first `count` (1 to 8) lanes of `v` with a masked store.
    ///
    /// # Safety
    /// AVX-512 F is supported and `p..p + count` is writable.
    #[inline(always)]
    unsafe fn store_first_avx512(p: *mut f64, v: __m512d, count: usize) {
        let mask = (0xff_u16 >> (8 - count.min(8))) as u8;
        // SAFETY: AVX-512 F is supported (our contract); the mask enables
        // lanes `0..count` only, which the caller guarantees are writable.
        unsafe { _mm512_mask_storeu_pd(p, mask, v) }
    }

    vector_lanes!(
        Avx2,
        __m256d,
        4,
        _mm256_setzero_pd,
        _mm256_set1_pd,
        _mm256_add_pd,
        _mm256_mul_pd,
        _mm256_loadu_pd,
        _mm256_storeu_pd,
        store_first_avx2
    );
    vector_lanes!(
        Avx512,
        __m512d,
        8,
        _mm512_setzero_pd,
        _mm512_set1_pd,
        _mm512_add_pd,
        _mm512_mul_pd,
        _mm512_loadu_pd,
        _mm512_storeu_pd,
        store_first_avx512
    );

    /// Calls `f` compiled for AVX-512 (the token proves support).
    #[inline]
    pub(super) fn call_avx512<R>(token: Avx512, f: impl FnOnce() -> R) -> R {
        /// The compiled-for-AVX-512 frame.
        #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
        fn run<R>(_: Avx512, f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the token exists, so the CPU supports every feature `run`
        // is compiled with.
        unsafe { run(token, f) }
    }

    /// Calls `f` compiled for AVX2 + FMA (the token proves support; FMA is
    /// never used for contraction).
    #[inline]
    pub(super) fn call_avx2<R>(token: Avx2, f: impl FnOnce() -> R) -> R {
        /// The compiled-for-AVX2 frame.
        #[target_feature(enable = "avx2,fma")]
        fn run<R>(_: Avx2, f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the token exists, so the CPU supports AVX2 and FMA.
        unsafe { run(token, f) }
    }

    /// The chunk compiled for AVX-512: tiles of 8 rows × 3 vectors (24
    /// accumulators of the 32 zmm registers; measured faster than 6 × 4,
    /// 4 × 4 and 12 × 2).
    ///
    /// # Safety
    /// `block` is valid (see [`Block`]).
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
    pub(super) unsafe fn avx512(token: Avx512, block: &Block) {
        // SAFETY: the token proves CPU support; `block` is valid.
        unsafe { multiply_block::<Avx512, 8, 3>(token, block) }
    }

    /// The chunk compiled for AVX2 (FMA is enabled for code generation but
    /// never used: no intrinsic fuses and Rust does not contract): tiles of
    /// 4 rows × 2 vectors (8 accumulators of the 16 ymm registers; measured
    /// faster than 4 × 3, 6 × 2 and 8 × 1).
    ///
    /// # Safety
    /// `block` is valid (see [`Block`]).
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn avx2(token: Avx2, block: &Block) {
        // SAFETY: the token proves CPU support; `block` is valid.
        unsafe { multiply_block::<Avx2, 4, 2>(token, block) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::{Parallel, Serial};

    /// `l · r` summed in order `k = 0, 1, …` from zero: the bits every
    /// instruction set must reproduce.
    fn reference(l: &[f64], r: &[f64], rows: usize, inner: usize, cols: usize) -> Vec<f64> {
        let mut out = vec![0.0; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                let mut sum = 0.0;
                for k in 0..inner {
                    sum += l[i * inner + k] * r[k * cols + j];
                }
                out[i * cols + j] = sum;
            }
        }
        out
    }

    /// `r` copied into rows of stride `padded(cols)`.
    fn pad(r: &[f64], cols: usize) -> Vec<f64> {
        let stride = padded(cols);
        let mut out = vec![0.0; r.len() / cols * stride];
        for (row, src) in out.chunks_exact_mut(stride).zip(r.chunks_exact(cols)) {
            row[..cols].copy_from_slice(src);
        }
        out
    }

    fn product<B: Backend>(
        l: &[f64],
        r: &[f64],
        rows: usize,
        inner: usize,
        cols: usize,
        isa: Isa,
    ) -> Vec<f64> {
        let r = pad(r, cols);
        let factors = Factors {
            l,
            l_stride: inner,
            r: &r,
            r_stride: padded(cols),
            inner,
            cols,
        };
        factors.multiply::<B>(rows, cols, isa, Schedule::Dynamic)
    }

    #[test]
    fn small_product_is_exact() {
        // [1 2; 3 4; 5 6] · [1 0 2; 0 1 3]
        let l = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let r = [1.0, 0.0, 2.0, 0.0, 1.0, 3.0];
        for isa in Isa::supported() {
            let out = product::<Serial>(&l, &r, 3, 2, 3, isa);
            assert_eq!(out, [1.0, 2.0, 8.0, 3.0, 4.0, 18.0, 5.0, 6.0, 28.0]);
            assert_eq!(product::<Parallel>(&l, &r, 3, 2, 3, isa), out);
        }
    }

    #[test]
    fn every_isa_and_shape_matches_the_ordered_sum_bit_for_bit() {
        // Rows and columns around every block size, including edge tiles.
        for (rows, inner, cols) in [
            (1, 1, 1),
            (7, 3, 5),
            (15, 15, 101),
            (19, 9, 33),
            (9, 1, 24),
            (300, 7, 26),
            (601, 20, 43), // several chunks
        ] {
            let l: Vec<f64> = (0..rows * inner)
                .map(|i| ((i * 37 % 101) as f64 - 50.0) / 7.0)
                .collect();
            let r: Vec<f64> = (0..inner * cols)
                .map(|i| ((i * 53 % 97) as f64 - 48.0) / 3.0)
                .collect();
            let expected = reference(&l, &r, rows, inner, cols);
            for isa in Isa::supported() {
                let serial = product::<Serial>(&l, &r, rows, inner, cols, isa);
                let parallel = product::<Parallel>(&l, &r, rows, inner, cols, isa);
                for (s, e) in serial.iter().zip(&expected) {
                    assert_eq!(s.to_bits(), e.to_bits(), "{isa} {rows}×{inner}×{cols}");
                }
                assert_eq!(serial, parallel, "{isa} {rows}×{inner}×{cols}");
            }
        }
    }

    #[test]
    fn output_padding_is_zero() {
        let (rows, inner, cols) = (5, 2, 3);
        let l = vec![1.0; rows * inner];
        let r = pad(&[1.0; 6], cols);
        for isa in Isa::supported() {
            let factors = Factors {
                l: &l,
                l_stride: inner,
                r: &r,
                r_stride: padded(cols),
                inner,
                cols,
            };
            let out = factors.multiply::<Serial>(rows, 4, isa, Schedule::Static);
            for row in out.chunks_exact(4) {
                assert_eq!(row, &[2.0, 2.0, 2.0, 0.0]);
            }
            let empty = Factors {
                inner: 0,
                ..factors
            };
            let out = empty.multiply::<Parallel>(rows, 4, isa, Schedule::Static);
            assert_eq!(out, vec![0.0; rows * 4]);
        }
    }

    #[test]
    fn small_products_are_one_chunk_large_ones_aligned() {
        // The published products are one chunk each; the large one 8 rows a chunk.
        assert_eq!(rows_per_chunk(101, 15, 101), 101);
        assert_eq!(rows_per_chunk(15, 15, 101), 15);
        assert_eq!(rows_per_chunk(1001, 100, 1001), 8);
        assert_eq!(rows_per_chunk(1001, 15, 1001), 8);
        assert_eq!(rows_per_chunk(1, 1, 1), 1);
        for (rows, inner, cols) in [(1000, 1000, 1000), (1000, 3, 100), (17, 1, 1 << 20)] {
            let chunk = rows_per_chunk(rows, inner, cols);
            assert_eq!(chunk % ROW_ALIGN, 0);
            assert!(chunk * inner * cols >= MULTIPLY_ADDS_PER_CHUNK);
        }
    }

    #[test]
    fn fill_rows_passes_global_row_indices() {
        let cols = 4000; // 4 rows per chunk
        let mut table = vec![f64::NAN; 10 * cols];
        fill_rows::<Parallel, _>(&mut table, cols, Schedule::Dynamic, |row, out| {
            out.fill(row as f64);
        });
        for (row, values) in table.chunks_exact(cols).enumerate() {
            assert!(values.iter().all(|&v| v == row as f64));
        }
    }
}
