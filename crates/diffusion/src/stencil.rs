//! The hot loops, shared by the simulations, the kernels and the C ABI.
//!
//! Each update is `c + k·(n1 + n2 + n3 + n4 − 4·c)` (2-D) or
//! `c + k·(n1 + n2 − 2·c)` (1-D), evaluated left to right exactly like the
//! reference, with the neighbours in the order of the reference for the
//! boundary at hand:
//!
//! * periodic (NumPy `roll`): `u[i−1] + u[i+1] + u[j−1] + u[j+1]`;
//! * fixed (the C loop): `u[i+1] + u[i−1] + u[j+1] + u[j−1]`.
//!
//! Floating-point addition is not associative, so keeping the order is what
//! makes the fast path bit-identical to the reference. Both orders use the
//! same loop: only the roles of the shifted slices change.

use std::sync::{Mutex, PoisonError, TryLockError};

use kernels_core::{Backend, Isa, Schedule};

use crate::Boundary;
use crate::bands::{self, GridRows};
use crate::grid2d::{LINE, aligned_zeros, line_offset};
use crate::layout::{self, Direction};
use crate::simd::{Lanes, WithLanes, cell_1d, dispatch, lane_width};
use crate::tiles::{self, Tiling};

/// A run of whole output rows `first..` of one step, as dispatched work.
struct StepRows<'a> {
    out: &'a mut [f64],
    input: &'a [f64],
    first: usize,
    shape: (usize, usize),
    k: f64,
    boundary: Boundary,
}

impl WithLanes for StepRows<'_> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        let (rows, cols) = self.shape;
        let row = |r: usize| &self.input[r * cols..(r + 1) * cols];
        for (offset, out_row) in self.out.chunks_exact_mut(cols).enumerate() {
            let i = self.first + offset;
            match self.boundary {
                Boundary::Periodic => {
                    let (above, below) = (row((i + rows - 1) % rows), row((i + 1) % rows));
                    lanes.run_2d_row(out_row, (row(i), above, below), self.k, self.boundary);
                }
                Boundary::Fixed => {
                    if i != 0 && i + 1 != rows {
                        let (above, below) = (row(i - 1), row(i + 1));
                        lanes.run_2d_row(out_row, (row(i), above, below), self.k, self.boundary);
                    }
                }
            }
        }
    }
}

/// Calls `f(index, first_row, out)` on backend `B` for every block `out` of
/// `block_rows` whole output rows (the last may be shorter), `first_row`
/// being the block's first row: the chunking shared by the 2-D and the 1-D
/// step (a line of `n` cells is `n` rows of one cell).
/// `input` and `output` are `rows × cols`, row-major; blocks depend only on
/// the grid size and `block_rows`, never on the backend.
#[inline(always)]
fn for_each_row_block<B: Backend>(
    input: &[f64],
    output: &mut [f64],
    (rows, cols): (usize, usize),
    block_rows: usize,
    schedule: Schedule,
    f: impl Fn(usize, usize, &mut [f64]) + Sync + Send,
) {
    debug_assert_eq!(input.len(), rows * cols);
    debug_assert_eq!(output.len(), rows * cols);
    let block_rows = block_rows.clamp(1, rows.max(1));
    B::for_each_chunk(
        output,
        block_rows * cols,
        schedule,
        |index, out: &mut [f64]| f(index, index * block_rows, out),
    );
}

/// One 2-D step from `input` into `output` (both `rows × cols`, row-major),
/// in chunks of `rows_per_chunk` whole rows, each chunk's loop compiled for
/// `isa`.
///
/// Fixed boundaries need `rows, cols ≥ 3` and leave rows `0`, `rows − 1` and
/// columns `0`, `cols − 1` untouched; periodic boundaries accept any size ≥ 1.
#[allow(clippy::too_many_arguments)]
pub(crate) fn step_2d<B: Backend>(
    isa: Isa,
    input: &[f64],
    output: &mut [f64],
    (rows, cols): (usize, usize),
    k: f64,
    boundary: Boundary,
    rows_per_chunk: usize,
    schedule: Schedule,
) {
    for_each_row_block::<B>(
        input,
        output,
        (rows, cols),
        rows_per_chunk,
        schedule,
        |_, first, out| {
            let work = StepRows {
                out,
                input,
                first,
                shape: (rows, cols),
                k,
                boundary,
            };
            dispatch(isa, work);
        },
    );
}

/// How a multi-step run is cut into passes over memory: each pass advances
/// `time_block` steps, band by band of `band_rows` output rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Blocking {
    /// Steps fused into one pass over memory (≥ 1).
    pub(crate) time_block: usize,
    /// Output rows per band (≥ 1); bands are the parallel chunks.
    pub(crate) band_rows: usize,
    /// Output columns per strip (≥ 1, about): the tiles of a band (see
    /// [`strips`]); at least the width for whole rows.
    pub(crate) strip_cols: usize,
}

impl Blocking {
    /// The default for a `rows × cols` grid (a function of the size only).
    ///
    /// The intermediate rows of a band live in a ring of `4·(T − 1)` scratch
    /// rows (rows are computed in pairs, from the four rows around them).
    /// When that ring fits in 28 KiB with `T ≥ 3` (grids up to about 420
    /// columns), `T` is the largest that fits, up to 8: with the rows in
    /// flight the whole working set then stays in a core's 48 KiB L1 data
    /// cache. Wider rows cannot stay in L1 for any useful `T`; the ring
    /// then lives in L2 (≥ 1 MiB per core on the targets we care about) and
    /// a deep `T` (up to 16, about 860 KiB of ring) cuts the traffic to
    /// memory to ≈ 16/`T` bytes per update. Grids so wide that not even two
    /// steps fit step one pass at a time.
    ///
    /// At 512² that puts the ring in L2 with `T = 16`, where one-row
    /// updates used an L1 ring with `T = 3`: the pairs' fewer loads win
    /// more than L1 did (a pair ring with `T = 3` overflows L1 and ran 7%
    /// slower than one-row updates; `T = 6…16` ran 3–8% faster, all
    /// within a few per cent of each other).
    ///
    /// A band recomputes `T·(T − 1)` rows of its neighbours' (the trapezoid
    /// "ghost zone"), a fraction `(T − 1)/band_rows` of its own work, so
    /// bands are about `32·T` rows tall (≥ 64); their number is rounded up
    /// to a multiple of 4 and the rows shared evenly, so that two threads
    /// get at least two equal bands each when the grid is tall enough
    /// (bands stay at least `4·T` rows tall).
    ///
    /// Bands are not cut into column strips ([`crate::tiles`]): a ring in
    /// L1 holds only a shallow `T` at any useful strip width (`T = 8` on
    /// 128 columns), so each pass moves the grid twice as often as whole
    /// rows with `T = 16`, and the strips read it in short pieces of rows.
    /// On two cores they measured 1.3× slower than whole rows at 512²
    /// (best 47 against 35 ms) and at 2048² (best 360 against 314 ms),
    /// with `T` from 4 to 16 and strips of 128 to 504 columns.
    pub(crate) fn for_grid(rows: usize, cols: usize) -> Self {
        const L1_RING_BYTES: usize = 28 << 10;
        const L2_RING_BYTES: usize = 860 << 10;
        const MAX_T: usize = 16;
        let row_bytes = RING_ROWS * scratch_stride(cols) * 8;
        let in_l1 = 1 + L1_RING_BYTES / row_bytes;
        let time_block = if in_l1 >= 3 {
            in_l1.min(8)
        } else {
            (1 + L2_RING_BYTES / row_bytes).clamp(1, MAX_T)
        };
        let tall = (32 * time_block).max(64);
        let bands = rows.div_ceil(tall).next_multiple_of(4);
        // …but never below 4·T rows (ghost work ≤ 25 %) unless the grid is.
        let band_rows = rows.div_ceil(bands).max((4 * time_block).min(rows)).max(1);
        Blocking {
            time_block,
            band_rows,
            strip_cols: cols,
        }
    }
}

/// Scratch rows per level of a band: a level's rows are computed in pairs,
/// each pair from the four rows around it one level down.
const RING_ROWS: usize = 4;

/// The distance, in values, between consecutive rows of a band's scratch
/// ring for a grid `cols` wide: `cols` rounded up to whole cache lines, plus
/// padding so that two scratch rows are never a multiple of 4 KiB apart
/// (nor close to one).
///
/// Why: a load whose address matches an earlier, still pending store in
/// its low 12 bits is held back until the store's full address is known
/// ("4K aliasing"). With rows of exactly 512 values (4 KiB) every row of
/// the ring sits at the same page offset, so the shifted neighbour loads of
/// one row collide with the stores of the row just written. Padding each
/// row by a few cache lines moves the rows to different page offsets;
/// line-aligned rows also keep the output stores and the `c`, `i ± 1` loads
/// from splitting across cache lines.
pub(crate) fn scratch_stride(cols: usize) -> usize {
    cols.div_ceil(LINE) * LINE + 3 * LINE
}

/// Scratch buffers for the bands of a pass, allocated once per run. A band
/// takes any free slot; with one slot per thread that may run a band, a
/// free one always exists (a busy one would only cost waiting, never
/// correctness: the scratch holds nothing between bands).
#[derive(Debug)]
pub(crate) struct Scratch {
    slots: Vec<Mutex<Vec<f64>>>,
    /// Values each band may use, from the first cache-line-aligned one.
    len: usize,
}

impl Scratch {
    /// `slots` buffers of `len` usable values each, plus slack to start on
    /// a cache line ([`LINE`] values per line).
    pub(crate) fn new(slots: usize, len: usize) -> Self {
        Scratch {
            slots: (0..slots.max(1))
                .map(|_| Mutex::new(vec![0.0; len + LINE]))
                .collect(),
            len,
        }
    }

    /// Scratch for the bands of a run with `blocking` on a grid `cols`
    /// wide: `4·(time_block − 1) + 1` rows of a tile (a whole row, or the
    /// widest strip and its halo, padded by [`scratch_stride`]).
    pub(crate) fn for_run(slots: usize, blocking: Blocking, cols: usize) -> Self {
        let steps = blocking.time_block;
        Scratch::new(slots, band_scratch_len(ring_stride(cols, blocking), steps))
    }

    /// Runs `f` on a free buffer (waiting for slot `hint` if none is free),
    /// `len` values long and starting on a cache line when the allocator
    /// allows it.
    fn with_slot<R>(&self, hint: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
        let len = self.len;
        let aligned = move |buffer: &mut Vec<f64>| -> R {
            let skip = line_offset(buffer);
            f(&mut buffer[skip..skip + len])
        };
        for slot in &self.slots {
            match slot.try_lock() {
                Ok(mut buffer) => return aligned(&mut buffer),
                Err(TryLockError::Poisoned(poisoned)) => {
                    return aligned(&mut poisoned.into_inner());
                }
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let slot = &self.slots[hint % self.slots.len()];
        aligned(&mut slot.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// The column strips `[c0, c1)` of a `cols`-wide grid cut into strips of
/// at most about `strip_cols` columns: as few strips as that allows, of
/// near-equal widths, every inner edge on a cache line (a multiple of 8
/// columns). A single strip covers the whole row.
pub(crate) fn strips(cols: usize, strip_cols: usize) -> impl Iterator<Item = (usize, usize)> {
    let count = cols.div_ceil(strip_cols.max(1)).max(1);
    let edge = move |s: usize| {
        if s >= count {
            cols
        } else {
            s * cols / count / LINE * LINE
        }
    };
    (0..count)
        .map(move |s| (edge(s), edge(s + 1)))
        .filter(|(c0, c1)| c0 < c1)
}

/// Whether strips of about `strip_cols` columns leave a `cols`-wide row
/// whole (a single strip), so that a run works on whole rows, not tiles.
pub(crate) fn whole_rows(cols: usize, strip_cols: usize) -> bool {
    strips(cols, strip_cols).nth(1).is_none()
}

/// The scratch row stride of the bands of a run with `blocking` on a grid
/// `cols` wide: a whole row, or, when the run is cut into strips, one tile
/// row ([`crate::tiles`]) with a halo of `blocking.time_block` columns.
fn ring_stride(cols: usize, blocking: Blocking) -> usize {
    if whole_rows(cols, blocking.strip_cols) {
        return scratch_stride(cols);
    }
    let widest = strips(cols, blocking.strip_cols)
        .map(|(c0, c1)| c1 - c0)
        .max()
        .unwrap_or(0);
    scratch_stride(tiles::tile_len(widest, blocking.time_block))
}

/// Scratch values a band with scratch rows `stride` apart needs for a
/// pass of `steps` steps: rings of [`RING_ROWS`] rows for levels
/// `1..steps`, and one row to change a row's layout in.
fn band_scratch_len(stride: usize, steps: usize) -> usize {
    (RING_ROWS * steps.saturating_sub(1) + 1) * stride
}

/// Where a band finds the rows of each time level: level 0 is the input
/// grid, levels `1..T` live in rings of [`RING_ROWS`] scratch rows each.
///
/// Methods rather than closures so that they are inlined into the
/// instruction-set-specific loop: as closures one of them stayed an
/// out-of-line call, three per row update, which cost about 15% of a run
/// on narrow grids.
#[derive(Clone, Copy)]
struct LevelRows<'a> {
    input: GridRows<'a>,
    rows: isize,
    /// The values of each row the band computes: their offset in a row of
    /// the input grid and their number (a whole row, or one tile row).
    span: (usize, usize),
    /// Values between consecutive scratch rows.
    stride: usize,
    /// A multiple of [`RING_ROWS`] that makes every virtual row index used
    /// positive.
    lift: isize,
    fixed: bool,
    layouts: Layouts<'a>,
}

/// Where a pass's rows are interleaved ([`crate::layout`]) and where they
/// are in column order. A run's grid is in column order before its first
/// pass and after its last; in between, the passes hand each other
/// interleaved rows, so the first pass interleaves as it computes its
/// first level and the last restores the order as it writes its output,
/// and no pass over memory is spent on the layout. Tiled grids
/// ([`crate::tiles`]) are interleaved tile by tile for the whole of a run.
#[derive(Clone, Copy)]
struct Layouts<'a> {
    /// The scratch rows (and the grids between passes) are interleaved
    /// over the lanes the band runs with; if not, column order everywhere.
    interleaved: bool,
    /// The input grid is in column order (the first pass).
    input_in_order: bool,
    /// The output grid goes in column order (the last pass).
    output_in_order: bool,
    /// Fixed boundaries on whole interleaved rows: the top and bottom edge
    /// rows, interleaved. The grids keep them in column order (no pass
    /// writes them); interleaved levels read them from here. Tiled grids
    /// hold their edge rows tiled, like every row.
    edges: Option<&'a [f64]>,
}

impl Layouts<'_> {
    /// Whether level `level` (≥ 1) is computed from rows in column order.
    #[inline(always)]
    fn reads_in_order(self, level: usize) -> bool {
        !self.interleaved || (level == 1 && self.input_in_order)
    }

    /// Whether level `level` of `steps` goes out in column order.
    #[inline(always)]
    fn writes_in_order(self, level: usize, steps: usize) -> bool {
        !self.interleaved || (level == steps && self.output_in_order)
    }
}

impl<'a> LevelRows<'a> {
    /// Grid row `w` (at most `T` rows outside the grid, wrapped).
    #[inline(always)]
    fn input_row(self, w: isize) -> &'a [f64] {
        let n = self.rows;
        // Wrap without a division in the usual case.
        let near = if w < 0 {
            w + n
        } else if w >= n {
            w - n
        } else {
            w
        };
        let r = if (0..n).contains(&near) {
            near as usize
        } else {
            w.rem_euclid(n) as usize
        };
        self.input.row(r)
    }

    /// Offset of virtual row `w`'s slot within its level's ring, without a
    /// signed remainder.
    #[inline(always)]
    fn slot(self, w: isize) -> usize {
        (w + self.lift) as usize % RING_ROWS * self.stride
    }

    /// The band's span of row `x` of level `level − 1` (from the input for
    /// level 0 and for the fixed edge rows); `below` holds the rings of
    /// levels `1..level`.
    #[inline(always)]
    fn previous<'s>(self, below: &'s [f64], level: usize, x: isize) -> &'s [f64]
    where
        'a: 's,
    {
        let (offset, len) = self.span;
        let edge = self.fixed && (x == 0 || x == self.rows - 1);
        match self.layouts.edges {
            Some(edges) if edge && !self.layouts.reads_in_order(level) => {
                let at = if x == 0 { 0 } else { len };
                &edges[at..at + len]
            }
            _ if level == 1 || edge => &self.input_row(x)[offset..offset + len],
            _ => {
                let at = (level - 2) * RING_ROWS * self.stride + self.slot(x);
                &below[at..at + len]
            }
        }
    }

    /// The rows of level `level − 1` that rows `w` and `w + 1` of level
    /// `level` are computed from: row `w − 1`, rows `[w, w + 1]`, row
    /// `w + 2`.
    ///
    /// Four calls written out rather than a closure over the row index:
    /// the closure stayed an out-of-line call, four per pair, that took 8%
    /// of a serial 512² run's samples. Inlined, 512² took about 15% less
    /// time on two threads (and 18% less on one in a busy hour, the same
    /// within noise in a quiet one).
    #[inline(always)]
    fn pair_inputs<'s>(
        self,
        below: &'s [f64],
        level: usize,
        w: isize,
    ) -> (&'s [f64], [&'s [f64]; 2], &'s [f64])
    where
        'a: 's,
    {
        (
            self.previous(below, level, w - 1),
            [
                self.previous(below, level, w),
                self.previous(below, level, w + 1),
            ],
            self.previous(below, level, w + 2),
        )
    }
}

/// One band of a temporally blocked pass, as dispatched work.
struct Band<'a> {
    out: &'a mut [f64],
    input: GridRows<'a>,
    scratch: &'a mut [f64],
    first: usize,
    /// Rows, and values per row of the grids (the grid's columns, or a
    /// tiled row).
    shape: (usize, usize),
    steps: usize,
    /// The strips of a tiled grid; `None` for whole rows.
    tiling: Option<&'a Tiling>,
    k: f64,
    boundary: Boundary,
    layouts: Layouts<'a>,
}

impl WithLanes for Band<'_> {
    type Output = ();

    /// Advances output rows `first..first + out.len()/row_len` by `steps`
    /// steps from `input`, tile by tile for a tiled grid, each with a
    /// wavefront over time levels.
    ///
    /// Level `t` (1 ≤ t ≤ T) is needed for the rows
    /// `[first − (T − t), last + (T − t))` (clamped to the grid's interior
    /// for fixed boundaries; as *virtual* indices, wrapped onto the grid,
    /// for periodic ones): a trapezoid, so bands are independent. Every
    /// level is computed on whole rows, or on whole tile rows (whose halo
    /// absorbs the wrong values of their wrap, [`crate::tiles`]).
    /// Sweeping `v` downwards two rows at a time, iteration `v` computes
    /// rows `w = v − (t − 1)` and `w + 1` of every level `t`: their four
    /// inputs at level `t − 1`, rows `w − 1 ..= w + 2`, were computed in this
    /// iteration (the last two) or the one before, so each level needs only
    /// a ring of four rows. Computing the two rows together loads each
    /// input vector once for both ([`Lanes::run_2d_interleaved_rows`]).
    /// Level 0 is `input`, level `T` goes straight to `out`. Every cell
    /// the result keeps is computed with the same expression from the same
    /// values as in a step-by-step run, so the result is bit-identical to
    /// it.
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        let Band {
            out,
            input,
            scratch,
            first,
            shape: (rows, row_len),
            steps,
            tiling,
            k,
            boundary,
            layouts,
        } = self;
        let big_t = steps as isize;
        let (r0, r1) = (first as isize, (first + out.len() / row_len) as isize);
        let (n, fixed) = (rows as isize, boundary == Boundary::Fixed);
        let (clamp_lo, clamp_hi) = if fixed {
            (1, n - 1)
        } else {
            (isize::MIN, isize::MAX)
        };
        let range = |t: isize| {
            (
                (r0 - (big_t - t)).max(clamp_lo),
                (r1 + (big_t - t)).min(clamp_hi),
            )
        };
        let (lo_last, hi_last) = range(big_t);
        if lo_last >= hi_last {
            return;
        }
        let (tiles, len) = tiling.map_or((1, row_len), |tiling| (tiling.tiles(), tiling.tile));
        let stride = scratch_stride(len);
        let ring = RING_ROWS * stride;
        // One row to compute a level in one layout and store it in the
        // other.
        let (scratch, staging) = scratch.split_at_mut(scratch.len() - stride);
        let row_edges = [0, len - 1];
        for s in 0..tiles {
            let level_rows = LevelRows {
                input,
                rows: n,
                span: (s * len, len),
                stride,
                lift: RING_ROWS as isize * (big_t + 1),
                fixed,
                layouts,
            };
            // The cells that fixed boundaries keep: each row's first and
            // last, or a tile's edge columns.
            let kept: &[usize] = match (fixed, tiling) {
                (false, _) => &[],
                (true, Some(tiling)) => tiling.fixed_positions(s),
                (true, None) => &row_edges,
            };
            // Iteration `v` computes the pair of rows `w, w + 1` of every
            // level `t`, `w = v − (t − 1)`: their inputs at level `t − 1` are
            // rows `w − 1 ..= w + 2`, computed in this iteration (the pair
            // `w + 1, w + 2`) or the one before.
            for v in (range(1).0..hi_last + big_t - 1).step_by(2) {
                for t in 1..=big_t {
                    let w = v - (t - 1);
                    let (lo, hi) = range(t);
                    if w + 1 < lo {
                        break; // lo grows and w shrinks with t
                    }
                    if w >= hi {
                        continue;
                    }
                    let level = t as usize;
                    let (below_levels, this_and_above) = scratch.split_at_mut((level - 1) * ring);
                    // The last level goes to `out`, the others to their ring.
                    let last = t == big_t;
                    let buffer = if last {
                        &mut *out
                    } else {
                        &mut this_and_above[..ring]
                    };
                    let interleaved_both =
                        !layouts.reads_in_order(level) && !layouts.writes_in_order(level, steps);
                    if interleaved_both && lo <= w && w + 1 < hi {
                        let rows = level_rows.pair_inputs(below_levels, level, w);
                        let (first, second) = if last {
                            let at = (w - r0) as usize * row_len + s * len;
                            (at, at + row_len)
                        } else {
                            (level_rows.slot(w), level_rows.slot(w + 1))
                        };
                        let mut pair = buffer
                            .get_disjoint_mut([first..first + len, second..second + len])
                            .expect("a pair's two rows are distinct ring slots or output rows");
                        lanes.run_2d_interleaved_rows(
                            pair.each_mut().map(|row| &mut **row),
                            rows,
                            k,
                            boundary,
                        );
                        for (dst, c) in pair.into_iter().zip(rows.1) {
                            for &j in kept {
                                dst[j] = c[j];
                            }
                        }
                        continue;
                    }
                    for w in w.max(lo)..(w + 2).min(hi) {
                        let prev = |x: isize| level_rows.previous(below_levels, level, x);
                        let (c, above, below) = (prev(w), prev(w - 1), prev(w + 1));
                        let at = if last {
                            (w - r0) as usize * row_len + s * len
                        } else {
                            level_rows.slot(w)
                        };
                        let dst = &mut buffer[at..at + len];
                        let in_order = layouts.reads_in_order(level);
                        if in_order != layouts.writes_in_order(level, steps) {
                            let staged = &mut staging[..len];
                            let direction = if in_order {
                                lanes.run_2d_row(staged, (c, above, below), k, boundary);
                                Direction::Interleave
                            } else {
                                let rows = (above, [c], below);
                                lanes.run_2d_interleaved_rows([staged], rows, k, boundary);
                                Direction::Restore
                            };
                            layout::rearrange_row(dst, staged, L::WIDTH, direction);
                        } else if in_order {
                            lanes.run_2d_row(dst, (c, above, below), k, boundary);
                        } else {
                            let rows = (above, [c], below);
                            lanes.run_2d_interleaved_rows([&mut *dst], rows, k, boundary);
                        }
                        // The kept cells sit at the same places in both
                        // layouts.
                        for &j in kept {
                            dst[j] = c[j];
                        }
                    }
                }
            }
        }
        if let Some(tiling) = tiling {
            for row in out.chunks_exact_mut(row_len) {
                tiling.fill_halo(row);
            }
        }
    }
}

/// `steps` steps (≥ 0) of the grid in `grids.0` with temporal blocking:
/// passes of `blocking.time_block` steps each (the last may be shorter),
/// each pass band by band, ping-ponging between two buffers. Returns
/// whether the result is in `grids.1`. Fixed boundaries never write the
/// edge cells, so both buffers must hold them on entry.
///
/// A band of one pass reads only rows within `time_block` of its own, so
/// it waits only for the bands holding those rows, not for the whole pass
/// before ([`bands::for_each_band_pass`]).
///
/// Bands and strips depend only on `blocking` (a function of the grid
/// size), and every cell value equals the step-by-step one, so the result
/// is the same on every backend and thread count.
///
/// Passes over whole rows that are whole vectors of the lanes `isa` runs
/// with hand each other the grid interleaved over those lanes
/// ([`crate::layout`], [`Layouts`]); both buffers are in column order
/// again on return, and the result is in `grids.1` after an odd number of
/// passes. A run cut into strips passes two tiled copies of the grid
/// instead ([`crate::tiles`]) and writes its result back to `grids.0`.
/// Every value must be at most
/// [`MAX_ABS_VALUE`](crate::params::MAX_ABS_VALUE) in magnitude (the
/// grids' constructors check it), which the interleaved row update needs
/// to give the step-by-step bits.
#[allow(clippy::too_many_arguments)]
pub(crate) fn passes_2d<B: Backend>(
    isa: Isa,
    grids: (&mut [f64], &mut [f64]),
    (rows, cols): (usize, usize),
    k: f64,
    boundary: Boundary,
    steps: u64,
    blocking: Blocking,
    scratch: &Scratch,
) -> bool {
    let width = lane_width(isa);
    let passes = Passes {
        isa,
        k,
        boundary,
        steps,
        blocking,
        scratch,
    };
    if rows == 0 || whole_rows(cols, blocking.strip_cols) {
        let interleaved = width > 1 && cols.is_multiple_of(width);
        let mut edges = Vec::new();
        if interleaved && boundary == Boundary::Fixed && rows > 0 {
            edges = vec![0.0; 2 * cols];
            let (top, bottom) = edges.split_at_mut(cols);
            let input = &grids.0;
            layout::rearrange_row(top, &input[..cols], width, Direction::Interleave);
            let last = &input[(rows - 1) * cols..];
            layout::rearrange_row(bottom, last, width, Direction::Interleave);
        }
        let layouts = Layouts {
            interleaved,
            input_in_order: true,
            output_in_order: true,
            edges: (!edges.is_empty()).then_some(&edges[..]),
        };
        return passes.run::<B>(grids, (rows, cols), layouts, None);
    }
    // Rows per chunk of the conversions to tiles and back.
    const CONVERT_ROWS: usize = 16;
    let tiling = Tiling::new(cols, blocking.strip_cols, blocking.time_block, width);
    let row_len = tiling.row_len();
    let (mut buffer, skip) = aligned_zeros(2 * rows * row_len);
    let (tiled, other) = buffer[skip..skip + 2 * rows * row_len].split_at_mut(rows * row_len);
    let grid = &*grids.0;
    B::for_each_chunk(
        &mut *tiled,
        CONVERT_ROWS * row_len,
        Schedule::Static,
        |index, chunk: &mut [f64]| {
            for (i, row) in chunk.chunks_exact_mut(row_len).enumerate() {
                let r = index * CONVERT_ROWS + i;
                tiling.tile_row(row, &grid[r * cols..(r + 1) * cols]);
            }
        },
    );
    if boundary == Boundary::Fixed {
        for r in [0, rows - 1] {
            let edge = r * row_len..(r + 1) * row_len;
            other[edge.clone()].copy_from_slice(&tiled[edge]);
        }
    }
    let layouts = Layouts {
        interleaved: true,
        input_in_order: false,
        output_in_order: false,
        edges: None,
    };
    let in_other = passes.run::<B>((tiled, other), (rows, row_len), layouts, Some(&tiling));
    let result: &[f64] = if in_other { other } else { tiled };
    B::for_each_chunk(
        &mut *grids.0,
        CONVERT_ROWS * cols,
        Schedule::Static,
        |index, chunk: &mut [f64]| {
            for (i, row) in chunk.chunks_exact_mut(cols).enumerate() {
                let r = index * CONVERT_ROWS + i;
                tiling.untile_row(row, &result[r * row_len..(r + 1) * row_len]);
            }
        },
    );
    false
}

/// The settings of a run of [`passes_2d`].
struct Passes<'a> {
    isa: Isa,
    k: f64,
    boundary: Boundary,
    steps: u64,
    blocking: Blocking,
    scratch: &'a Scratch,
}

impl Passes<'_> {
    /// The passes on `grids` of `rows × row_len` values: whole rows in
    /// `layouts` (whose interleaved rows the first pass reads and the last
    /// writes in column order), or the tiled rows of `tiling`. Returns
    /// whether the result is in `grids.1`.
    fn run<B: Backend>(
        &self,
        grids: (&mut [f64], &mut [f64]),
        (rows, row_len): (usize, usize),
        layouts: Layouts<'_>,
        tiling: Option<&Tiling>,
    ) -> bool {
        let Passes {
            isa,
            k,
            boundary,
            steps,
            blocking,
            scratch,
        } = *self;
        let time_block = blocking.time_block.max(1);
        let passes =
            usize::try_from(steps.div_ceil(time_block as u64)).expect("passes fit in usize");
        let stride = scratch_stride(tiling.map_or(row_len, |tiling| tiling.tile));
        bands::for_each_band_pass::<B>(
            grids,
            (rows, row_len),
            blocking.band_rows,
            time_block,
            boundary == Boundary::Periodic,
            passes,
            |pass, first, input, out| {
                let done = pass as u64 * time_block as u64;
                let steps = (steps - done).min(time_block as u64) as usize;
                let layouts = Layouts {
                    input_in_order: layouts.input_in_order && pass == 0,
                    output_in_order: layouts.output_in_order && pass + 1 == passes,
                    ..layouts
                };
                scratch.with_slot(first / blocking.band_rows.max(1), |buffer| {
                    let work = Band {
                        out,
                        input,
                        scratch: &mut buffer[..band_scratch_len(stride, steps)],
                        first,
                        shape: (rows, row_len),
                        steps,
                        tiling,
                        k,
                        boundary,
                        layouts,
                    };
                    dispatch(isa, work);
                });
            },
        )
    }
}

/// A chunk of a 1-D step, as dispatched work.
struct StepLine<'a> {
    out: &'a mut [f64],
    input: &'a [f64],
    start: usize,
    k: f64,
    boundary: Boundary,
}

impl WithLanes for StepLine<'_> {
    type Output = ();

    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        let StepLine {
            out,
            input,
            start,
            k,
            boundary,
        } = self;
        let n = input.len();
        let end = start + out.len();
        // Interior cells 1..n−1 of this chunk, as shifted slices.
        let (lo, hi) = (start.max(1), end.min(n.saturating_sub(1)));
        if lo < hi {
            let (left, right) = (&input[lo - 1..hi - 1], &input[lo + 1..hi + 1]);
            let (n1, n2) = match boundary {
                Boundary::Periodic => (left, right), // roll(u, +1) + roll(u, −1)
                Boundary::Fixed => (right, left),    // in[i+1] + in[i−1]
            };
            lanes.run_1d(&mut out[lo - start..hi - start], &input[lo..hi], n1, n2, k);
        }
        if boundary == Boundary::Periodic {
            for j in [0, n - 1] {
                if (start..end).contains(&j) {
                    let (l, r) = (input[(j + n - 1) % n], input[(j + 1) % n]);
                    out[j - start] = cell_1d(input[j], l, r, k);
                }
            }
        }
    }
}

/// One 1-D step from `input` into `output` (same length), in chunks of
/// `chunk_len` cells. Fixed boundaries need `len ≥ 3` and leave both end
/// cells untouched; periodic boundaries accept any length ≥ 1.
pub(crate) fn step_1d<B: Backend>(
    isa: Isa,
    input: &[f64],
    output: &mut [f64],
    k: f64,
    boundary: Boundary,
    chunk_len: usize,
    schedule: Schedule,
) {
    for_each_row_block::<B>(
        input,
        output,
        (input.len(), 1),
        chunk_len,
        schedule,
        |_, start, out| {
            let work = StepLine {
                out,
                input,
                start,
                k,
                boundary,
            };
            dispatch(isa, work);
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::testing::in_pool;
    use kernels_core::{Parallel, Serial};

    /// The 2-D step on `input`, with every cell of the output first set to
    /// a sentinel so untouched cells show.
    fn step_2d_fresh<B: Backend>(
        input: &[f64],
        shape: (usize, usize),
        boundary: Boundary,
        rows_per_chunk: usize,
    ) -> Vec<f64> {
        let mut out = vec![-9.0; input.len()];
        step_2d::<B>(
            Isa::Scalar,
            input,
            &mut out,
            shape,
            0.2,
            boundary,
            rows_per_chunk,
            Schedule::Dynamic,
        );
        out
    }

    /// The 1-D step on `input` with `k = 0.3`, with every cell of the output
    /// first set to a sentinel so untouched cells show.
    fn step_1d_fresh<B: Backend>(
        input: &[f64],
        boundary: Boundary,
        chunk_len: usize,
        schedule: Schedule,
    ) -> Vec<f64> {
        let mut out = vec![-9.0; input.len()];
        step_1d::<B>(
            Isa::Scalar,
            input,
            &mut out,
            0.3,
            boundary,
            chunk_len,
            schedule,
        );
        out
    }

    #[test]
    fn scratch_rows_are_padded_off_4k_and_start_on_cache_lines() {
        for cols in [1, 5, 8, 37, 496, 504, 505, 512, 520, 1024, 2048, 4096] {
            let stride = scratch_stride(cols);
            assert!(stride >= cols + LINE, "{cols}");
            assert_eq!(stride % LINE, 0, "{cols}");
            assert_ne!((stride * 8) % 4096, 0, "{cols}: rows 4 KiB apart");
        }
        let blocking = Blocking {
            time_block: 4,
            band_rows: 5,
            strip_cols: 37,
        };
        let scratch = Scratch::for_run(2, blocking, 37);
        for hint in 0..3 {
            scratch.with_slot(hint, |buffer| {
                assert_eq!(buffer.len(), (RING_ROWS * 3 + 1) * scratch_stride(37));
                assert_eq!(buffer.as_ptr().align_offset(64), 0);
            });
        }
    }

    /// `steps` single steps of the scalar loop, `k = 0.2`: what a blocked
    /// pass must reproduce bit for bit.
    fn single_steps(
        input: &[f64],
        shape: (usize, usize),
        boundary: Boundary,
        steps: usize,
    ) -> Vec<f64> {
        let mut expected = input.to_vec();
        let mut next = input.to_vec();
        for _ in 0..steps {
            step_2d::<Serial>(
                Isa::Scalar,
                &expected,
                &mut next,
                shape,
                0.2,
                boundary,
                1,
                Schedule::Static,
            );
            expected.copy_from_slice(&next);
        }
        expected
    }

    /// One blocked pass of `steps` steps (`k = 0.2`) on two threads with
    /// the given band height and strip width.
    fn blocked_pass(
        isa: Isa,
        input: &[f64],
        shape: (usize, usize),
        boundary: Boundary,
        steps: usize,
        (band_rows, strip_cols): (usize, usize),
    ) -> Vec<f64> {
        let blocking = Blocking {
            time_block: steps,
            band_rows,
            strip_cols,
        };
        let scratch = Scratch::for_run(2, blocking, shape.1);
        let (mut grid, mut out) = (input.to_vec(), input.to_vec());
        let in_out = in_pool(2, || {
            passes_2d::<Parallel>(
                isa,
                (&mut grid, &mut out),
                shape,
                0.2,
                boundary,
                steps as u64,
                blocking,
                &scratch,
            )
        });
        // One pass over whole rows ends in the second grid; tiled runs end
        // in the first.
        let whole = whole_rows(shape.1, strip_cols);
        assert_eq!(in_out, whole, "the result's buffer");
        if in_out { out } else { grid }
    }

    #[test]
    fn padded_blocked_passes_match_single_steps_at_4k_widths() {
        // Widths around 512 (rows exactly 4 KiB apart in the user's grid),
        // on every Isa: a pass of T steps through the padded scratch equals
        // T single steps, for both boundaries and several band heights.
        for cols in [504, 512, 513] {
            let rows = 7;
            let input: Vec<f64> = (0..rows * cols)
                .map(|x| ((x * 37) % 101) as f64 * 0.01 - 0.3)
                .collect();
            for boundary in Boundary::ALL {
                let steps = 4;
                let expected = single_steps(&input, (rows, cols), boundary, steps);
                for isa in Isa::supported() {
                    for tile in [(1, cols), (3, 64), (7, 200)] {
                        let out = blocked_pass(isa, &input, (rows, cols), boundary, steps, tile);
                        assert!(out == expected, "{cols} {boundary} {isa} {tile:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn strips_cover_every_column_once_with_inner_edges_on_cache_lines() {
        for cols in [1, 3, 7, 8, 9, 37, 100, 512, 520, 2048] {
            for strip_cols in [1, 5, 8, 24, 64, 128, 256, 512, 10_000] {
                let cut: Vec<_> = strips(cols, strip_cols).collect();
                assert_eq!(cut.first().map(|s| s.0), Some(0), "{cols} {strip_cols}");
                assert_eq!(cut.last().map(|s| s.1), Some(cols), "{cols} {strip_cols}");
                for pair in cut.windows(2) {
                    assert_eq!(pair[0].1, pair[1].0, "{cols} {strip_cols}: gap");
                    assert_eq!(pair[0].1 % LINE, 0, "{cols} {strip_cols}: edge off a line");
                }
                assert!(cut.iter().all(|(c0, c1)| c0 < c1));
                if strip_cols >= cols {
                    assert_eq!(cut, [(0, cols)]);
                }
            }
        }
        // Near-equal widths: 520 columns in strips of about 128 are five.
        let widths: Vec<_> = strips(520, 128).map(|(c0, c1)| c1 - c0).collect();
        assert_eq!(widths, [104, 104, 104, 104, 104]);
    }

    #[test]
    fn strip_tiles_match_single_steps_across_seams_and_fixed_edges() {
        // Strips narrower than the halo (T = 9 > 8 columns), a last strip
        // of another width, a grid narrower than the halo, one row and one
        // column: every pass equals T single steps, on every Isa.
        for (rows, cols) in [(11, 37), (5, 3), (1, 19), (17, 1), (4, 64)] {
            let input: Vec<f64> = (0..rows * cols)
                .map(|x| ((x * 53) % 97) as f64 * 0.013 - 0.4)
                .collect();
            for boundary in Boundary::ALL {
                if boundary == Boundary::Fixed && (rows < 3 || cols < 3) {
                    continue;
                }
                for steps in [1, 2, 9] {
                    let expected = single_steps(&input, (rows, cols), boundary, steps);
                    for isa in Isa::supported() {
                        for tile in [(2, 8), (5, 16), (rows, 1), (3, 24)] {
                            let out =
                                blocked_pass(isa, &input, (rows, cols), boundary, steps, tile);
                            let what = format!("{rows}×{cols} {boundary} {isa} T={steps} {tile:?}");
                            assert!(out == expected, "{what}");
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn default_blocking_fits_the_ring_in_l1_or_goes_deep() {
        let narrow = Blocking::for_grid(256, 256);
        assert_eq!((narrow.time_block, narrow.band_rows), (4, 64));
        let ring_bytes =
            |b: Blocking, cols| RING_ROWS * (b.time_block - 1) * scratch_stride(cols) * 8;
        assert!(ring_bytes(narrow, 256) <= 28 << 10);
        let b = Blocking::for_grid(512, 512);
        assert_eq!((b.time_block, b.band_rows, b.strip_cols), (16, 128, 512));
        assert!(ring_bytes(b, 512) <= 860 << 10);
        let wide = Blocking::for_grid(2048, 2048);
        assert_eq!((wide.time_block, wide.band_rows), (14, 256));
        let small = Blocking::for_grid(64, 64);
        assert_eq!(small.time_block, 8);
        assert_eq!(small.band_rows, 32); // ≥ 4·T rows: ghost work ≤ 25 %
        assert_eq!(Blocking::for_grid(1, 1).band_rows, 1);
    }

    #[test]
    fn periodic_2d_wraps_in_the_numpy_order() {
        // 3 × 4 grid; check a corner cell by hand, with the roll order.
        let input: Vec<f64> = (0..12).map(|x| f64::from(x) * 1.5 + 0.1).collect();
        let out = step_2d_fresh::<Serial>(&input, (3, 4), Boundary::Periodic, 1);
        let u = |i: usize, j: usize| input[i * 4 + j];
        let expected = u(0, 0) + 0.2 * (u(2, 0) + u(1, 0) + u(0, 3) + u(0, 1) - 4.0 * u(0, 0));
        assert_eq!(out[0], expected);
        let expected = u(2, 3) + 0.2 * (u(1, 3) + u(0, 3) + u(2, 2) + u(2, 0) - 4.0 * u(2, 3));
        assert_eq!(out[11], expected);
        assert!(out.iter().all(|&x| x != -9.0));
    }

    #[test]
    fn fixed_2d_writes_only_the_interior_in_the_c_order() {
        let input: Vec<f64> = (0..20).map(|x| f64::from(x).sqrt()).collect();
        for rows_per_chunk in [1, 2, 3, 100] {
            let out = step_2d_fresh::<Parallel>(&input, (4, 5), Boundary::Fixed, rows_per_chunk);
            for i in 0..4 {
                for j in 0..5 {
                    let v = out[i * 5 + j];
                    if i == 0 || i == 3 || j == 0 || j == 4 {
                        assert_eq!(v, -9.0, "edge ({i}, {j}) was written");
                    } else {
                        let u = |i: usize, j: usize| input[i * 5 + j];
                        let c_loop = u(i, j)
                            + 0.2
                                * (u(i + 1, j) + u(i - 1, j) + u(i, j + 1) + u(i, j - 1)
                                    - 4.0 * u(i, j));
                        assert_eq!(v, c_loop);
                    }
                }
            }
        }
    }

    #[test]
    fn chunks_of_the_1d_step_cover_both_ends_exactly_once() {
        let input: Vec<f64> = (0..11).map(|x| f64::from(x * x) * 0.01).collect();
        let expected = step_1d_fresh::<Serial>(&input, Boundary::Periodic, 11, Schedule::Static);
        let n = input.len();
        for (j, &v) in expected.iter().enumerate() {
            let (l, r) = (input[(j + n - 1) % n], input[(j + 1) % n]);
            assert_eq!(v, input[j] + 0.3 * (l + r - 2.0 * input[j]));
        }
        for chunk_len in 1..13 {
            let out =
                step_1d_fresh::<Parallel>(&input, Boundary::Periodic, chunk_len, Schedule::Guided);
            assert_eq!(out, expected, "chunk_len {chunk_len}");
            let fixed =
                step_1d_fresh::<Parallel>(&input, Boundary::Fixed, chunk_len, Schedule::Guided);
            assert_eq!((fixed[0], fixed[10]), (-9.0, -9.0));
            assert!(fixed[1..10].iter().all(|&x| x != -9.0));
        }
    }
}
