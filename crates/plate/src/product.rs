//! The hot loop: register-blocked matrix products with runtime instruction-set
//! dispatch, the right-hand factor packed in column panels, and the chunking
//! that hands the output to a backend.
//!
//! `out = l · r` is computed tile by tile: a tile is `MR` output rows by `NV`
//! vectors of columns, held in registers (`MR · NV` accumulators) while the
//! inner index `k` runs over the whole sum. Each step loads `NV` vectors of
//! row `k` of `r`, broadcasts `MR` elements of column `k` of `l`, and does
//! `MR · NV` vector multiply-adds. The right factor is stored as [`Panels`]:
//! strips of columns exactly one tile wide, each strip's rows back to back,
//! so that a tile reads one contiguous stream (rows of a plain 1001-column
//! matrix lie 8 KB apart, a new page at every `k`, which the hardware
//! prefetchers do not follow).
//!
//! Every output element is the ordered sum `((0 + l₀·r₀) + l₁·r₁) + …`
//! whatever the tile shape, the chunking or the thread count, so the backends
//! agree bit for bit. How each step rounds depends on the instruction set:
//! the vector paths fuse multiply and add into one FMA
//! (one rounding per step, as BLAS does; it doubles the arithmetic peak),
//! the scalar path keeps the textbook's separate multiply and add. AVX2 and
//! AVX-512 therefore give the same bits, and both differ from scalar code by
//! rounding only: per product at most `2·inner·u·Σₖ|lₖ·rₖ|` for each element
//! (`u = 2⁻⁵³`), since each ordered sum is within `inner·u·Σₖ|lₖ·rₖ|` of the
//! exact one.
//!
//! [`multiply_mirrored`] halves a product whose left factor's rows come in
//! mirror pairs (the sine table `Sy`): it sums the even and odd `k` of a row
//! separately, `O` and `E`, and writes `O + E` to the row and `O − E` to
//! its mirror.
//!
//! The hot loop is written once, generic over a [`Lanes`] token, and compiled
//! per instruction set inside a `#[target_feature]` function chosen once per
//! chunk of output.
#![allow(unsafe_code)]

use std::mem::MaybeUninit;

use kernels_core::{Backend, Chunkable, Isa, Schedule};

/// Products with fewer multiply-adds than this run as a single chunk: they
/// take about 10 µs on one core, not much more than handing half of them to
/// another thread costs.
const SINGLE_CHUNK_MULTIPLY_ADDS: usize = 1 << 18;

/// Multiply-adds per chunk of panels (at least): small chunks balance the
/// threads well, and under [`Schedule::Static`] consecutive chunks run as
/// one task, so their number costs nothing. Chunk boundaries depend only on
/// the problem size and the panel width.
const MULTIPLY_ADDS_PER_CHUNK: usize = 1 << 12;

/// Multiply-adds per chunk of output rows (at least, unless that leaves
/// fewer than [`ROW_CHUNKS`] chunks). A chunk runs panel by panel over all
/// its rows, so each panel is read from the L2 cache once per chunk and
/// reused from L1 by every row block: a chunk of one row block would read
/// 192 bytes from L2 for every 12 FMAs.
const ROW_CHUNK_MULTIPLY_ADDS: usize = 1 << 20;

/// Chunks of output rows to aim for at least, for the balance of the
/// threads.
const ROW_CHUNKS: usize = 16;

/// Row chunks hold a multiple of this many rows, so that every instruction
/// set's row blocks (8, 4) tile them exactly.
const ROW_ALIGN: usize = 8;

/// The same for the row pairs of a mirrored product (row blocks of 4, 2).
const MIRRORED_ROW_ALIGN: usize = 4;

/// Table entries per chunk when filling or packing tables.
const ENTRIES_PER_CHUNK: usize = 1 << 14;

/// Rows of the coefficient matrix are padded to a multiple of this (the
/// widest vector), so that they vectorise without a remainder loop.
pub(crate) const COLUMN_PAD: usize = 8;

/// `cols` rounded up to a multiple of [`COLUMN_PAD`].
pub(crate) const fn padded(cols: usize) -> usize {
    cols.div_ceil(COLUMN_PAD) * COLUMN_PAD
}

/// A new row-major `rows × cols` table filled row by row with `f(row,
/// row_slice)`, rows in chunks on backend `B`. Each row is computed into a
/// small scratch row and copied, so the table is never zeroed first (a
/// megabyte of zeros written by one thread before the parallel work).
///
/// # Panics
/// If the size overflows.
pub(crate) fn table<B, F>(rows: usize, cols: usize, schedule: Schedule, f: F) -> Vec<f64>
where
    B: Backend,
    F: Fn(usize, &mut [f64]) + Sync + Send,
{
    let len = rows.checked_mul(cols).expect("table size overflows");
    let fill = |data: &mut [MaybeUninit<f64>]| {
        let Some(rows_per_chunk) = ENTRIES_PER_CHUNK.checked_div(cols) else {
            return;
        };
        let rows_per_chunk = rows_per_chunk.max(1);
        B::for_each_chunk(
            data,
            rows_per_chunk * cols,
            schedule,
            |chunk, out: &mut [MaybeUninit<f64>]| {
                let mut scratch = vec![0.0; cols];
                for (offset, row) in out.chunks_exact_mut(cols).enumerate() {
                    f(chunk * rows_per_chunk + offset, &mut scratch);
                    for (value, &x) in row.iter_mut().zip(&scratch) {
                        value.write(x);
                    }
                }
            },
        );
    };
    // SAFETY: the chunks cover all `len` elements and every row of every
    // chunk is written (`len` is 0 if `cols` is).
    unsafe { uninit_buffer(len, fill) }
}

/// A new buffer of `len` values, handed to `fill` uninitialised: products
/// and tables write every element once, so zeroing them first would only
/// add a pass over memory (by one thread, before the parallel work).
///
/// # Safety
/// `fill` must write every element of the slice it is given.
unsafe fn uninit_buffer(len: usize, fill: impl FnOnce(&mut [MaybeUninit<f64>])) -> Vec<f64> {
    let mut data = Vec::with_capacity(len);
    fill(&mut data.spare_capacity_mut()[..len]);
    // SAFETY: `fill` wrote all `len <= capacity` elements (the caller's
    // contract).
    unsafe { data.set_len(len) };
    data
}

/// Tile rows (`MR`) and vectors (`NV`) of the scalar kernel.
const SCALAR_TILE: (usize, usize) = (4, 4);

/// The instruction set the products run with, resolved once against this
/// CPU, and with it the tile shape: the panel width right-hand factors are
/// packed with and whether multiply-adds are fused.
///
/// The AVX2 and AVX-512 tokens inside prove CPU support, so dispatching on
/// a `Tiling` needs no further checks.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Tiling(Level);

/// See [`Tiling`].
#[derive(Debug, Clone, Copy)]
enum Level {
    Scalar,
    #[cfg(target_arch = "x86_64")]
    Avx2(x86::Avx2),
    #[cfg(target_arch = "x86_64")]
    Avx512(x86::Avx512),
}

impl Tiling {
    /// The widest level `isa` allows that this CPU supports.
    pub(crate) fn new(isa: Isa) -> Tiling {
        #[cfg(target_arch = "x86_64")]
        {
            if isa >= Isa::Avx512
                && let Some(token) = x86::Avx512::new()
            {
                return Tiling(Level::Avx512(token));
            }
            if isa >= Isa::Avx2
                && let Some(token) = x86::Avx2::new()
            {
                return Tiling(Level::Avx2(token));
            }
        }
        let _ = isa;
        Tiling(Level::Scalar)
    }

    /// Columns per panel: one tile's width.
    pub(crate) const fn panel_width(self) -> usize {
        match self.0 {
            Level::Scalar => SCALAR_TILE.1,
            #[cfg(target_arch = "x86_64")]
            Level::Avx2(_) => x86::AVX2_TILE.1 * 4,
            #[cfg(target_arch = "x86_64")]
            Level::Avx512(_) => x86::AVX512_TILE.1 * 8,
        }
    }

    /// Whether each step of the sums is a fused multiply-add (one rounding)
    /// rather than a multiply and an add (two): which reference sums the
    /// tests expect.
    #[cfg(test)]
    pub(crate) const fn fused(self) -> bool {
        !matches!(self.0, Level::Scalar)
    }
}

/// A matrix stored in column panels `width` columns wide (the right-hand
/// factor of a product): element `(k, c)` is at `(c / width) · rows · width
/// + k · width + c % width`. The last panel's columns past `cols` are zero.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Panels {
    data: Vec<f64>,
    rows: usize,
    cols: usize,
    width: usize,
}

impl Panels {
    /// A `rows × cols` matrix packed in panels of `tiling`'s width, filled
    /// row by row: `f(row, first, out)` writes columns `first .. first +
    /// out.len()` of row `row` into `out`. Panels are filled in chunks on
    /// backend `B`, each row of a chunk's columns computed into a scratch
    /// row and copied to its panels.
    ///
    /// # Panics
    /// If the size overflows.
    pub(crate) fn from_rows<B, F>(
        rows: usize,
        cols: usize,
        tiling: Tiling,
        schedule: Schedule,
        f: F,
    ) -> Panels
    where
        B: Backend,
        F: Fn(usize, usize, &mut [f64]) + Sync + Send,
    {
        let width = tiling.panel_width();
        let panel_len = rows.checked_mul(width).expect("panel size overflows");
        let len = cols
            .div_ceil(width)
            .checked_mul(panel_len)
            .expect("panel size overflows");
        let panels_per_chunk = (ENTRIES_PER_CHUNK / panel_len.max(1)).max(1);
        let fill = |data: &mut [MaybeUninit<f64>]| {
            B::for_each_chunk(
                data,
                panels_per_chunk * panel_len,
                schedule,
                |chunk, out: &mut [MaybeUninit<f64>]| {
                    let first = chunk * panels_per_chunk * width;
                    let count = (cols - first).min(out.len() / rows.max(1));
                    let mut scratch = vec![0.0; count];
                    for row in 0..rows {
                        f(row, first, &mut scratch);
                        for (panel, values) in
                            out.chunks_exact_mut(panel_len).zip(scratch.chunks(width))
                        {
                            let (start, padding) =
                                panel[row * width..(row + 1) * width].split_at_mut(values.len());
                            for (value, &x) in start.iter_mut().zip(values) {
                                value.write(x);
                            }
                            for value in padding {
                                value.write(0.0);
                            }
                        }
                    }
                },
            );
        };
        // SAFETY: the chunks cover all `len` elements. A chunk
        // of `p` panels holds columns `first .. first + p · width`, of which
        // the `count` below `cols` fill `scratch`; `scratch.chunks(width)`
        // yields one piece per panel (`count > (p − 1) · width`, as only the
        // last panel of the matrix is partial), and each piece plus its
        // padding writes all `width` entries of the panel's row. Every row
        // of every panel is written.
        let data = unsafe { uninit_buffer(len, fill) };
        Panels {
            data,
            rows,
            cols,
            width,
        }
    }

    /// Packs the row-major `rows × cols` matrix `src` (row stride `stride >=
    /// cols`) into panels of `tiling`'s width, panels in chunks on backend `B`.
    ///
    /// # Panics
    /// If `src` is too short for the shape or the size overflows.
    pub(crate) fn pack<B: Backend>(
        src: &[f64],
        stride: usize,
        rows: usize,
        cols: usize,
        tiling: Tiling,
        schedule: Schedule,
    ) -> Panels {
        assert!(stride >= cols);
        assert!(rows == 0 || cols == 0 || src.len() >= (rows - 1) * stride + cols);
        Panels::from_rows::<B, _>(rows, cols, tiling, schedule, |row, first, out| {
            out.copy_from_slice(&src[row * stride + first..][..out.len()]);
        })
    }

    /// Number of panels.
    fn count(&self) -> usize {
        self.cols.div_ceil(self.width)
    }

    /// Elements per panel.
    fn panel_len(&self) -> usize {
        self.rows * self.width
    }
}

/// The left-hand factor of a product: `rows` rows of at least `inner`
/// values (the right factor's rows), row stride `stride`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Left<'a> {
    pub(crate) data: &'a [f64],
    pub(crate) stride: usize,
    pub(crate) rows: usize,
}

impl Left<'_> {
    /// Checks the bounds that make every pointer access of the kernels to
    /// rows `0..rows`, columns `0..inner` in range.
    fn check(&self, inner: usize) {
        assert!(self.stride >= inner);
        assert!(self.rows == 0 || self.data.len() >= (self.rows - 1) * self.stride + inner);
    }
}

/// `left · right` as a new row-major `left.rows × right.cols` buffer, output
/// rows in chunks on backend `B`. The buffer is not zeroed first: every
/// element is written once.
///
/// # Panics
/// If `left` is too short for the shapes, `tiling` packs panels of another
/// width than `right`'s, or the buffer size overflows.
pub(crate) fn multiply<B: Backend>(
    left: Left<'_>,
    right: &Panels,
    tiling: Tiling,
    schedule: Schedule,
) -> Vec<f64> {
    assert_eq!(tiling.panel_width(), right.width);
    let len = left
        .rows
        .checked_mul(right.cols)
        .expect("product buffer size overflows");
    // SAFETY: `multiply_into` writes every element of its output.
    unsafe {
        uninit_buffer(len, |out| {
            multiply_into::<B>(left, right, tiling, schedule, out)
        })
    }
}

/// `L · right` for a `rows × inner` left factor `L` given by its upper half
/// and last row, as a new row-major `rows × right.cols` buffer, rows in
/// chunks on backend `B`.
///
/// `upper` holds rows `0 .. rows − 1 − pairs` of `L` (row 0, the `pairs =
/// (rows − 2) / 2` upper rows that have mirrors, and the middle row if
/// `rows` is odd), `last` row `rows − 1`. Every other row is a mirror: row
/// `rows − 1 − j` of `L` is row `j` with its odd-indexed entries (`k = 1,
/// 3, …`) negated. The sine table `Sy` has exactly this symmetry,
/// `sin(nπ − θ) = (−1)ⁿ⁺¹·sin θ`, and its last row, the textbook's
/// `sin(fl(nπ))`, is the exception. With `O` the sum over even `k` and `E`
/// over odd `k` of row `j`'s terms, output row `j` is `O + E` and row
/// `rows − 1 − j` is `O − E`: each pair of rows costs as much as one row of
/// the plain product, so the product costs half as much. Rows 0, `rows − 1`
/// and the middle row are computed as by [`multiply`].
///
/// # Panics
/// If `rows < 2`, `upper` does not have `rows − 1 − pairs` rows, `last` is
/// shorter than `inner`, or as [`multiply`].
pub(crate) fn multiply_mirrored<B: Backend>(
    upper: Left<'_>,
    last: &[f64],
    rows: usize,
    right: &Panels,
    tiling: Tiling,
    schedule: Schedule,
) -> Vec<f64> {
    let (inner, cols) = (right.rows, right.cols);
    assert!(rows >= 2);
    let pairs = (rows - 2) / 2;
    assert_eq!(upper.rows, rows - 1 - pairs);
    assert_eq!(tiling.panel_width(), right.width);
    let len = rows
        .checked_mul(cols)
        .expect("product buffer size overflows");
    let fill = |out: &mut [MaybeUninit<f64>]| {
        // Rows: 0 | top: 1 ..= pairs | middle (0 or 1 row) | bottom: the
        // mirrors of the top rows, in reverse order | rows − 1.
        let (first, rest) = out.split_at_mut(cols);
        let (top, rest) = rest.split_at_mut(pairs * cols);
        let (middle, rest) = rest.split_at_mut((upper.rows - 1 - pairs) * cols);
        let (bottom, end) = rest.split_at_mut(pairs * cols);
        let direct = |from: usize, count: usize, out: &mut [MaybeUninit<f64>]| {
            let part = Left {
                data: &upper.data[(from * upper.stride).min(upper.data.len())..],
                rows: count,
                ..upper
            };
            multiply_into::<B>(part, right, tiling, schedule, out);
        };
        direct(0, 1, first);
        direct(1 + pairs, upper.rows - 1 - pairs, middle);
        let last = Left {
            data: last,
            stride: inner,
            rows: 1,
        };
        multiply_into::<B>(last, right, tiling, schedule, end);
        if inner == 0 {
            for value in top.iter_mut().chain(bottom.iter_mut()) {
                value.write(0.0);
            }
        } else if pairs > 0 && cols > 0 {
            upper.check(inner);
            let rows_per_chunk = rows_per_chunk(pairs, inner, cols, MIRRORED_ROW_ALIGN);
            B::for_each_chunk(
                MirroredRows { top, bottom },
                rows_per_chunk * cols,
                schedule,
                |chunk, out: MirroredRows<'_>| {
                    let first = 1 + chunk * rows_per_chunk;
                    let count = out.top.len() / cols;
                    let block = Block {
                        out: out.top.as_mut_ptr().cast::<f64>(),
                        // The mirror of this chunk's first row is the last row
                        // of its bottom part.
                        mirror: out.bottom[(count - 1) * cols..].as_mut_ptr().cast::<f64>(),
                        out_row: cols,
                        out_panel: right.width,
                        cols,
                        rows: count,
                        l: upper.data[first * upper.stride..].as_ptr(),
                        l_stride: upper.stride,
                        r: right.data.as_ptr(),
                        r_panel: right.panel_len(),
                        width: right.width,
                        inner,
                        panels: right.count(),
                    };
                    // SAFETY: `block` describes this chunk's top rows and, in
                    // reverse order, their mirrors in the bottom part (both
                    // exclusively borrowed, `count` rows each; writing
                    // initialises them), the matching rows of `upper` (rows
                    // `first .. first + count <= 1 + pairs <= upper.rows`, in
                    // bounds by `check`) and every panel of `right`. Columns
                    // `0..cols` of every row and mirror row are written.
                    unsafe { dispatch::<2>(tiling, &block) }
                },
            );
        }
    };
    // SAFETY: `fill` writes every element: rows 0, `rows − 1` and the middle
    // by `multiply_into`, the pairs by the chunks (or as zeros).
    unsafe { uninit_buffer(len, fill) }
}

/// The two halves of a mirrored product's output, split together: `top`
/// rows in order, `bottom` rows in reverse order, so that the first top
/// row's mirror is the last bottom row. Splitting at `mid` keeps each top
/// row with its mirror: the first `mid` top elements go with the last `mid`
/// bottom elements.
#[derive(Debug)]
struct MirroredRows<'a> {
    top: &'a mut [MaybeUninit<f64>],
    bottom: &'a mut [MaybeUninit<f64>],
}

impl Chunkable for MirroredRows<'_> {
    fn len(&self) -> usize {
        self.top.len()
    }

    fn split_at(self, mid: usize) -> (Self, Self) {
        let (top_head, top_tail) = self.top.split_at_mut(mid);
        let at = self.bottom.len() - mid;
        let (bottom_head, bottom_tail) = self.bottom.split_at_mut(at);
        (
            MirroredRows {
                top: top_head,
                bottom: bottom_tail,
            },
            MirroredRows {
                top: top_tail,
                bottom: bottom_head,
            },
        )
    }

    fn lengths_agree(&self) -> bool {
        self.top.len() == self.bottom.len()
    }
}

/// Writes `left · right` into `out` (row-major, `left.rows × right.cols`),
/// every element, rows in chunks on backend `B`.
fn multiply_into<B: Backend>(
    left: Left<'_>,
    right: &Panels,
    tiling: Tiling,
    schedule: Schedule,
    out: &mut [MaybeUninit<f64>],
) {
    let (rows, inner, cols, width) = (left.rows, right.rows, right.cols, right.width);
    assert_eq!(out.len(), rows * cols);
    if inner == 0 {
        for value in out {
            value.write(0.0);
        }
        return;
    }
    if out.is_empty() {
        return;
    }
    left.check(inner);
    let rows_per_chunk = rows_per_chunk(rows, inner, cols, ROW_ALIGN);
    B::for_each_chunk(
        out,
        rows_per_chunk * cols,
        schedule,
        |chunk, out: &mut [MaybeUninit<f64>]| {
            let first = chunk * rows_per_chunk;
            let block = Block {
                out: out.as_mut_ptr().cast::<f64>(),
                mirror: std::ptr::null_mut(),
                out_row: cols,
                out_panel: width,
                cols,
                rows: out.len() / cols,
                l: left.data[first * left.stride..].as_ptr(),
                l_stride: left.stride,
                r: right.data.as_ptr(),
                r_panel: right.panel_len(),
                width,
                inner,
                panels: right.count(),
            };
            // SAFETY: `block` describes this chunk's rows of the output
            // (exclusively borrowed; writing initialises them) in row-major
            // order (panel `p` starts at column `p · width`), the matching
            // rows of `left` (in bounds by `check`: row `first + rows − 1`
            // ends at or before `(left.rows − 1) · stride + inner`) and every
            // panel of `right`. Columns `0..cols` of every row are written.
            unsafe { dispatch::<1>(tiling, &block) }
        },
    );
}

/// `left · right` packed in panels like `right` (the right factor of a
/// further product), panels in chunks on backend `B`. The padding columns
/// come out zero, because `right`'s are.
///
/// # Panics
/// As [`multiply`].
pub(crate) fn multiply_packed<B: Backend>(
    left: Left<'_>,
    right: &Panels,
    tiling: Tiling,
    schedule: Schedule,
) -> Panels {
    let (rows, inner, width) = (left.rows, right.rows, right.width);
    assert_eq!(tiling.panel_width(), width);
    let panel_len = rows.checked_mul(width).expect("panel size overflows");
    let len = right
        .count()
        .checked_mul(panel_len)
        .expect("panel size overflows");
    let fill = |out: &mut [MaybeUninit<f64>]| {
        if inner == 0 {
            for value in out {
                value.write(0.0);
            }
        } else if len > 0 {
            left.check(inner);
            let panels_per_chunk = panels_per_chunk(right.count(), rows, inner, width);
            B::for_each_chunk(
                out,
                panels_per_chunk * panel_len,
                schedule,
                |chunk, out: &mut [MaybeUninit<f64>]| {
                    let first = chunk * panels_per_chunk;
                    let panels = out.len() / panel_len;
                    let block = Block {
                        out: out.as_mut_ptr().cast::<f64>(),
                        mirror: std::ptr::null_mut(),
                        out_row: width,
                        out_panel: panel_len,
                        cols: panels * width,
                        rows,
                        l: left.data.as_ptr(),
                        l_stride: left.stride,
                        r: right.data[first * right.panel_len()..].as_ptr(),
                        r_panel: right.panel_len(),
                        width,
                        inner,
                        panels,
                    };
                    // SAFETY: `block` describes this chunk's panels of the
                    // output (exclusively borrowed; writing initialises them),
                    // all rows of `left` (in bounds by `check`) and the matching
                    // panels of `right` (`first + panels <= right.count()`). All
                    // `panels · width` columns of every row are written.
                    unsafe { dispatch::<1>(tiling, &block) }
                },
            );
        }
    };
    // SAFETY: `fill` writes every element: zeros, or all columns of every
    // row of every panel.
    let data = unsafe { uninit_buffer(len, fill) };
    Panels {
        data,
        rows,
        cols: right.cols,
        width,
    }
}

/// Rows per chunk of a row-major product, a function of the shape only: all
/// rows for a small product, otherwise the fewest rows (a multiple of
/// `align`) holding [`ROW_CHUNK_MULTIPLY_ADDS`] multiply-adds, or fewer
/// if that would leave under [`ROW_CHUNKS`] chunks.
fn rows_per_chunk(rows: usize, inner: usize, cols: usize, align: usize) -> usize {
    let per_row = inner.saturating_mul(cols).max(1);
    if per_row.saturating_mul(rows) < SINGLE_CHUNK_MULTIPLY_ADDS {
        return rows.max(1);
    }
    let by_work = ROW_CHUNK_MULTIPLY_ADDS.div_ceil(per_row);
    let by_count = rows.div_ceil(ROW_CHUNKS);
    by_work
        .min(by_count)
        .div_ceil(align)
        .max(1)
        .saturating_mul(align)
}

/// Panels per chunk of a packed product, a function of the shape only: all
/// panels for a small product, otherwise the fewest panels holding
/// [`MULTIPLY_ADDS_PER_CHUNK`] multiply-adds.
fn panels_per_chunk(panels: usize, rows: usize, inner: usize, width: usize) -> usize {
    let per_panel = rows.saturating_mul(inner).saturating_mul(width).max(1);
    if per_panel.saturating_mul(panels) < SINGLE_CHUNK_MULTIPLY_ADDS {
        return panels.max(1);
    }
    MULTIPLY_ADDS_PER_CHUNK.div_ceil(per_panel)
}

/// One chunk's product as raw parts. For rows `i < rows`, inner index
/// `k < inner`, panels `p < panels` and columns `c < cols` (counted from the
/// block's first panel, `(panels − 1) · width < cols <= panels · width`):
/// * `l + i · l_stride + k` is readable;
/// * `r + p · r_panel + k · width + j` is readable for `j < width`;
/// * `out + i · out_row + (c / width) · out_panel + c % width` is writable;
/// * for a mirrored product, so is `mirror − i · out_row + (c / width) ·
///   out_panel + c % width`, where row `i`'s mirror goes (`mirror` is
///   unused, and may be null, otherwise).
#[derive(Debug)]
struct Block {
    out: *mut f64,
    mirror: *mut f64,
    out_row: usize,
    out_panel: usize,
    cols: usize,
    rows: usize,
    l: *const f64,
    l_stride: usize,
    r: *const f64,
    r_panel: usize,
    width: usize,
    inner: usize,
    panels: usize,
}

/// Runs `block` with `tiling`'s kernel: a plain product for `P = 1`, a
/// mirrored one (sums split by the parity of `k`) for `P = 2`.
///
/// # Safety
/// `block` must describe valid memory as documented on [`Block`] (with a
/// valid `mirror` if `P = 2`), with `block.width == tiling.panel_width()`.
unsafe fn dispatch<const P: usize>(tiling: Tiling, block: &Block) {
    match tiling.0 {
        // SAFETY: `block` is valid (our contract).
        Level::Scalar => unsafe {
            if P == 1 {
                multiply_block::<Scalar, { SCALAR_TILE.0 }, { SCALAR_TILE.1 }, 1>(Scalar, block);
            } else {
                multiply_block::<Scalar, { SCALAR_TILE.0 / 2 }, { SCALAR_TILE.1 }, 2>(
                    Scalar, block,
                );
            }
        },
        // SAFETY: the token proves the CPU supports AVX2 and FMA; `block` is
        // valid (our contract).
        #[cfg(target_arch = "x86_64")]
        Level::Avx2(token) => unsafe { x86::avx2::<P>(token, block) },
        // SAFETY: the token proves the CPU supports every feature `avx512`
        // is compiled with; `block` is valid (our contract).
        #[cfg(target_arch = "x86_64")]
        Level::Avx512(token) => unsafe { x86::avx512::<P>(token, block) },
    }
}

/// Runs `f` inside a function compiled for the widest level `isa` allows
/// that this CPU supports, so that loops in `f` (a closure the compiler
/// inlines into that function) are vectorised for it.
#[inline]
pub(crate) fn vectorized<R>(isa: Isa, f: impl FnOnce() -> R) -> R {
    match Tiling::new(isa).0 {
        Level::Scalar => f(),
        #[cfg(target_arch = "x86_64")]
        Level::Avx2(token) => x86::call_avx2(token, f),
        #[cfg(target_arch = "x86_64")]
        Level::Avx512(token) => x86::call_avx512(token, f),
    }
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
    /// Lane-wise `a − b`.
    fn sub(self, a: Self::V, b: Self::V) -> Self::V;
    /// Lane-wise `a · b + c`: fused (rounded once) for the vector tokens,
    /// multiply then add (rounded twice) for [`Scalar`].
    fn mul_add(self, a: Self::V, b: Self::V, c: Self::V) -> Self::V;
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

/// Baseline code: one double per "vector" (whatever the compiler makes of
/// it; it may pair them into SSE2 vectors, never fuse them).
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
    fn sub(self, a: f64, b: f64) -> f64 {
        a - b
    }
    #[inline(always)]
    fn mul_add(self, a: f64, b: f64, c: f64) -> f64 {
        a * b + c
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

/// The whole block, panel by panel: within a panel, row blocks of `MR` rows
/// (then 4, 2, 1 for the rest) run over the same panel, which stays in the
/// L1 cache (100 rows × 24 columns are 19 KB), while the few rows of `l`
/// they need stream in once per panel. The last panel may be narrower than
/// `NV` vectors. `P` is 1 for a plain product, 2 for a mirrored one.
///
/// # Safety
/// The CPU supports `T`'s instructions (a token exists), `block` is valid
/// (for `P = 2` with a valid `mirror`) and `block.width == NV · T::WIDTH`.
#[inline(always)]
unsafe fn multiply_block<T: Lanes, const MR: usize, const NV: usize, const P: usize>(
    t: T,
    block: &Block,
) {
    for panel in 0..block.panels {
        let stored = (block.cols - panel * block.width).min(block.width);
        let offset = panel * block.out_panel;
        // SAFETY: `panel < panels`, so this panel and its output columns
        // (and, for `P = 2`, their mirrors) are in the block; `stored`
        // columns of it may be written. The mirror pointer is only offset,
        // never dereferenced, for `P = 1`.
        unsafe {
            let r = block.r.add(panel * block.r_panel);
            let out = (block.out.add(offset), block.mirror.wrapping_add(offset));
            match stored.div_ceil(T::WIDTH) {
                1 => panel_rows::<T, MR, 1, P>(t, block, r, out, stored),
                2 => panel_rows::<T, MR, 2, P>(t, block, r, out, stored),
                3 => panel_rows::<T, MR, 3, P>(t, block, r, out, stored),
                4 => panel_rows::<T, MR, 4, P>(t, block, r, out, stored),
                _ => unreachable!("tiles are at most 4 vectors wide"),
            }
        }
    }
}

/// Every row of the block against one panel, `NV` vectors of it (`stored`
/// columns, `(NV − 1) · WIDTH < stored <= NV · WIDTH`); `out` is the panel's
/// first output column in row 0 and in row 0's mirror.
///
/// # Safety
/// As [`multiply_block`]; `r` and `out` point at one panel of the block and
/// its output, `NV · WIDTH <= block.width`.
#[inline(always)]
unsafe fn panel_rows<T: Lanes, const MR: usize, const NV: usize, const P: usize>(
    t: T,
    block: &Block,
    r: *const f64,
    out: (*mut f64, *mut f64),
    stored: usize,
) {
    let mut row = 0;
    while row + MR <= block.rows {
        // SAFETY: rows `row..row + MR` are within the block (our contract).
        unsafe { tile_store::<T, MR, NV, P>(t, block, r, out, row, stored) };
        row += MR;
    }
    if MR > 4 && row + 4 <= block.rows {
        // SAFETY: rows `row..row + 4` are within the block.
        unsafe { tile_store::<T, 4, NV, P>(t, block, r, out, row, stored) };
        row += 4;
    }
    if MR > 2 && row + 2 <= block.rows {
        // SAFETY: rows `row..row + 2` are within the block.
        unsafe { tile_store::<T, 2, NV, P>(t, block, r, out, row, stored) };
        row += 2;
    }
    while row < block.rows {
        // SAFETY: row `row` is within the block.
        unsafe { tile_store::<T, 1, NV, P>(t, block, r, out, row, stored) };
        row += 1;
    }
}

/// The tile of rows `row..row + MR` against one panel, stored up to column
/// `stored` of the panel (the last vector masked if it is partial): the
/// sums themselves for `P = 1`; for `P = 2`, `O + E` into each row and
/// `O − E` into its mirror, where `O` and `E` sum the even and odd `k`.
///
/// # Safety
/// As [`panel_rows`], `row + MR <= block.rows`.
#[inline(always)]
unsafe fn tile_store<T: Lanes, const MR: usize, const NV: usize, const P: usize>(
    t: T,
    block: &Block,
    r: *const f64,
    (out, mirror): (*mut f64, *mut f64),
    row: usize,
    stored: usize,
) {
    // SAFETY: rows `row..row + MR` of `l`, of the output and (`P = 2`) of
    // the mirrors are in the block; the tile reads `NV · WIDTH <= width`
    // columns of each panel row.
    unsafe {
        let l = block.l.add(row * block.l_stride);
        let acc = tile::<T, MR, NV, P>(t, l, block.l_stride, r, block.width, block.inner);
        // For `P = 1` both halves are the one set of sums.
        let (even, odd) = (&acc[0], &acc[P - 1]);
        for (i, (even_row, odd_row)) in even.iter().zip(odd).enumerate() {
            let out_row = out.add((row + i) * block.out_row);
            for (v, (&even, &odd)) in even_row.iter().zip(odd_row).enumerate() {
                if P == 1 {
                    store_vector(t, out_row, v, even, stored);
                } else {
                    store_vector(t, out_row, v, t.add(even, odd), stored);
                    let mirror_row = mirror.sub((row + i) * block.out_row);
                    store_vector(t, mirror_row, v, t.sub(even, odd), stored);
                }
            }
        }
    }
}

/// Stores vector `v` of a tile row at `p` (the row's first column of the
/// panel), masked to the panel's first `stored` columns.
///
/// # Safety
/// `v · WIDTH < stored` and `p..p + stored` is writable.
#[inline(always)]
unsafe fn store_vector<T: Lanes>(t: T, p: *mut f64, v: usize, value: T::V, stored: usize) {
    let first = v * T::WIDTH;
    // SAFETY: columns `first..first + WIDTH` (or `..stored` for a partial
    // last vector, masked) are writable (our contract).
    unsafe {
        if first + T::WIDTH <= stored {
            t.store(p.add(first), value);
        } else {
            t.store_first(p.add(first), value, stored - first);
        }
    }
}

/// One step of a tile's sums: `acc[i][v] += l[i][k] · r[v·W ..]`.
///
/// # Safety
/// As [`tile`], `k < inner`, `r` points at row `k` of the panel.
#[inline(always)]
unsafe fn step<T: Lanes, const MR: usize, const NV: usize>(
    t: T,
    acc: &mut [[T::V; NV]; MR],
    l: *const f64,
    l_stride: usize,
    k: usize,
    r: *const f64,
) {
    let mut right = [t.zero(); NV];
    for (v, value) in right.iter_mut().enumerate() {
        // SAFETY: row `k < inner` of the panel, columns within the tile.
        *value = unsafe { t.load(r.add(v * T::WIDTH)) };
    }
    for (i, acc_row) in acc.iter_mut().enumerate() {
        // SAFETY: row `i < MR` of `l`, column `k < inner`.
        let factor = t.splat(unsafe { *l.add(i * l_stride + k) });
        for (a, &value) in acc_row.iter_mut().zip(&right) {
            *a = t.mul_add(factor, value, *a);
        }
    }
}

/// The register tile: `P × MR × NV` vectors, `acc[p][i][v] = Σ_{k ≡ p mod
/// P} l[i][k] · r[k][v·W ..]` summed in increasing `k` from zero, one
/// [`Lanes::mul_add`] per step.
///
/// # Safety
/// `l` points at `MR` rows (stride `l_stride`) of at least `inner` readable
/// doubles; `r + k · r_stride .. + NV · WIDTH` is readable for every
/// `k < inner`.
#[inline(always)]
unsafe fn tile<T: Lanes, const MR: usize, const NV: usize, const P: usize>(
    t: T,
    l: *const f64,
    l_stride: usize,
    r: *const f64,
    r_stride: usize,
    inner: usize,
) -> [[[T::V; NV]; MR]; P] {
    let mut acc = [[[t.zero(); NV]; MR]; P];
    let mut r = r;
    let mut k = 0;
    while k + P <= inner {
        for (p, acc) in acc.iter_mut().enumerate() {
            // SAFETY: `k + p < inner`, and `r` plus `p` rows is panel row `k + p`.
            unsafe { step(t, acc, l, l_stride, k + p, r.wrapping_add(p * r_stride)) };
        }
        k += P;
        // The pointer after the last row is never dereferenced.
        r = r.wrapping_add(P * r_stride);
    }
    for (p, acc) in acc.iter_mut().enumerate().take(inner - k) {
        // SAFETY: `k + p < inner`, and `r` plus `p` rows is panel row `k + p`.
        unsafe { step(t, acc, l, l_stride, k + p, r.wrapping_add(p * r_stride)) };
    }
    acc
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use std::arch::x86_64::{
        __m256d, __m512d, _mm256_add_pd, _mm256_cmpgt_epi64, _mm256_fmadd_pd, _mm256_loadu_pd,
        _mm256_maskstore_pd, _mm256_set1_epi64x, _mm256_set1_pd, _mm256_setr_epi64x,
        _mm256_setzero_pd, _mm256_storeu_pd, _mm256_sub_pd, _mm512_add_pd, _mm512_fmadd_pd,
        _mm512_loadu_pd, _mm512_mask_storeu_pd, _mm512_set1_pd, _mm512_setzero_pd,
        _mm512_storeu_pd, _mm512_sub_pd,
    };

    use kernels_core::Isa;

    use super::{Block, Lanes, multiply_block};

    /// Tile rows and vectors with AVX2: 4 × 3 (12 accumulators, 3 loads
    /// and a broadcast of the 16 ymm registers).
    pub(super) const AVX2_TILE: (usize, usize) = (4, 3);

    /// Tile rows and vectors with AVX-512: 8 × 3 (24 accumulators of the 32
    /// zmm registers: two FMA units of latency 4 need at least 8 independent
    /// sums, and 3 loads plus 8 broadcasts per 24 FMAs leave the load ports
    /// idle half the time).
    pub(super) const AVX512_TILE: (usize, usize) = (8, 3);

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
    /// (`$fmadd(a, b, c) = a·b + c` fused, `$store_first(p, v, count)`
    /// stores the first `count` lanes).
    macro_rules! vector_lanes {
        ($token:ty, $v:ty, $w:expr, $zero:ident, $set1:ident, $add:ident, $sub:ident,
         $fmadd:ident, $load:ident, $store:ident, $store_first:ident) => {
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
                fn sub(self, a: $v, b: $v) -> $v {
                    // SAFETY: the token proves the CPU supports the intrinsic.
                    unsafe { $sub(a, b) }
                }
                #[inline(always)]
                fn mul_add(self, a: $v, b: $v, c: $v) -> $v {
                    // SAFETY: the token proves the CPU supports the intrinsic
                    // (`Isa::Avx2` includes FMA; AVX-512 F has its own).
                    unsafe { $fmadd(a, b, c) }
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
        _mm256_sub_pd,
        _mm256_fmadd_pd,
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
        _mm512_sub_pd,
        _mm512_fmadd_pd,
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

    /// Calls `f` compiled for AVX2 + FMA (the token proves support; Rust
    /// never contracts a multiply and an add into an FMA by itself).
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

    /// The block compiled for AVX-512, in tiles of [`AVX512_TILE`] (half
    /// the rows, each with a mirror, for `P = 2`).
    ///
    /// # Safety
    /// `block` is valid (see [`Block`]) with panels of `8 · AVX512_TILE.1`
    /// columns.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
    pub(super) unsafe fn avx512<const P: usize>(token: Avx512, block: &Block) {
        const MR: usize = AVX512_TILE.0;
        const NV: usize = AVX512_TILE.1;
        // SAFETY: the token proves CPU support; `block` is valid.
        unsafe {
            if P == 1 {
                multiply_block::<Avx512, MR, NV, 1>(token, block);
            } else {
                multiply_block::<Avx512, { MR / 2 }, NV, 2>(token, block);
            }
        }
    }

    /// The block compiled for AVX2 + FMA, in tiles of [`AVX2_TILE`] (half
    /// the rows, each with a mirror, for `P = 2`).
    ///
    /// # Safety
    /// `block` is valid (see [`Block`]) with panels of `4 · AVX2_TILE.1`
    /// columns.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn avx2<const P: usize>(token: Avx2, block: &Block) {
        const MR: usize = AVX2_TILE.0;
        const NV: usize = AVX2_TILE.1;
        // SAFETY: the token proves CPU support; `block` is valid.
        unsafe {
            if P == 1 {
                multiply_block::<Avx2, MR, NV, 1>(token, block);
            } else {
                multiply_block::<Avx2, { MR / 2 }, NV, 2>(token, block);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::testing::{THREAD_COUNTS, in_pool};
    use kernels_core::{Parallel, Serial};

    /// `l · r` summed in order `k = 0, 1, …` from zero, each step fused or
    /// not: the bits every tiling must reproduce.
    fn reference(
        l: &[f64],
        r: &[f64],
        (rows, inner, cols): (usize, usize, usize),
        fused: bool,
    ) -> Vec<f64> {
        let mut out = vec![0.0; rows * cols];
        for i in 0..rows {
            for j in 0..cols {
                let mut sum = 0.0;
                for k in 0..inner {
                    let (a, b) = (l[i * inner + k], r[k * cols + j]);
                    sum = if fused {
                        a.mul_add(b, sum)
                    } else {
                        a * b + sum
                    };
                }
                out[i * cols + j] = sum;
            }
        }
        out
    }

    /// Reads a packed matrix back in row-major order, padding included.
    fn unpack(panels: &Panels) -> Vec<f64> {
        let padded_cols = panels.count() * panels.width;
        let mut out = vec![0.0; panels.rows * padded_cols];
        for (p, panel) in panels.data.chunks_exact(panels.panel_len()).enumerate() {
            for (k, row) in panel.chunks_exact(panels.width).enumerate() {
                let start = k * padded_cols + p * panels.width;
                out[start..start + panels.width].copy_from_slice(row);
            }
        }
        out
    }

    /// Test values of both signs that are not exact in binary, so that
    /// fused and separate steps round differently.
    fn values(len: usize, seed: usize) -> Vec<f64> {
        (0..len)
            .map(|i| ((i * seed % 101) as f64 - 50.0) / 7.0)
            .collect()
    }

    /// Shapes around every tile and panel size, edge tiles in both
    /// directions, and products large enough to be split into chunks.
    const SHAPES: [(usize, usize, usize); 9] = [
        (1, 1, 1),
        (7, 3, 5),
        (15, 15, 101),
        (19, 9, 33),
        (9, 1, 24),
        (13, 5, 25),
        (300, 7, 26),
        (601, 20, 43),
        (40, 100, 97),
    ];

    #[test]
    fn every_tiling_and_shape_matches_its_ordered_sum_bit_for_bit() {
        for shape @ (rows, inner, cols) in SHAPES {
            let l = values(rows * inner, 37);
            let r = values(inner * cols, 53);
            for isa in Isa::supported() {
                let tiling = Tiling::new(isa);
                let expected = reference(&l, &r, shape, tiling.fused());
                let left = Left {
                    data: &l,
                    stride: inner,
                    rows,
                };
                let right = Panels::pack::<Serial>(&r, cols, inner, cols, tiling, Schedule::Static);
                let serial = multiply::<Serial>(left, &right, tiling, Schedule::Static);
                for (s, e) in serial.iter().zip(&expected) {
                    assert_eq!(s.to_bits(), e.to_bits(), "{isa} {rows}×{inner}×{cols}");
                }
                for threads in THREAD_COUNTS {
                    for schedule in Schedule::ALL {
                        let parallel = in_pool(threads, || {
                            multiply::<Parallel>(left, &right, tiling, schedule)
                        });
                        assert_eq!(serial, parallel, "{isa} {rows}×{inner}×{cols} {threads}");
                    }
                }
            }
        }
    }

    /// A `rows × inner` left factor whose rows are mirror pairs: row
    /// `rows − 1 − j` is row `j` with the odd-indexed entries negated, for
    /// `0 < j < rows − 1 − j`; rows 0, `rows − 1` and the middle row are
    /// unrelated.
    fn mirrored_left(rows: usize, inner: usize) -> Vec<f64> {
        let mut l = values(rows * inner, 43);
        for j in 1..rows.saturating_sub(1) / 2 + 1 {
            let mirror = rows - 1 - j;
            if mirror <= j {
                break;
            }
            for k in 0..inner {
                let value = l[j * inner + k];
                l[mirror * inner + k] = if k % 2 == 0 { value } else { -value };
            }
        }
        l
    }

    /// The bits a mirrored product must give: the plain ordered sums for
    /// rows 0, `rows − 1` and the middle row, `O ± E` for the pairs.
    fn mirrored_reference(
        l: &[f64],
        r: &[f64],
        (rows, inner, cols): (usize, usize, usize),
        fused: bool,
    ) -> Vec<f64> {
        let mut out = reference(l, r, (rows, inner, cols), fused);
        let pairs = rows.saturating_sub(2) / 2;
        for j in 1..=pairs {
            for c in 0..cols {
                let mut sums = [0.0; 2];
                for k in 0..inner {
                    let (a, b) = (l[j * inner + k], r[k * cols + c]);
                    let sum = &mut sums[k % 2];
                    *sum = if fused {
                        a.mul_add(b, *sum)
                    } else {
                        a * b + *sum
                    };
                }
                out[j * cols + c] = sums[0] + sums[1];
                out[(rows - 1 - j) * cols + c] = sums[0] - sums[1];
            }
        }
        out
    }

    #[test]
    fn mirrored_products_match_their_split_sums_bit_for_bit() {
        // Row counts with and without a middle row, too few for any pair,
        // odd and even sums, edge panels, and one product of many chunks.
        for shape @ (rows, inner, cols) in [
            (2, 3, 5),
            (3, 4, 9),
            (4, 1, 7),
            (5, 2, 30),
            (10, 5, 25),
            (17, 15, 101),
            (40, 100, 97),
            (801, 30, 43),
        ] {
            let l = mirrored_left(rows, inner);
            let r = values(inner * cols, 31);
            let left = Left {
                data: &l,
                stride: inner,
                rows,
            };
            // Only the upper rows and the last are passed.
            let upper = Left {
                rows: rows - 1 - (rows - 2) / 2,
                ..left
            };
            let last = &l[(rows - 1) * inner..];
            for isa in Isa::supported() {
                let tiling = Tiling::new(isa);
                let expected = mirrored_reference(&l, &r, shape, tiling.fused());
                let right = Panels::pack::<Serial>(&r, cols, inner, cols, tiling, Schedule::Static);
                let mirrored = |schedule| {
                    multiply_mirrored::<Parallel>(upper, last, rows, &right, tiling, schedule)
                };
                let serial = multiply_mirrored::<Serial>(
                    upper,
                    last,
                    rows,
                    &right,
                    tiling,
                    Schedule::Static,
                );
                for (s, e) in serial.iter().zip(&expected) {
                    assert_eq!(s.to_bits(), e.to_bits(), "{isa} {rows}×{inner}×{cols}");
                }
                for threads in THREAD_COUNTS {
                    for schedule in Schedule::ALL {
                        let parallel = in_pool(threads, || mirrored(schedule));
                        assert_eq!(serial, parallel, "{isa} {rows}×{inner}×{cols} {threads}");
                    }
                }
                // Only the summation order differs from the plain product.
                let plain = multiply::<Serial>(left, &right, tiling, Schedule::Static);
                let scale = plain.iter().fold(0.0_f64, |m, x| m.max(x.abs()));
                for (m, p) in serial.iter().zip(&plain) {
                    assert!(
                        (m - p).abs() <= 1e-13 * scale,
                        "{isa} {rows}×{inner}×{cols}"
                    );
                }
            }
        }
    }

    #[test]
    fn mirrored_rows_split_with_their_mirrors() {
        let mut top: Vec<MaybeUninit<f64>> = (0..6).map(|i| MaybeUninit::new(i as f64)).collect();
        let mut bottom: Vec<MaybeUninit<f64>> =
            (0..6).map(|i| MaybeUninit::new(10.0 + i as f64)).collect();
        let rows = MirroredRows {
            top: &mut top,
            bottom: &mut bottom,
        };
        assert!(rows.lengths_agree());
        let (head, tail) = rows.split_at(2);
        let read = |x: &[MaybeUninit<f64>]| -> Vec<f64> {
            x.iter()
                // SAFETY: every element was initialised above.
                .map(|v| unsafe { v.assume_init() })
                .collect()
        };
        assert_eq!(read(head.top), [0.0, 1.0]);
        assert_eq!(read(head.bottom), [14.0, 15.0]);
        assert_eq!(read(tail.top), [2.0, 3.0, 4.0, 5.0]);
        assert_eq!(read(tail.bottom), [10.0, 11.0, 12.0, 13.0]);
    }

    #[test]
    fn packed_products_are_the_row_major_ones_with_zero_padding() {
        for (rows, inner, cols) in SHAPES {
            let l = values(rows * inner, 41);
            let r = values(inner * cols, 29);
            for isa in Isa::supported() {
                let tiling = Tiling::new(isa);
                let left = Left {
                    data: &l,
                    stride: inner,
                    rows,
                };
                let right = Panels::pack::<Serial>(&r, cols, inner, cols, tiling, Schedule::Static);
                let row_major = multiply::<Serial>(left, &right, tiling, Schedule::Static);
                let packed = multiply_packed::<Serial>(left, &right, tiling, Schedule::Static);
                assert_eq!((packed.rows, packed.cols), (rows, cols));
                let expected =
                    Panels::pack::<Serial>(&row_major, cols, rows, cols, tiling, Schedule::Static);
                assert_eq!(packed, expected, "{isa} {rows}×{inner}×{cols}");
                for threads in THREAD_COUNTS {
                    let parallel = in_pool(threads, || {
                        multiply_packed::<Parallel>(left, &right, tiling, Schedule::Dynamic)
                    });
                    assert_eq!(parallel, packed, "{isa} {rows}×{inner}×{cols} {threads}");
                }
            }
        }
    }

    #[test]
    fn fused_and_separate_steps_differ_by_rounding_only() {
        let (rows, inner, cols) = (40, 100, 97);
        let l = values(rows * inner, 37);
        let r = values(inner * cols, 53);
        let fused = reference(&l, &r, (rows, inner, cols), true);
        let separate = reference(&l, &r, (rows, inner, cols), false);
        assert_ne!(fused, separate, "the test values must round differently");
        for (i, (f, s)) in fused.iter().zip(&separate).enumerate() {
            let (row, col) = (i / cols, i % cols);
            let magnitude: f64 = (0..inner)
                .map(|k| (l[row * inner + k] * r[k * cols + col]).abs())
                .sum();
            // Each ordered sum is within inner·u·Σ|lₖ·rₖ| of the exact one.
            assert!((f - s).abs() <= inner as f64 * f64::EPSILON * magnitude);
        }
    }

    #[test]
    fn packing_keeps_the_values_and_zeros_the_padding() {
        let (rows, cols, stride) = (5, 27, 30);
        let src = values(rows * stride, 13);
        for isa in Isa::supported() {
            let tiling = Tiling::new(isa);
            let serial = Panels::pack::<Serial>(&src, stride, rows, cols, tiling, Schedule::Static);
            let parallel =
                Panels::pack::<Parallel>(&src, stride, rows, cols, tiling, Schedule::Dynamic);
            assert_eq!(serial, parallel);
            let padded_cols = serial.count() * serial.width;
            assert!(padded_cols >= cols && padded_cols - cols < serial.width);
            for (k, row) in unpack(&serial).chunks_exact(padded_cols).enumerate() {
                assert_eq!(row[..cols], src[k * stride..k * stride + cols]);
                assert!(row[cols..].iter().all(|&x| x == 0.0));
            }
        }
    }

    #[test]
    fn small_product_is_exact() {
        // [1 2; 3 4; 5 6] · [1 0 2; 0 1 3]
        let l = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let r = [1.0, 0.0, 2.0, 0.0, 1.0, 3.0];
        for isa in Isa::supported() {
            let tiling = Tiling::new(isa);
            let left = Left {
                data: &l,
                stride: 2,
                rows: 3,
            };
            let right = Panels::pack::<Serial>(&r, 3, 2, 3, tiling, Schedule::Static);
            let out = multiply::<Serial>(left, &right, tiling, Schedule::Static);
            assert_eq!(out, [1.0, 2.0, 8.0, 3.0, 4.0, 18.0, 5.0, 6.0, 28.0]);
            assert_eq!(
                multiply::<Parallel>(left, &right, tiling, Schedule::Static),
                out
            );
        }
    }

    #[test]
    fn empty_sums_and_shapes_are_zero_or_empty() {
        for isa in Isa::supported() {
            let tiling = Tiling::new(isa);
            let left = Left {
                data: &[],
                stride: 0,
                rows: 5,
            };
            let right = Panels::pack::<Serial>(&[], 3, 0, 3, tiling, Schedule::Static);
            assert_eq!(
                multiply::<Parallel>(left, &right, tiling, Schedule::Static),
                vec![0.0; 15]
            );
            let packed = multiply_packed::<Serial>(left, &right, tiling, Schedule::Static);
            assert_eq!(packed.data, vec![0.0; 5 * packed.width]);
            let none = Left { rows: 0, ..left };
            assert!(multiply::<Serial>(none, &right, tiling, Schedule::Static).is_empty());
        }
    }

    #[test]
    fn the_panel_width_is_a_whole_tile() {
        assert_eq!(Tiling::new(Isa::Scalar).panel_width(), SCALAR_TILE.1);
        assert!(!Tiling::new(Isa::Scalar).fused());
        for isa in Isa::supported() {
            let tiling = Tiling::new(isa);
            assert_eq!(tiling.panel_width() % isa.f64_lanes(), 0);
            assert_eq!(tiling.fused(), isa != Isa::Scalar);
        }
    }

    #[test]
    fn small_products_are_one_chunk_large_ones_aligned() {
        // The published products are one chunk each.
        assert_eq!(rows_per_chunk(101, 15, 101, ROW_ALIGN), 101);
        assert_eq!(rows_per_chunk(15, 15, 101, ROW_ALIGN), 15);
        assert_eq!(rows_per_chunk(1, 1, 1, ROW_ALIGN), 1);
        // The 499 row pairs of the large case: 12 a chunk (1.2 M
        // multiply-adds), 42 chunks.
        assert_eq!(rows_per_chunk(499, 100, 1001, MIRRORED_ROW_ALIGN), 12);
        assert_eq!(rows_per_chunk(1001, 100, 1001, ROW_ALIGN), 16);
        // Fewer multiply-adds per chunk rather than fewer than 16 chunks.
        assert_eq!(rows_per_chunk(1001, 15, 1001, ROW_ALIGN), 64);
        for (rows, inner, cols) in [(1000, 1000, 1000), (1000, 3, 100), (17, 1, 1 << 20)] {
            for align in [ROW_ALIGN, MIRRORED_ROW_ALIGN] {
                let chunk = rows_per_chunk(rows, inner, cols, align);
                assert_eq!(chunk % align, 0);
                assert!(
                    chunk * inner * cols >= ROW_CHUNK_MULTIPLY_ADDS
                        || rows.div_ceil(chunk) >= ROW_CHUNKS
                        || chunk == align
                );
            }
        }
        // T = C · Sx of the published case is one chunk, of the large case
        // one panel a chunk.
        assert_eq!(panels_per_chunk(5, 15, 15, 24), 5);
        assert_eq!(panels_per_chunk(42, 100, 100, 24), 1);
        assert_eq!(panels_per_chunk(100_000, 1, 1, 4), 1024);
    }

    #[test]
    fn tables_pass_global_row_indices() {
        let cols = 4000; // 4 rows per chunk
        let serial = table::<Serial, _>(10, cols, Schedule::Static, |row, out| {
            out.fill(row as f64);
        });
        for (row, values) in serial.chunks_exact(cols).enumerate() {
            assert!(values.iter().all(|&v| v == row as f64));
        }
        let parallel = table::<Parallel, _>(10, cols, Schedule::Dynamic, |row, out| {
            out.fill(row as f64);
        });
        assert_eq!(parallel, serial);
        assert!(table::<Serial, _>(5, 0, Schedule::Static, |_, _| {}).is_empty());
    }

    #[test]
    fn panels_from_rows_pass_rows_and_column_ranges() {
        // 3 × 77: several panels, several chunks of them (1000 rows), a
        // partial last panel.
        for (rows, cols) in [(3, 77), (1000, 77), (2, 1), (0, 5)] {
            let expected: Vec<f64> = (0..rows * cols).map(|i| i as f64).collect();
            for isa in Isa::supported() {
                let tiling = Tiling::new(isa);
                let fill = |row: usize, first: usize, out: &mut [f64]| {
                    for (i, value) in out.iter_mut().enumerate() {
                        *value = (row * cols + first + i) as f64;
                    }
                };
                let serial =
                    Panels::from_rows::<Serial, _>(rows, cols, tiling, Schedule::Static, fill);
                let parallel =
                    Panels::from_rows::<Parallel, _>(rows, cols, tiling, Schedule::Guided, fill);
                assert_eq!(serial, parallel);
                let packed =
                    Panels::pack::<Serial>(&expected, cols, rows, cols, tiling, Schedule::Static);
                assert_eq!(serial, packed);
            }
        }
    }
}
