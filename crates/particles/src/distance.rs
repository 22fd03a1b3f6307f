//! The all-pairs distance matrix of the NumPy/numexpr chapter.

use kernels_core::{Backend, Error, Kernel, Result, Schedule, Work, validate};
use ndarray::Array2;
use rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::evolve::unit_f64;

/// Largest accepted `|coordinate|`: keeps every squared difference, and so
/// every distance, finite.
const COORD_LIMIT: f64 = 1e150;

/// Target number of matrix entries per chunk; whole rows are grouped until
/// a chunk holds at least this many (from `n` alone, never the thread count).
const CHUNK_ENTRIES: usize = 4096;

/// Flops per entry: two subtractions, two multiplications, one addition, one
/// square root.
const FLOPS_PER_PAIR: u64 = 6;

/// The `n × n` matrix of distances between `n` points in the plane,
/// `D[i][j] = sqrt((x_j − x_i)² + (y_j − y_i)²)`.
///
/// The published size is `n = 10 000` (800 MB of output), memory-bound:
/// NumPy broadcasting needs temporaries for the differences and squares,
/// numexpr fuses them; here each row is one fused pass over the two input
/// slices. Rows are grouped into chunks of at least 4096 entries and run in
/// parallel; every entry is computed the same way on any backend, so the
/// result is bit-identical, exactly symmetric (`(a − b)² = (b − a)²` in IEEE
/// arithmetic) with an exactly zero diagonal. Work: `n²` pairs, 6 flops
/// each, 8·n² bytes written.
///
/// ```
/// use kernels_core::{Kernel, Parallel, Serial};
/// use particles::DistanceMatrix;
///
/// let kernel = DistanceMatrix::new(vec![0.0, 3.0, 0.0], vec![0.0, 0.0, 4.0])?;
/// let d = kernel.run::<Parallel>();
/// assert_eq!(d[[1, 2]], 5.0);
/// assert_eq!(d, kernel.run::<Serial>());
/// assert_eq!(kernel.work(&d).items, 9);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct DistanceMatrix {
    x: Vec<f64>,
    y: Vec<f64>,
}

impl DistanceMatrix {
    /// The distance-matrix kernel for the points `(x[i], y[i])`.
    ///
    /// # Errors
    /// * [`Error::OutOfRange`] `"points"` for no points, [`Error::TooLarge`]
    ///   `"points"` when the `n × n` output cannot be allocated;
    /// * [`Error::ShapeMismatch`] `"y"` when `y.len() != x.len()`;
    /// * [`Error::NotFinite`] `"x"` or `"y"` for NaN or ±∞, and
    ///   [`Error::OutOfRange`] `"x"` or `"y"` for `|value| > 1e150` (the
    ///   squared differences would overflow).
    ///
    /// ```
    /// use particles::DistanceMatrix;
    /// assert_eq!(DistanceMatrix::new(vec![0.0, 1.0], vec![0.0, 1.0])?.len(), 2);
    /// let err = DistanceMatrix::new(vec![0.0], vec![]).unwrap_err();
    /// assert_eq!(err.parameter(), "y");
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn new(x: Vec<f64>, y: Vec<f64>) -> Result<DistanceMatrix> {
        let n = x.len();
        validate::grid_len::<f64>("points", n, n)?;
        if y.len() != n {
            return Err(Error::ShapeMismatch {
                name: "y",
                expected: format!("[{n}] (the length of x)"),
                found: format!("[{}]", y.len()),
            });
        }
        for (name, values) in [("x", &x), ("y", &y)] {
            for &value in values {
                validate::in_range(name, value, -COORD_LIMIT..=COORD_LIMIT)?;
            }
        }
        Ok(DistanceMatrix { x, y })
    }

    /// `n` points uniform in the unit square `[0, 1)²`, drawn `x, y` per
    /// point from `Xoshiro256PlusPlus::seed_from_u64(seed)`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] `"points"` for `n = 0`, [`Error::TooLarge`]
    /// `"points"` when the `n × n` output cannot be allocated.
    ///
    /// ```
    /// use particles::DistanceMatrix;
    /// let kernel = DistanceMatrix::random(100, 3)?;
    /// assert!(kernel.x().iter().all(|v| (0.0..1.0).contains(v)));
    /// assert_eq!(kernel, DistanceMatrix::random(100, 3)?);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn random(n: usize, seed: u64) -> Result<DistanceMatrix> {
        validate::grid_len::<f64>("points", n, n)?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let (mut x, mut y) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            x.push(unit_f64(&mut rng));
            y.push(unit_f64(&mut rng));
        }
        DistanceMatrix::new(x, y)
    }

    /// The x coordinates.
    ///
    /// ```
    /// let k = particles::DistanceMatrix::new(vec![1.0], vec![2.0])?;
    /// assert_eq!(k.x(), &[1.0]);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// The y coordinates.
    ///
    /// ```
    /// let k = particles::DistanceMatrix::new(vec![1.0], vec![2.0])?;
    /// assert_eq!(k.y(), &[2.0]);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn y(&self) -> &[f64] {
        &self.y
    }

    /// Number of points `n` (at least one); the output is `n × n`.
    ///
    /// ```
    /// assert_eq!(particles::DistanceMatrix::random(5, 0)?.len(), 5);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Always `false`: constructors reject zero points.
    ///
    /// ```
    /// assert!(!particles::DistanceMatrix::random(1, 0)?.is_empty());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }
}

/// The hot loop: one row of distances from point `(xi, yi)` to every point.
fn distance_row(row: &mut [f64], x: &[f64], y: &[f64], xi: f64, yi: f64) {
    for ((d, &xj), &yj) in row.iter_mut().zip(x).zip(y) {
        let dx = xj - xi;
        let dy = yj - yi;
        *d = (dx * dx + dy * dy).sqrt();
    }
}

impl Kernel for DistanceMatrix {
    type Output = Array2<f64>;

    fn run_with<B: Backend>(&self, schedule: Schedule) -> Array2<f64> {
        let n = self.len();
        let rows_per_chunk = CHUNK_ENTRIES.div_ceil(n).max(1);
        let mut out = Array2::zeros((n, n));
        let data = out
            .as_slice_mut()
            .expect("a freshly allocated Array2 is in standard layout");
        let (x, y) = (&self.x[..], &self.y[..]);
        B::for_each_chunk(
            data,
            rows_per_chunk * n,
            schedule,
            |chunk_index, chunk: &mut [f64]| {
                let first_row = chunk_index * rows_per_chunk;
                for (offset, row) in chunk.chunks_exact_mut(n).enumerate() {
                    let i = first_row + offset;
                    distance_row(row, x, y, x[i], y[i]);
                }
            },
        );
        out
    }

    fn default_schedule(&self) -> Schedule {
        Schedule::Static
    }

    fn work(&self, _: &Array2<f64>) -> Work {
        let pairs = (self.len() as u64).pow(2);
        Work::new(pairs, "pairs")
            .with_flops(pairs * FLOPS_PER_PAIR)
            .with_bytes(pairs * 8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::Serial;

    #[test]
    fn rows_group_into_chunks_of_at_least_4096_entries() {
        // n = 100: 41 rows per chunk, 3 chunks; the last row must be filled.
        let kernel = DistanceMatrix::random(100, 9).unwrap();
        let d = kernel.run::<Serial>();
        assert_eq!(d, crate::reference::distance_matrix(kernel.x(), kernel.y()));
        assert!(d.row(99).iter().filter(|&&v| v > 0.0).count() == 99);
    }

    #[test]
    fn work_is_n_squared() {
        let kernel = DistanceMatrix::random(10, 0).unwrap();
        let work = kernel.work(&kernel.run::<Serial>());
        assert_eq!((work.items, work.flops, work.bytes), (100, 600, 800));
    }
}
