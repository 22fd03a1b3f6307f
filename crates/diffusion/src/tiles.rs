//! Tiled grids: column strips stored with their halos, each interleaved on
//! its own.
//!
//! A fused pass over whole rows keeps its intermediate rows in a ring of
//! `4·(T − 1)` rows. For rows wider than about 420 columns that ring cannot
//! stay in the 48 KiB L1 data cache for any useful `T`, and the pair loop
//! then waits on L2 for half its loads and all its stores. Cutting the
//! band into column strips shrinks the ring to the strip's width, but a
//! strip needs `T` of its neighbours' columns on each side (a halo), and
//! the pair loop needs whole rows interleaved over the lanes
//! ([`crate::layout`]).
//!
//! A tiled grid stores every row as its strips side by side, each widened
//! by its halo and interleaved on its own: a *tile row*. A pass then reads
//! tile rows straight from the grid and computes every level on whole tile
//! rows, as if each wrapped around. That wrap is wrong at the tile's two
//! ends, and each level carries the wrong values one column further in, so
//! after `T ≤ halo` levels the strip's own columns are still exact: every
//! one of their cells is computed from the same values, in the same order,
//! as in a step-by-step run. After the pass, the halo of each output row is
//! copied from the strips that own those columns ([`Tiling::fill_halo`]).
//!
//! For fixed boundaries, the grid's first and last columns, wherever a tile
//! holds them unwrapped, are put back after every level
//! ([`Tiling::fixed_positions`]): between them every cell is exact, and
//! what lies outside them never crosses them.
//!
//! A run converts the grid to tiles before its first pass and back after
//! its last; between passes the grids stay tiled.

use crate::grid2d::LINE;
use crate::layout;
use crate::stencil::strips;

/// Values in one tile row: a strip of `strip` columns with `halo` columns
/// on each side, rounded up to whole cache lines (the right halo takes the
/// rounding), so that every tile row starts on a line and is a whole
/// number of vectors for every lane width.
pub(crate) fn tile_len(strip: usize, halo: usize) -> usize {
    (strip + 2 * halo).next_multiple_of(LINE)
}

/// Where every column of a `cols`-wide grid lives in its tiled rows, for
/// strips of about `strip_cols` columns ([`strips`]) with a halo of `halo`
/// columns, interleaved over `width` lanes.
#[derive(Debug)]
pub(crate) struct Tiling {
    /// Values per tile row (the same for every strip).
    pub(crate) tile: usize,
    /// The grid column at every position of a tiled row.
    column_of: Vec<usize>,
    /// The position of every grid column in the tile of the strip that
    /// owns it.
    home: Vec<usize>,
    /// The positions of a tiled row that hold a halo column, each with its
    /// column's home.
    halo: Vec<(usize, usize)>,
    /// For each tile, the positions within it of the grid's first and last
    /// columns, where the tile holds them unwrapped.
    fixed: Vec<Vec<usize>>,
}

impl Tiling {
    /// The tiling of a `cols`-wide grid (`cols ≥ 1`) into strips of about
    /// `strip_cols` columns with `halo` columns on each side, interleaved
    /// over `width` lanes (a divisor of [`LINE`]).
    pub(crate) fn new(cols: usize, strip_cols: usize, halo: usize, width: usize) -> Self {
        let cut: Vec<_> = strips(cols, strip_cols).collect();
        let widest = cut.iter().map(|(c0, c1)| c1 - c0).max().unwrap_or(0);
        let tile = tile_len(widest, halo);
        let m = cols as isize;
        let mut column_of = vec![0; cut.len() * tile];
        let mut home = vec![0; cols];
        let mut fixed = vec![Vec::new(); cut.len()];
        for (s, &(c0, c1)) in cut.iter().enumerate() {
            for e in 0..tile {
                let virtual_column = (c0 + e) as isize - halo as isize;
                let column = virtual_column.rem_euclid(m) as usize;
                let at = layout::position(e, tile, width);
                column_of[s * tile + at] = column;
                if (c0..c1).contains(&column) && virtual_column == column as isize {
                    home[column] = s * tile + at;
                }
                if virtual_column == 0 || virtual_column == m - 1 {
                    fixed[s].push(at);
                }
            }
        }
        let halo = column_of
            .iter()
            .enumerate()
            .filter(|&(at, &column)| home[column] != at)
            .map(|(at, &column)| (at, home[column]))
            .collect();
        Tiling {
            tile,
            column_of,
            home,
            halo,
            fixed,
        }
    }

    /// Values per tiled row: one tile row per strip.
    pub(crate) fn row_len(&self) -> usize {
        self.column_of.len()
    }

    /// Tiles: strips of the grid.
    pub(crate) fn tiles(&self) -> usize {
        self.fixed.len()
    }

    /// Writes the grid row `row` (column order) as the tiled row `tiled`.
    pub(crate) fn tile_row(&self, tiled: &mut [f64], row: &[f64]) {
        for (value, &column) in tiled.iter_mut().zip(&self.column_of) {
            *value = row[column];
        }
    }

    /// Writes the tiled row `tiled` back as the grid row `row`, each column
    /// from the strip that owns it.
    pub(crate) fn untile_row(&self, row: &mut [f64], tiled: &[f64]) {
        for (value, &at) in row.iter_mut().zip(&self.home) {
            *value = tiled[at];
        }
    }

    /// Copies into the halo of every tile of `tiled` the values of the
    /// strips that own those columns.
    pub(crate) fn fill_halo(&self, tiled: &mut [f64]) {
        for &(at, from) in &self.halo {
            tiled[at] = tiled[from];
        }
    }

    /// The positions, within tile `s`, of the grid's first and last columns
    /// where that tile holds them unwrapped: fixed boundaries put them back
    /// after every level.
    pub(crate) fn fixed_positions(&self, s: usize) -> &[usize] {
        &self.fixed[s]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_round_trip_and_halos_hold_the_neighbour_columns() {
        for (cols, strip_cols, halo) in [(37, 8, 3), (64, 16, 9), (3, 1, 5), (520, 128, 8)] {
            for width in [1, 4, 8] {
                let tiling = Tiling::new(cols, strip_cols, halo, width);
                let row: Vec<f64> = (0..cols).map(|j| j as f64).collect();
                let mut tiled = vec![-1.0; tiling.row_len()];
                tiling.tile_row(&mut tiled, &row);
                let what = format!("{cols} {strip_cols} {halo} {width}");
                assert_eq!(tiling.tile % LINE, 0, "{what}");
                for (s, (c0, _)) in strips(cols, strip_cols).enumerate() {
                    for e in 0..tiling.tile {
                        let at = s * tiling.tile + layout::position(e, tiling.tile, width);
                        let column = (c0 + e + cols * halo - halo) % cols;
                        assert_eq!(tiled[at], column as f64, "{what}: tile {s}, {e}");
                    }
                }
                // Spoil every halo value: filling the halo restores them.
                let mut spoilt = tiled.clone();
                for &(at, _) in &tiling.halo {
                    spoilt[at] = -7.0;
                }
                tiling.fill_halo(&mut spoilt);
                assert_eq!(spoilt, tiled, "{what}");
                let mut back = vec![-1.0; cols];
                tiling.untile_row(&mut back, &tiled);
                assert_eq!(back, row, "{what}");
            }
        }
    }

    #[test]
    fn fixed_positions_are_the_unwrapped_edge_columns() {
        let tiling = Tiling::new(40, 8, 9, 4);
        // Strips of 8 columns with a halo of 9: the first column is in the
        // first two tiles, unwrapped; the last column in the last two.
        let count: Vec<_> = (0..tiling.tiles())
            .map(|s| tiling.fixed_positions(s).len())
            .collect();
        assert_eq!(count, [1, 1, 0, 1, 1]);
        assert_eq!(tiling.fixed_positions(0), [layout::position(9, 32, 4)]);
    }
}
