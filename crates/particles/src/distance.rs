//! The all-pairs distance matrix of the NumPy/numexpr chapter.

use std::mem::MaybeUninit;

use kernels_core::memory::advise_huge_pages;
use kernels_core::{Backend, Error, Isa, Kernel, Result, Schedule, Vectorized, Work, validate};
use ndarray::Array2;
use rand_core::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::evolve::{same_len_as_x, unit_f64};

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
/// The published size is `n = 10 000` (800 MB of output), bound by fresh
/// memory and square roots: NumPy broadcasting needs temporaries for the
/// differences and squares, numexpr fuses them; here each row is one fused
/// pass over the two input slices, vectorised for the kernel's [`Isa`], into
/// an uninitialised output advised onto huge pages (see the crate docs).
/// Rows are grouped into chunks of at least 4096 entries and run in
/// parallel; every entry is computed the same way on any backend and any
/// [`Isa`], so the result is bit-identical, exactly symmetric
/// (`(a − b)² = (b − a)²` in IEEE arithmetic) with an exactly zero diagonal.
/// Work: `n²` pairs, 6 flops each, 8·n² bytes written.
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
#[derive(Debug, Clone)]
pub struct DistanceMatrix {
    x: Vec<f64>,
    y: Vec<f64>,
    isa: Isa,
}

/// Two kernels are equal when their points are: the instruction set does
/// not change the answer.
///
/// ```
/// use kernels_core::{Isa, Vectorized};
/// use particles::DistanceMatrix;
/// let a = DistanceMatrix::random(10, 1)?;
/// assert_eq!(a.clone().with_isa(Isa::Scalar)?, a);
/// assert_ne!(DistanceMatrix::random(10, 2)?, a);
/// # Ok::<(), kernels_core::Error>(())
/// ```
impl PartialEq for DistanceMatrix {
    fn eq(&self, other: &Self) -> bool {
        self.x == other.x && self.y == other.y
    }
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
        same_len_as_x("y", y.len(), n)?;
        for (name, values) in [("x", &x), ("y", &y)] {
            for &value in values {
                validate::in_range(name, value, -COORD_LIMIT..=COORD_LIMIT)?;
            }
        }
        Ok(DistanceMatrix {
            x,
            y,
            isa: Isa::selected(),
        })
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

/// The hot loop: one row of distances from point `(xi, yi)` to every point,
/// each entry written exactly once (the output starts uninitialised).
/// Compiled inside each `#[target_feature]` wrapper, the loop vectorises to
/// that width (8 lanes of `vsqrtpd zmm` for AVX-512); the operations and
/// their order are those of the reference, so every width gives the same
/// bits.
#[inline(always)]
fn distance_row(row: &mut [MaybeUninit<f64>], x: &[f64], y: &[f64], xi: f64, yi: f64) {
    for ((d, &xj), &yj) in row.iter_mut().zip(x).zip(y) {
        let dx = xj - xi;
        let dy = yj - yi;
        d.write((dx * dx + dy * dy).sqrt());
    }
}

/// Fills the whole rows `chunk` (row `first_row` onwards) of the `n × n`
/// matrix, `n = x.len()`.
#[inline(always)]
fn distance_rows(chunk: &mut [MaybeUninit<f64>], first_row: usize, x: &[f64], y: &[f64]) {
    let n = x.len();
    for (offset, row) in chunk.chunks_exact_mut(n).enumerate() {
        let i = first_row + offset;
        distance_row(row, x, y, x[i], y[i]);
    }
}

/// [`distance_rows`] for AVX-512, 16 entries at a time: the square roots of
/// the first 8 on the divider (`vsqrtpd`), those of the other 8 on the FMA
/// units ([`crate::fma_exact::sqrt`], correctly rounded too), so both units
/// work at once; the last `n mod 16` entries of a row take the plain loop.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
fn distance_rows_avx512(chunk: &mut [MaybeUninit<f64>], first_row: usize, x: &[f64], y: &[f64]) {
    use core::arch::x86_64::{
        __m512d, _mm512_add_pd, _mm512_loadu_pd, _mm512_mul_pd, _mm512_set1_pd, _mm512_sqrt_pd,
        _mm512_storeu_pd, _mm512_sub_pd,
    };
    let n = x.len();
    assert_eq!(y.len(), n);
    for (offset, row) in chunk.chunks_exact_mut(n).enumerate() {
        let i = first_row + offset;
        let (xi, yi) = (_mm512_set1_pd(x[i]), _mm512_set1_pd(y[i]));
        let squared = |j: usize| -> __m512d {
            // SAFETY: callers pass j + 8 ≤ n = x.len() = y.len().
            let (xj, yj) = unsafe {
                (
                    _mm512_loadu_pd(x.as_ptr().add(j)),
                    _mm512_loadu_pd(y.as_ptr().add(j)),
                )
            };
            let (dx, dy) = (_mm512_sub_pd(xj, xi), _mm512_sub_pd(yj, yi));
            _mm512_add_pd(_mm512_mul_pd(dx, dx), _mm512_mul_pd(dy, dy))
        };
        let out = row.as_mut_ptr().cast::<f64>();
        let whole = n - n % 16;
        for j in (0..whole).step_by(16) {
            let on_divider = _mm512_sqrt_pd(squared(j));
            let on_fma = crate::fma_exact::sqrt(squared(j + 8));
            // SAFETY: j + 16 ≤ whole ≤ n = row.len(); MaybeUninit<f64> has
            // the layout of f64, and writing initialises the entries.
            unsafe {
                _mm512_storeu_pd(out.add(j), on_divider);
                _mm512_storeu_pd(out.add(j + 8), on_fma);
            }
        }
        distance_row(&mut row[whole..], &x[whole..], &y[whole..], x[i], y[i]);
    }
}

/// [`distance_rows`] compiled for AVX2 (FMA enabled for code generation
/// only; nothing is fused).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn distance_rows_avx2(chunk: &mut [MaybeUninit<f64>], first_row: usize, x: &[f64], y: &[f64]) {
    distance_rows(chunk, first_row, x, y);
}

impl DistanceMatrix {
    /// Writes every entry of `data` (the `n × n` matrix, row-major) once,
    /// rows in chunks on backend `B`, the hot loop compiled for `self.isa`.
    fn fill<B: Backend>(&self, data: &mut [MaybeUninit<f64>], schedule: Schedule) {
        let n = self.len();
        debug_assert_eq!(data.len(), n * n);
        let rows_per_chunk = CHUNK_ENTRIES.div_ceil(n).max(1);
        let (x, y, isa) = (&self.x[..], &self.y[..], self.isa);
        B::for_each_chunk(
            data,
            rows_per_chunk * n,
            schedule,
            |chunk_index, chunk: &mut [MaybeUninit<f64>]| {
                let first_row = chunk_index * rows_per_chunk;
                match isa {
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: `isa` came through `Isa::require` or
                    // `Isa::selected`, so this CPU has AVX-512 F/DQ/VL/BW.
                    Isa::Avx512 => unsafe { distance_rows_avx512(chunk, first_row, x, y) },
                    #[cfg(target_arch = "x86_64")]
                    // SAFETY: `isa` came through `Isa::require` or
                    // `Isa::selected`, so this CPU has AVX2 and FMA.
                    Isa::Avx2 => unsafe { distance_rows_avx2(chunk, first_row, x, y) },
                    _ => distance_rows(chunk, first_row, x, y),
                }
            },
        );
    }

    /// Computes the matrix into `out`, reusing its memory: for repeated
    /// runs this skips the allocation and the page faults of touching fresh
    /// memory (measured at `n = 5000` on one core: about three quarters of a
    /// run with 4 KiB pages, still about 40 % with huge pages; see the crate
    /// docs).
    /// Bit-identical to [`Kernel::run`].
    ///
    /// # Errors
    /// [`Error::ShapeMismatch`] `"out"` unless `out` is `n × n` in standard
    /// (row-major, contiguous) layout.
    ///
    /// ```
    /// use kernels_core::{Kernel, Parallel, Serial};
    /// use ndarray::Array2;
    /// use particles::DistanceMatrix;
    ///
    /// let kernel = DistanceMatrix::random(300, 5)?;
    /// let mut out = Array2::zeros((300, 300));
    /// kernel.run_into::<Parallel>(&mut out)?;
    /// assert_eq!(out, kernel.run::<Serial>());
    /// let err = kernel.run_into::<Serial>(&mut Array2::zeros((3, 3))).unwrap_err();
    /// assert_eq!(err.parameter(), "out");
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn run_into<B: Backend>(&self, out: &mut Array2<f64>) -> Result<()> {
        let n = self.len();
        let shape = out.dim();
        let data = match out.as_slice_mut() {
            Some(data) if shape == (n, n) => data,
            _ => {
                return Err(Error::ShapeMismatch {
                    name: "out",
                    expected: format!("[{n}, {n}] in standard layout"),
                    found: format!("[{}, {}]", shape.0, shape.1),
                });
            }
        };
        // SAFETY: `MaybeUninit<f64>` has the size, alignment and validity
        // of `f64`, and `fill` only ever writes initialised values, so the
        // slice stays fully initialised.
        let data = unsafe { &mut *(std::ptr::from_mut::<[f64]>(data) as *mut [MaybeUninit<f64>]) };
        self.fill::<B>(data, self.default_schedule());
        Ok(())
    }
}

impl Vectorized for DistanceMatrix {
    /// The instruction set the row loop runs with ([`Isa::selected`] unless
    /// changed). Every level gives the same bits.
    ///
    /// ```
    /// use kernels_core::{Isa, Vectorized};
    /// let kernel = particles::DistanceMatrix::random(10, 1)?;
    /// assert_eq!(kernel.isa(), Isa::selected());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn isa(&self) -> Isa {
        self.isa
    }

    /// The same kernel with its row loop compiled for `isa`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] `"isa"` when this CPU does not support `isa`.
    ///
    /// ```
    /// use kernels_core::{Isa, Kernel, Serial, Vectorized};
    /// let kernel = particles::DistanceMatrix::random(50, 1)?;
    /// let scalar = kernel.clone().with_isa(Isa::Scalar)?;
    /// assert_eq!(kernel.run::<Serial>(), scalar.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn with_isa(self, isa: Isa) -> Result<DistanceMatrix> {
        Ok(DistanceMatrix {
            isa: isa.require()?,
            ..self
        })
    }
}

impl Kernel for DistanceMatrix {
    type Output = Array2<f64>;

    /// Allocates the output uninitialised (no zero-fill pass: each page is
    /// first touched by the thread whose chunk writes it) and writes every
    /// entry once.
    fn run_with<B: Backend>(&self, schedule: Schedule) -> Array2<f64> {
        let n = self.len();
        let mut out = Array2::<f64>::uninit((n, n));
        let data = out
            .as_slice_mut()
            .expect("a freshly allocated Array2 is in standard layout");
        advise_huge_pages(data);
        self.fill::<B>(data, schedule);
        // SAFETY: `fill` wrote every one of the n·n entries: the chunks of
        // `for_each_chunk` cover the slice, each chunk holds whole rows, and
        // `distance_row` writes every entry of its row.
        unsafe { out.assume_init() }
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
