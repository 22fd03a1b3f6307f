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
use crate::simd::{Lanes, WithLanes, cell_1d, cell_2d, dispatch};

/// Updates one output row from the input rows `c` (same index), `above`
/// (`i − 1`) and `below` (`i + 1`), all `cols` long.
///
/// Periodic boundaries wrap the columns and write every cell; fixed
/// boundaries need `cols ≥ 3` and write only columns `1..cols − 1`.
#[inline(always)]
fn row_update<L: Lanes>(
    lanes: L,
    out: &mut [f64],
    c: &[f64],
    above: &[f64],
    below: &[f64],
    k: f64,
    boundary: Boundary,
) {
    let m = c.len();
    match boundary {
        Boundary::Periodic => {
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
                    [&above[mid.clone()], &below[mid], &c[..m - 2], &c[2..]],
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
                [&below[mid.clone()], &above[mid], &c[2..], &c[..m - 2]],
                k,
            );
        }
    }
}

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
                    row_update(lanes, out_row, row(i), above, below, self.k, self.boundary);
                }
                Boundary::Fixed => {
                    if i != 0 && i + 1 != rows {
                        let (above, below) = (row(i - 1), row(i + 1));
                        row_update(lanes, out_row, row(i), above, below, self.k, self.boundary);
                    }
                }
            }
        }
    }
}

/// Calls `f(index, first_row, out)` on backend `B` for every block `out` of
/// `block_rows` whole output rows (the last may be shorter), `first_row`
/// being the block's first row: the chunking shared by the 2-D step, the
/// 2-D pass and the 1-D step (a line of `n` cells is `n` rows of one cell).
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
}

impl Blocking {
    /// The default for a `rows × cols` grid (a function of the size only).
    ///
    /// The intermediate rows of a band live in `3·(T − 1)` row buffers,
    /// which should stay well inside a core's L2 cache (≥ 1 MiB on the
    /// targets we care about), so `T` shrinks for very wide grids. A band
    /// recomputes `T·(T − 1)` rows of its neighbours' (the trapezoid
    /// "ghost zone"), a fraction `(T − 1)/band_rows` of its own work, so
    /// bands are tall; but there should be several bands per thread.
    pub(crate) fn for_grid(rows: usize, cols: usize) -> Self {
        // About 384 KiB of ring buffers: 3·(T − 1)·cols·8 bytes.
        const RING_BYTES: usize = 384 << 10;
        const MAX_T: usize = 8;
        let ring_rows = RING_BYTES / (cols.max(1) * 8 * 3);
        let time_block = (ring_rows + 1).clamp(1, MAX_T);
        // Ghost overhead ≤ (T − 1)/band_rows ≈ 3 % with 32·T rows; but keep
        // at least 4 bands (2 per core on 2 cores) when the grid is tall enough.
        let band_rows = (32 * time_block).min(rows.div_ceil(4)).max(4 * time_block);
        Blocking {
            time_block,
            band_rows: band_rows.max(1),
        }
    }
}

/// Scratch buffers for the bands of a pass, allocated once per run. A band
/// takes any free slot; with one slot per thread that may run a band, a
/// free one always exists (a busy one would only cost waiting, never
/// correctness: the scratch holds nothing between bands).
#[derive(Debug)]
pub(crate) struct Scratch {
    slots: Vec<Mutex<Vec<f64>>>,
}

impl Scratch {
    /// `slots` buffers of `len` values each.
    pub(crate) fn new(slots: usize, len: usize) -> Self {
        Scratch {
            slots: (0..slots.max(1))
                .map(|_| Mutex::new(vec![0.0; len]))
                .collect(),
        }
    }

    /// Runs `f` on a free buffer (waiting for slot `hint` if none is free).
    fn with_slot<R>(&self, hint: usize, f: impl FnOnce(&mut [f64]) -> R) -> R {
        for slot in &self.slots {
            match slot.try_lock() {
                Ok(mut buffer) => return f(&mut buffer),
                Err(TryLockError::Poisoned(poisoned)) => return f(&mut poisoned.into_inner()),
                Err(TryLockError::WouldBlock) => {}
            }
        }
        let slot = &self.slots[hint % self.slots.len()];
        f(&mut slot.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// One band of a temporally blocked pass, as dispatched work.
struct Band<'a> {
    out: &'a mut [f64],
    input: &'a [f64],
    scratch: &'a mut [f64],
    first: usize,
    shape: (usize, usize),
    steps: usize,
    k: f64,
    boundary: Boundary,
}

impl WithLanes for Band<'_> {
    type Output = ();

    /// Advances output rows `first..first + out.len()/cols` by `steps`
    /// steps from `input`, with a wavefront over time levels.
    ///
    /// Level `t` (1 ≤ t ≤ T) of the band is needed for the rows
    /// `[first − (T − t), last + (T − t))` (clamped to the interior for fixed
    /// boundaries; wrapped, as *virtual* row indices, for periodic ones).
    /// Sweeping `v` downwards, iteration `v` computes row `v − (t − 1)` of
    /// every level `t`: its three inputs at level `t − 1` were computed in
    /// this iteration (row `w + 1`) or the two before, so each level needs
    /// only a ring of three rows. Level 0 is `input`, level `T` goes
    /// straight to `out`. Every cell of every level is computed with the
    /// same expression from the same values as in a step-by-step run, so
    /// the result is bit-identical to it.
    #[inline(always)]
    fn run<L: Lanes>(self, lanes: L) {
        let Band {
            out,
            input,
            scratch,
            first,
            shape: (rows, cols),
            steps,
            k,
            boundary,
        } = self;
        let big_t = steps as isize;
        let (r0, r1) = (first as isize, (first + out.len() / cols) as isize);
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
        let ring = 3 * cols;
        let input_row = |w: isize| {
            let r = w.rem_euclid(n) as usize;
            &input[r * cols..(r + 1) * cols]
        };
        let slot = |w: isize| w.rem_euclid(3) as usize * cols;
        for v in range(1).0..hi_last + big_t - 1 {
            for t in 1..=big_t {
                let w = v - (t - 1);
                let (lo, hi) = range(t);
                if w < lo {
                    break; // lo grows and w shrinks with t
                }
                if w >= hi {
                    continue;
                }
                let level = t as usize;
                let (below_levels, this_and_above) = scratch.split_at_mut((level - 1) * ring);
                let prev = |x: isize| -> &[f64] {
                    if t == 1 || (fixed && (x == 0 || x == n - 1)) {
                        input_row(x)
                    } else {
                        let base = (level - 2) * ring + slot(x);
                        &below_levels[base..base + cols]
                    }
                };
                let (c, above, below) = (prev(w), prev(w - 1), prev(w + 1));
                let dst = if t == big_t {
                    let start = (w - r0) as usize * cols;
                    &mut out[start..start + cols]
                } else {
                    let dst = &mut this_and_above[slot(w)..slot(w) + cols];
                    if fixed {
                        dst[0] = c[0];
                        dst[cols - 1] = c[cols - 1];
                    }
                    dst
                };
                row_update(lanes, dst, c, above, below, k, boundary);
            }
        }
    }
}

/// One temporally blocked pass: `output` = `input` advanced by
/// `blocking.time_block` steps (at most `steps`: pass the remaining count),
/// band by band. Bands depend only on `blocking` (a function of the grid
/// size), and every cell value equals the step-by-step one, so the result
/// is the same on every backend and thread count.
#[allow(clippy::too_many_arguments)]
pub(crate) fn pass_2d<B: Backend>(
    isa: Isa,
    input: &[f64],
    output: &mut [f64],
    (rows, cols): (usize, usize),
    k: f64,
    boundary: Boundary,
    steps: usize,
    band_rows: usize,
    scratch: &Scratch,
    schedule: Schedule,
) {
    for_each_row_block::<B>(
        input,
        output,
        (rows, cols),
        band_rows,
        schedule,
        |band_index, first, out| {
            scratch.with_slot(band_index, |buffer| {
                let needed = 3 * (steps - 1) * cols;
                let work = Band {
                    out,
                    input,
                    scratch: &mut buffer[..needed],
                    first,
                    shape: (rows, cols),
                    steps,
                    k,
                    boundary,
                };
                dispatch(isa, work);
            });
        },
    );
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
