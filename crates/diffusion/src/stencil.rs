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

use kernels_core::{Backend, Schedule};

use crate::Boundary;

/// One 2-D update, in the reference's operation order.
#[inline(always)]
fn cell_2d(c: f64, v1: f64, v2: f64, h1: f64, h2: f64, k: f64) -> f64 {
    c + k * (v1 + v2 + h1 + h2 - 4.0 * c)
}

/// One 1-D update, in the reference's operation order.
#[inline(always)]
fn cell_1d(c: f64, n1: f64, n2: f64, k: f64) -> f64 {
    c + k * (n1 + n2 - 2.0 * c)
}

/// The 2-D hot loop over a run of cells: `out[j] = cell(c[j], v1[j], …)`,
/// all slices as long as `out` (the neighbours are shifted slices of the
/// input rows). Plain, branch-free and allocation-free, so it can be
/// vectorised.
#[inline(never)]
fn run_2d(out: &mut [f64], c: &[f64], v1: &[f64], v2: &[f64], h1: &[f64], h2: &[f64], k: f64) {
    let len = out.len();
    let (c, v1, v2, h1, h2) = (&c[..len], &v1[..len], &v2[..len], &h1[..len], &h2[..len]);
    for (j, o) in out.iter_mut().enumerate() {
        *o = cell_2d(c[j], v1[j], v2[j], h1[j], h2[j], k);
    }
}

/// The 1-D hot loop: `out[j] = cell(c[j], n1[j], n2[j])`.
#[inline(never)]
fn run_1d(out: &mut [f64], c: &[f64], n1: &[f64], n2: &[f64], k: f64) {
    let len = out.len();
    let (c, n1, n2) = (&c[..len], &n1[..len], &n2[..len]);
    for (j, o) in out.iter_mut().enumerate() {
        *o = cell_1d(c[j], n1[j], n2[j], k);
    }
}

/// Updates output row `i` of a `rows × cols` grid from `input`.
///
/// Fixed boundaries need `rows, cols ≥ 3` and leave rows `0`, `rows − 1` and
/// columns `0`, `cols − 1` untouched; periodic boundaries accept any size ≥ 1.
#[inline(always)]
fn row_2d(
    out: &mut [f64],
    input: &[f64],
    i: usize,
    rows: usize,
    cols: usize,
    k: f64,
    boundary: Boundary,
) {
    let row = |r: usize| &input[r * cols..(r + 1) * cols];
    let m = cols;
    match boundary {
        Boundary::Periodic => {
            let c = row(i);
            let above = row((i + rows - 1) % rows); // roll(u, +1, 0)[i] = u[i − 1]
            let below = row((i + 1) % rows); // roll(u, −1, 0)[i] = u[i + 1]
            out[0] = cell_2d(c[0], above[0], below[0], c[m - 1], c[1 % m], k);
            if m >= 2 {
                let j = m - 1;
                out[j] = cell_2d(c[j], above[j], below[j], c[j - 1], c[0], k);
            }
            if m >= 3 {
                let mid = 1..m - 1;
                let (a, b) = (&above[mid.clone()], &below[mid.clone()]);
                run_2d(
                    &mut out[mid.clone()],
                    &c[mid],
                    a,
                    b,
                    &c[..m - 2],
                    &c[2..],
                    k,
                );
            }
        }
        Boundary::Fixed => {
            if i == 0 || i + 1 == rows {
                return;
            }
            let (c, above, below) = (row(i), row(i - 1), row(i + 1));
            let mid = 1..m - 1;
            let (a, b) = (&above[mid.clone()], &below[mid.clone()]);
            // The C order: in[i+1] + in[i−1] + in[j+1] + in[j−1].
            run_2d(
                &mut out[mid.clone()],
                &c[mid],
                b,
                a,
                &c[2..],
                &c[..m - 2],
                k,
            );
        }
    }
}

/// One 2-D step from `input` into `output` (both `rows × cols`, row-major),
/// in chunks of `rows_per_chunk` whole rows.
pub(crate) fn step_2d<B: Backend>(
    input: &[f64],
    output: &mut [f64],
    (rows, cols): (usize, usize),
    k: f64,
    boundary: Boundary,
    rows_per_chunk: usize,
    schedule: Schedule,
) {
    debug_assert_eq!(input.len(), rows * cols);
    debug_assert_eq!(output.len(), rows * cols);
    let rows_per_chunk = rows_per_chunk.clamp(1, rows.max(1));
    B::for_each_chunk(
        output,
        rows_per_chunk * cols,
        schedule,
        |chunk_index, out: &mut [f64]| {
            let first = chunk_index * rows_per_chunk;
            for (offset, out_row) in out.chunks_exact_mut(cols).enumerate() {
                row_2d(out_row, input, first + offset, rows, cols, k, boundary);
            }
        },
    );
}

/// One 1-D step from `input` into `output` (same length), in chunks of
/// `chunk_len` cells. Fixed boundaries need `len ≥ 3` and leave both end
/// cells untouched; periodic boundaries accept any length ≥ 1.
pub(crate) fn step_1d<B: Backend>(
    input: &[f64],
    output: &mut [f64],
    k: f64,
    boundary: Boundary,
    chunk_len: usize,
    schedule: Schedule,
) {
    let n = input.len();
    debug_assert_eq!(output.len(), n);
    let chunk_len = chunk_len.clamp(1, n.max(1));
    B::for_each_chunk(
        output,
        chunk_len,
        schedule,
        |chunk_index, out: &mut [f64]| {
            let start = chunk_index * chunk_len;
            let end = start + out.len();
            // Interior cells 1..n−1 of this chunk, as shifted slices.
            let (lo, hi) = (start.max(1), end.min(n.saturating_sub(1)));
            if lo < hi {
                let (left, right) = (&input[lo - 1..hi - 1], &input[lo + 1..hi + 1]);
                let (n1, n2) = match boundary {
                    Boundary::Periodic => (left, right), // roll(u, +1) + roll(u, −1)
                    Boundary::Fixed => (right, left),    // in[i+1] + in[i−1]
                };
                run_1d(&mut out[lo - start..hi - start], &input[lo..hi], n1, n2, k);
            }
            if boundary == Boundary::Periodic {
                for j in [0, n - 1] {
                    if (start..end).contains(&j) {
                        let (l, r) = (input[(j + n - 1) % n], input[(j + 1) % n]);
                        out[j - start] = cell_1d(input[j], l, r, k);
                    }
                }
            }
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
        let expected = {
            let mut out = vec![-9.0; 11];
            step_1d::<Serial>(
                &input,
                &mut out,
                0.3,
                Boundary::Periodic,
                11,
                Schedule::Static,
            );
            out
        };
        let n = input.len();
        for (j, &v) in expected.iter().enumerate() {
            let (l, r) = (input[(j + n - 1) % n], input[(j + 1) % n]);
            assert_eq!(v, input[j] + 0.3 * (l + r - 2.0 * input[j]));
        }
        for chunk_len in 1..13 {
            let mut out = vec![-9.0; 11];
            step_1d::<Parallel>(
                &input,
                &mut out,
                0.3,
                Boundary::Periodic,
                chunk_len,
                Schedule::Guided,
            );
            assert_eq!(out, expected, "chunk_len {chunk_len}");
            let mut fixed = vec![-9.0; 11];
            step_1d::<Parallel>(
                &input,
                &mut fixed,
                0.3,
                Boundary::Fixed,
                chunk_len,
                Schedule::Guided,
            );
            assert_eq!((fixed[0], fixed[10]), (-9.0, -9.0));
            assert!(fixed[1..10].iter().all(|&x| x != -9.0));
        }
    }
}
