//! The lane-interleaved row layout of fused passes.
//!
//! A vector loop over a row in the usual order needs each cell's left and
//! right neighbours as vectors too: either two more loads, one value off
//! the vector's own (each splitting a cache line), or two lane shifts
//! (`valignq`) per vector on the same port as half the arithmetic. Both
//! cost about as much as the update itself.
//!
//! Interleaving the row removes them. A row of `m = w·len` values, `w`
//! lanes per vector, is stored so that position `w·v + l` (lane `l` of
//! vector `v`) holds column `l·len + v`: every lane holds a contiguous run
//! of `len` columns, one per vector. The columns left and right of vector
//! `v` are then exactly vectors `v − 1` and `v + 1`, lane for lane, loaded
//! whole and on a cache line. Only the two ends differ: left of vector 0 is
//! the last vector rotated up by one lane, right of the last vector is the
//! first rotated down by one, and the lane that wraps around in that
//! rotation is precisely the periodic wrap (column `m − 1` left of column
//! 0, and column 0 right of column `m − 1`). Two rotations per row replace
//! two per vector.
//!
//! Vertical neighbours are the same position in the rows above and below,
//! in either layout, and so are the two edge columns (column 0 sits at
//! position 0 and column `m − 1` at `m − 1`), so a fused pass changes
//! nothing but the row update. The grid is interleaved once before a run's
//! passes and put back after them, two cheap passes over memory against
//! the run's many.
//!
//! ```text
//! columns 0..8, w = 4 lanes, len = 2:   position:  0  1  2  3 | 4  5  6  7
//!                                       column:    0  2  4  6 | 1  3  5  7
//! ```

/// Position of column `j` in a row of `cols` values interleaved over
/// `width` lanes (`cols` a multiple of `width`).
pub(crate) fn position(j: usize, cols: usize, width: usize) -> usize {
    let len = cols / width;
    (j % len) * width + j / len
}

/// Which way [`rearrange_row`] moves the values of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Column order to the interleaved layout.
    Interleave,
    /// The interleaved layout back to column order.
    Restore,
}

/// Writes `from` into `to` (both one row, `cols` values) rearranged in
/// `direction` for `width` lanes.
///
/// # Panics
/// If the rows differ in length, or `width` is 0 or does not divide it.
#[inline]
pub(crate) fn rearrange_row(to: &mut [f64], from: &[f64], width: usize, direction: Direction) {
    let cols = to.len();
    assert!(
        from.len() == cols && width > 0 && cols.is_multiple_of(width),
        "whole rows of whole vectors"
    );
    match (width, direction) {
        (4, Direction::Interleave) => interleave::<4>(to, from),
        (4, Direction::Restore) => restore::<4>(to, from),
        (8, Direction::Interleave) => interleave::<8>(to, from),
        (8, Direction::Restore) => restore::<8>(to, from),
        _ => {
            let len = cols / width;
            for lane in 0..width {
                for v in 0..len {
                    let (column, position) = (lane * len + v, width * v + lane);
                    match direction {
                        Direction::Interleave => to[position] = from[column],
                        Direction::Restore => to[column] = from[position],
                    }
                }
            }
        }
    }
}

/// `to` in the layout of `W` lanes from `plain`, in column order: vector by
/// vector, each from the `W` runs of columns. The lane widths of the vector
/// tokens get their own loops, so that the `W` loads and stores per vector
/// are unrolled.
#[inline]
fn interleave<const W: usize>(to: &mut [f64], plain: &[f64]) {
    let len = plain.len() / W;
    let runs: [&[f64]; W] = std::array::from_fn(|lane| &plain[lane * len..(lane + 1) * len]);
    for (v, vector) in to.chunks_exact_mut(W).enumerate() {
        for (slot, run) in vector.iter_mut().zip(&runs) {
            *slot = run[v];
        }
    }
}

/// `to` in column order from `interleaved`, in the layout of `W` lanes:
/// run by run, each from one lane of every vector.
#[inline]
fn restore<const W: usize>(to: &mut [f64], interleaved: &[f64]) {
    let len = to.len() / W;
    for (lane, run) in to.chunks_exact_mut(len.max(1)).enumerate() {
        for (slot, vector) in run.iter_mut().zip(interleaved.chunks_exact(W)) {
            *slot = vector[lane];
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_land_where_the_layout_says_and_come_back() {
        for (cols, width) in [
            (8, 4),
            (16, 8),
            (8, 8),
            (4, 4),
            (24, 4),
            (40, 8),
            (6, 1),
            (12, 3),
        ] {
            let plain: Vec<f64> = (0..cols).map(|i| i as f64).collect();
            let mut row = vec![-1.0; cols];
            rearrange_row(&mut row, &plain, width, Direction::Interleave);
            for j in 0..cols {
                assert_eq!(row[position(j, cols, width)], plain[j]);
            }
            // Horizontal neighbours are whole vectors apart, lane for lane.
            let len = cols / width;
            for j in 1..cols {
                if j % len != 0 {
                    assert_eq!(
                        position(j, cols, width),
                        position(j - 1, cols, width) + width
                    );
                }
            }
            assert_eq!(position(0, cols, width), 0);
            assert_eq!(position(cols - 1, cols, width), cols - 1);
            let mut back = vec![-1.0; cols];
            rearrange_row(&mut back, &row, width, Direction::Restore);
            assert_eq!(back, plain, "{cols} columns, {width} lanes");
        }
    }

    #[test]
    fn the_example_in_the_module_docs_holds() {
        let plain: Vec<f64> = (0..8).map(f64::from).collect();
        let mut row = [0.0; 8];
        rearrange_row(&mut row, &plain, 4, Direction::Interleave);
        assert_eq!(row, [0.0, 2.0, 4.0, 6.0, 1.0, 3.0, 5.0, 7.0]);
    }

    #[test]
    #[should_panic(expected = "whole rows of whole vectors")]
    fn rows_that_are_not_whole_vectors_are_refused() {
        rearrange_row(&mut [0.0; 6], &[0.0; 6], 4, Direction::Interleave);
    }
}
