//! Plain serial versions that read like the textbook, for checking the fast
//! kernels. They walk the same chunks and streams in order on one thread:
//! one generator per chunk, created when the previous chunk is done.

use crate::estimate::Estimate;
use crate::estimator::{Estimator, chunk_count, chunk_len};
use crate::pi::Pi;
use crate::rng::{Rng, stream, uniform};

/// The textbook counting loop: for every point, draw `x` and `y`, and count
/// it if `x² + y² ≤ 1`; then `p̂ = hits/n`, π ≈ `4·p̂` with standard error
/// `4·√(p̂(1 − p̂)/(n − 1))`. Its mean has the same bits as
/// [`Pi`]'s on every instruction set: the fast kernel draws the same
/// numbers (each chunk's stream in 8 jumped-to segments, side by side in
/// SIMD lanes) and hit counts are integers; its standard error agrees to
/// rounding.
///
/// ```
/// use montecarlo::{Kernel, Pi, Serial, reference};
/// let pi = Pi::new(100_000, 3)?;
/// let slow = reference::pi(&pi);
/// let fast = pi.run::<Serial>();
/// assert_eq!(slow.mean(), fast.mean());
/// assert!((slow.std_error() - fast.std_error()).abs() < 1e-15);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[must_use]
pub fn pi(pi: &Pi) -> Estimate {
    let n = pi.samples();
    let mut hits: u64 = 0;
    for chunk in 0..chunk_count(n) {
        let mut rng = stream(pi.seed(), chunk as u64);
        for _ in 0..chunk_len(n, chunk) {
            let x = uniform(&mut rng);
            let y = uniform(&mut rng);
            if x * x + y * y <= 1.0 {
                hits += 1;
            }
        }
    }
    let p = hits as f64 / n as f64;
    let mean = 4.0 * hits as f64 / n as f64;
    let std_error = 4.0 * (p * (1.0 - p) / (n as f64 - 1.0)).sqrt();
    Estimate::from_parts(mean, std_error, n)
}

/// The textbook two-pass mean and standard error of the samples
/// [`Estimator::estimate`] draws: pass one sums the samples for the mean
/// `x̄ = Σxᵢ/n`; pass two replays the same streams and sums `(xᵢ − x̄)²` for
/// the unbiased variance `s²`; the standard error is `s/√n`. (Replaying the
/// streams instead of storing the samples keeps it allocation-free; it needs
/// `sample` to be a pure function of the generator.) The fast estimator
/// merges per-chunk moments instead; the two agree to rounding.
///
/// ```
/// use montecarlo::{Estimator, Serial, reference, uniform};
/// let estimator = Estimator::new(50_000, 4)?;
/// let slow = reference::estimate(&estimator, uniform);
/// let fast = estimator.estimate::<Serial, _>(uniform);
/// assert!((slow.mean() - fast.mean()).abs() < 1e-12 * fast.mean());
/// assert!((slow.std_error() - fast.std_error()).abs() < 1e-12 * fast.std_error());
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[must_use]
pub fn estimate<F>(estimator: &Estimator, sample: F) -> Estimate
where
    F: Fn(&mut Rng) -> f64,
{
    let n = estimator.samples();
    let chunks = chunk_count(n);

    let mut sum = 0.0;
    for chunk in 0..chunks {
        let mut rng = stream(estimator.seed(), chunk as u64);
        for _ in 0..chunk_len(n, chunk) {
            sum += sample(&mut rng);
        }
    }
    let mean = sum / n as f64;

    let mut squares = 0.0;
    for chunk in 0..chunks {
        let mut rng = stream(estimator.seed(), chunk as u64);
        for _ in 0..chunk_len(n, chunk) {
            let deviation = sample(&mut rng) - mean;
            squares += deviation * deviation;
        }
    }
    let variance = squares / (n as f64 - 1.0);
    Estimate::from_parts(mean, (variance / n as f64).sqrt(), n)
}
