//! The hot loop: row-by-row matrix products over contiguous slices, and the
//! chunking that hands output rows to a backend.

use kernels_core::{Backend, Schedule};

/// Multiply-adds per chunk of output rows: large enough that a task's
/// overhead is negligible, small enough that the published case still splits
/// into several chunks. Chunk boundaries depend only on the problem size.
const MULTIPLY_ADDS_PER_CHUNK: usize = 1 << 14;

/// Table entries per chunk when filling sine and coefficient tables.
const ENTRIES_PER_CHUNK: usize = 1 << 12;

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

/// `out = l · r` for row-major `l` (`rows × inner`), `r` (`inner × cols`)
/// and `out` (`rows × cols`), output rows in chunks on backend `B`.
///
/// Each output element is accumulated in the same order (`k = 0, 1, …`)
/// whatever the chunking, so every backend gives the same bits.
pub(crate) fn matrix_product<B: Backend>(
    out: &mut [f64],
    l: &[f64],
    r: &[f64],
    inner: usize,
    cols: usize,
    schedule: Schedule,
) {
    let (inner, cols) = (inner.max(1), cols.max(1));
    let rows_per_chunk = (MULTIPLY_ADDS_PER_CHUNK / inner.saturating_mul(cols)).max(1);
    B::for_each_chunk(
        out,
        rows_per_chunk * cols,
        schedule,
        |chunk, out: &mut [f64]| {
            let first = chunk * rows_per_chunk * inner;
            let l = &l[first..first + out.len() / cols * inner];
            multiply_rows(out, l, r, inner, cols);
        },
    );
}

/// The hot loop: for every output row, `out_row = Σ_k l_row[k] · r[k, ..]`
/// as a sequence of contiguous axpys (`out_row += l_row[k] · r_row`), which
/// the compiler vectorises; no fused multiply-add.
#[inline(never)]
fn multiply_rows(out: &mut [f64], l: &[f64], r: &[f64], inner: usize, cols: usize) {
    for (out_row, l_row) in out.chunks_exact_mut(cols).zip(l.chunks_exact(inner)) {
        out_row.fill(0.0);
        for (&factor, r_row) in l_row.iter().zip(r.chunks_exact(cols)) {
            for (o, &v) in out_row.iter_mut().zip(r_row) {
                *o += factor * v;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::{Parallel, Serial};

    #[test]
    fn small_product_is_exact() {
        // [1 2; 3 4; 5 6] · [1 0 2; 0 1 3]
        let l = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let r = [1.0, 0.0, 2.0, 0.0, 1.0, 3.0];
        let mut out = [f64::NAN; 9];
        matrix_product::<Serial>(&mut out, &l, &r, 2, 3, Schedule::Static);
        assert_eq!(out, [1.0, 2.0, 8.0, 3.0, 4.0, 18.0, 5.0, 6.0, 28.0]);
        let mut parallel = [f64::NAN; 9];
        matrix_product::<Parallel>(&mut parallel, &l, &r, 2, 3, Schedule::Dynamic);
        assert_eq!(parallel, out);
    }

    #[test]
    fn many_chunks_cover_every_row() {
        // 300 rows of 100 columns: several chunks of output rows.
        let (rows, inner, cols) = (300, 60, 100);
        let l: Vec<f64> = (0..rows * inner).map(|i| (i % 7) as f64).collect();
        let r: Vec<f64> = (0..inner * cols).map(|i| (i % 5) as f64).collect();
        let mut out = vec![f64::NAN; rows * cols];
        matrix_product::<Parallel>(&mut out, &l, &r, inner, cols, Schedule::Guided);
        for row in [0, 1, 163, 299] {
            for col in [0, 42, 99] {
                let expected: f64 = (0..inner)
                    .map(|k| l[row * inner + k] * r[k * cols + col])
                    .sum();
                assert_eq!(out[row * cols + col], expected);
            }
        }
    }

    #[test]
    fn fill_rows_passes_global_row_indices() {
        let cols = 1000; // 4 rows per chunk
        let mut table = vec![f64::NAN; 10 * cols];
        fill_rows::<Parallel, _>(&mut table, cols, Schedule::Dynamic, |row, out| {
            out.fill(row as f64);
        });
        for (row, values) in table.chunks_exact(cols).enumerate() {
            assert!(values.iter().all(|&v| v == row as f64));
        }
    }
}
