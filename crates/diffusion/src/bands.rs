//! Multi-pass sweeps over a grid cut into bands of rows, with the passes
//! ping-ponging between two buffers and each band of a pass waiting only
//! for the bands whose rows it reads.
//!
//! The bands of one run share its two grids across passes: while a band
//! reads rows near it in one grid, another band, a pass ahead or behind,
//! may write rows elsewhere in the same grid. No `&[f64]` of a whole grid
//! can exist then (it would claim that no value of it changes while it
//! lives), so bands get their own rows as a `&mut [f64]` and the rows they
//! read one at a time, through a [`GridRows`] that refuses rows outside
//! the band's reach. That check is what makes [`for_each_band_pass`] safe
//! to call with any band update.
#![allow(unsafe_code)]

use std::marker::PhantomData;
use std::ops::Range;

use kernels_core::{Backend, Neighbours};

/// Read access to the rows of a `rows × cols` row-major grid near one band:
/// rows at most `halo` away from the band's rows, wrapping around the grid
/// on a ring (periodic boundaries) or not (fixed ones).
#[derive(Clone, Copy)]
pub(crate) struct GridRows<'a> {
    start: *const f64,
    rows: usize,
    cols: usize,
    /// Readable rows: `len` rows from `first`, modulo `rows`.
    first: usize,
    len: usize,
    values: PhantomData<&'a [f64]>,
}

impl<'a> GridRows<'a> {
    /// Row `r`.
    ///
    /// # Panics
    /// Panics if `r` is not within the band's reach (a bug in the band
    /// update: it would read rows another band may be writing).
    #[inline(always)]
    pub(crate) fn row(self, r: usize) -> &'a [f64] {
        // Rows from `first`, wrapped, without a division (`first < rows`).
        let offset = if r >= self.first {
            r - self.first
        } else {
            r + self.rows - self.first
        };
        assert!(
            r < self.rows && offset < self.len,
            "row {r} is beyond the band's reach"
        );
        // SAFETY: row `r` lies inside the grid, which is valid for reads
        // for `'a`, and nobody writes the rows in reach while `self` lives.
        unsafe { std::slice::from_raw_parts(self.start.add(r * self.cols), self.cols) }
    }
}

/// The two grids of a sweep: pass `p` reads grid `p % 2` and writes grid
/// `(p + 1) % 2`.
struct PingPong {
    grids: [*mut f64; 2],
}

// SAFETY: the pointers come from two `&mut [f64]` held by
// `for_each_band_pass` for as long as the bands run; which band touches
// which rows when is argued there.
unsafe impl Send for PingPong {}
// SAFETY: as for `Send`.
unsafe impl Sync for PingPong {}

impl PingPong {
    /// The grid pass `pass` reads (`source`) or writes (`!source`).
    fn grid(&self, pass: usize, source: bool) -> *mut f64 {
        self.grids[(pass + usize::from(!source)) % 2]
    }
}

/// Calls `update(pass, first_row, input, out)` for every band of rows
/// `first_row..first_row + band_rows` (the last band may be shorter) of a
/// `rows × cols` grid and every `pass < passes`: `input` gives the rows
/// within `halo` rows of the band in the grid pass `pass` reads
/// (`grids.0` for pass 0), wrapped around the grid when `ring`; `out` is
/// the band's rows of the other grid. Returns whether the last pass wrote
/// `grids.1` (an odd number of passes).
///
/// A band of one pass needs only the bands that hold its `input` rows done
/// with the pass before (and, since it overwrites their input of that pass,
/// it needs them done reading too: the same bands). The backend's
/// [`Backend::for_each_pass_chunk`] starts it as soon as those are, so on
/// [`kernels_core::Parallel`] threads drift a few passes apart instead of
/// waiting for each other after every pass.
///
/// # Panics
/// Panics if a grid is not `rows × cols` long, or propagates a panic of
/// `update` (reading a row beyond `halo` is one).
#[allow(clippy::too_many_arguments)]
pub(crate) fn for_each_band_pass<B: Backend>(
    grids: (&mut [f64], &mut [f64]),
    (rows, cols): (usize, usize),
    band_rows: usize,
    halo: usize,
    ring: bool,
    passes: usize,
    update: impl Fn(usize, usize, GridRows<'_>, &mut [f64]) + Sync + Send,
) -> bool {
    assert!(grids.0.len() == rows * cols && grids.1.len() == rows * cols);
    if rows == 0 || cols == 0 {
        return false;
    }
    let band_rows = band_rows.clamp(1, rows);
    let bands = rows.div_ceil(band_rows);
    // The bands within `reach` of a band hold every row within `halo` of
    // it: `reach` bands cover at least `(reach − 1)·band_rows` rows plus
    // the shortest band, the last one.
    let shortest = rows - (bands - 1) * band_rows;
    let reach = 1 + halo.saturating_sub(shortest).div_ceil(band_rows);
    let neighbours = if ring {
        Neighbours::Ring(reach)
    } else {
        Neighbours::Line(reach)
    };
    let grids = PingPong {
        grids: [grids.0.as_mut_ptr(), grids.1.as_mut_ptr()],
    };
    B::for_each_pass_chunk(passes, bands, neighbours, |pass, band| {
        let own: Range<usize> = band * band_rows..((band + 1) * band_rows).min(rows);
        let (first, len) = if ring && own.len() + 2 * halo < rows {
            ((own.start + rows - halo) % rows, own.len() + 2 * halo)
        } else if ring {
            (0, rows)
        } else {
            let first = own.start.saturating_sub(halo);
            (first, (own.end + halo).min(rows) - first)
        };
        let input = GridRows {
            start: grids.grid(pass, true),
            rows,
            cols,
            first,
            len,
            values: PhantomData,
        };
        // SAFETY: the band's rows lie inside the grid pass `pass` writes,
        // valid for reads and writes while the sweep runs, and no other
        // call touches them, or writes the input rows in reach, while this
        // one runs. Rows in reach of a band lie in the bands within `reach`
        // of it, so (the relation being symmetric) the calls that read this
        // band's rows or write its input rows are those bands' calls:
        // * of the pass before, which read this grid as their input or
        //   wrote the input: `for_each_pass_chunk` returned them all before
        //   starting this call;
        // * of the pass after, which read what this call writes or
        //   overwrite its input: none starts before this call returns.
        // This band's own calls of other passes are ordered the same way
        // (a band is its own neighbour), and any call further away in
        // bands or passes is ordered through a chain of such neighbours.
        let out = unsafe {
            std::slice::from_raw_parts_mut(
                grids.grid(pass, false).add(own.start * cols),
                own.len() * cols,
            )
        };
        update(pass, own.start, input, out);
    });
    passes % 2 == 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::testing::{THREAD_COUNTS, in_pool};
    use kernels_core::{Parallel, Serial};
    use proptest::prelude::*;

    /// Row `r + d` of a grid of `rows`, wrapped on a ring, clamped on a line.
    fn neighbour(r: usize, d: isize, rows: usize, ring: bool) -> usize {
        let at = r as isize + d;
        if ring {
            at.rem_euclid(rows as isize) as usize
        } else {
            at.clamp(0, rows as isize - 1) as usize
        }
    }

    /// One pass of a `2·halo + 1`-row moving average, summed in a fixed
    /// order, from `input` into `out` (rows `first..` of the grid).
    fn smooth_rows(
        input: &dyn Fn(usize) -> Vec<f64>,
        first: usize,
        out: &mut [f64],
        shape: (usize, usize),
        halo: usize,
        ring: bool,
    ) {
        let (rows, cols) = shape;
        for (offset, out_row) in out.chunks_exact_mut(cols).enumerate() {
            let r = first + offset;
            for (c, value) in out_row.iter_mut().enumerate() {
                *value = (-(halo as isize)..=halo as isize)
                    .map(|d| input(neighbour(r, d, rows, ring))[c])
                    .fold(0.0, |sum, x| sum + x)
                    / (2 * halo + 1) as f64;
            }
        }
    }

    fn swept<B: Backend>(
        grid: &[f64],
        shape: (usize, usize),
        band_rows: usize,
        halo: usize,
        ring: bool,
        passes: usize,
    ) -> Vec<f64> {
        let (mut a, mut b) = (grid.to_vec(), grid.to_vec());
        let in_b = for_each_band_pass::<B>(
            (&mut a, &mut b),
            shape,
            band_rows,
            halo,
            ring,
            passes,
            |_, first, input, out| {
                smooth_rows(&|r| input.row(r).to_vec(), first, out, shape, halo, ring);
            },
        );
        if in_b { b } else { a }
    }

    proptest! {
        #[test]
        fn band_sweeps_equal_whole_passes_on_every_thread_count(
            rows in 1_usize..30,
            cols in 1_usize..4,
            band_rows in 1_usize..12,
            halo in 0_usize..7,
            ring in any::<bool>(),
            passes in 0_usize..6,
            threads in prop::sample::select(THREAD_COUNTS.to_vec()),
        ) {
            let shape = (rows, cols);
            let grid: Vec<f64> = (0..rows * cols).map(|x| ((x * 37) % 11) as f64 - 4.5).collect();
            let mut expected = grid.clone();
            for _ in 0..passes {
                let before = expected.clone();
                let row = |r: usize| before[r * cols..(r + 1) * cols].to_vec();
                smooth_rows(&row, 0, &mut expected, shape, halo, ring);
            }
            prop_assert_eq!(&swept::<Serial>(&grid, shape, band_rows, halo, ring, passes), &expected);
            let parallel = in_pool(threads, || swept::<Parallel>(&grid, shape, band_rows, halo, ring, passes));
            prop_assert_eq!(&parallel, &expected);
        }
    }

    /// Reads row `row` in band 0 (rows 0..3 of 10) with a halo of one.
    fn read_from_band_zero(row: usize, ring: bool) {
        let (mut a, mut b) = (vec![0.0; 10], vec![0.0; 10]);
        for_each_band_pass::<Serial>(
            (&mut a, &mut b),
            (10, 1),
            3,
            1,
            ring,
            1,
            |_, first, input, _| {
                if first == 0 {
                    input.row(row);
                }
            },
        );
    }

    #[test]
    fn rows_within_the_halo_are_readable_and_wrap_on_a_ring() {
        for row in [0, 2, 3] {
            read_from_band_zero(row, false);
            read_from_band_zero(row, true);
        }
        read_from_band_zero(9, true);
    }

    #[test]
    #[should_panic(expected = "beyond the band's reach")]
    fn a_row_past_the_halo_is_refused() {
        read_from_band_zero(4, true);
    }

    #[test]
    #[should_panic(expected = "beyond the band's reach")]
    fn a_line_does_not_wrap() {
        read_from_band_zero(9, false);
    }
}
