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

// SAFETY: a `GridRows` hands out shared slices only of rows that nobody
// writes while it lives (see `for_each_band_pass`), as a `&[f64]` would.
unsafe impl Send for GridRows<'_> {}
// SAFETY: as for `Send`.
unsafe impl Sync for GridRows<'_> {}

impl<'a> GridRows<'a> {
    /// Row `r`.
    ///
    /// # Panics
    /// Panics if `r` is not within the band's reach (a bug in the band
    /// update: it would read rows another band may be writing).
    #[inline(always)]
    pub(crate) fn row(self, r: usize) -> &'a [f64] {
        let offset = (r + self.rows - self.first) % self.rows;
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
