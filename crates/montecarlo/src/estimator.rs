//! The general Monte Carlo estimator over any sampling closure.

use kernels_core::{Backend, Error, Result, Schedule, validate};

use crate::estimate::{Estimate, Moments};
use crate::rng::{CHUNK_SAMPLES, Rng, stream};

/// The most samples one run may take: 2⁴⁰ ≈ 1.1 × 10¹². That is hours of
/// work on a laptop, keeps the chunk count at most 2²⁴ (the parallel backend
/// keeps one partial result per chunk until it folds them in order, so this
/// bounds that buffer to a few hundred MiB), and keeps every count exactly
/// representable as an `f64`.
///
/// ```
/// assert_eq!(montecarlo::MAX_SAMPLES / montecarlo::CHUNK_SAMPLES, 1 << 24);
/// ```
pub const MAX_SAMPLES: u64 = 1 << 40;

/// Checks a sample count: `2 ..= MAX_SAMPLES` (a standard error needs two).
pub(crate) fn validate_samples(samples: u64) -> Result<u64> {
    validate::at_least("samples", samples, 2)?;
    if samples > MAX_SAMPLES {
        return Err(Error::out_of_range(
            "samples",
            samples,
            format_args!("2 ..= {MAX_SAMPLES}"),
        ));
    }
    Ok(samples)
}

/// Number of chunks in a run of `samples` samples.
pub(crate) fn chunk_count(samples: u64) -> usize {
    // At most MAX_SAMPLES / CHUNK_SAMPLES = 2²⁴ chunks: fits any usize ≥ 32 bits.
    samples.div_ceil(CHUNK_SAMPLES) as usize
}

/// Number of samples in chunk `chunk` of a run of `samples` samples.
pub(crate) fn chunk_len(samples: u64, chunk: usize) -> u64 {
    let start = chunk as u64 * CHUNK_SAMPLES;
    (samples - start).min(CHUNK_SAMPLES)
}

/// Runs `map(chunk, len)` on backend `B` for every chunk of a run of
/// `samples` samples (`chunk` is the index of the chunk's stream, `len` its
/// [`chunk_len`]) and folds the results in chunk order with `combine`.
pub(crate) fn map_chunks<B, R>(
    samples: u64,
    schedule: Schedule,
    identity: R,
    map: impl Fn(u64, u64) -> R + Sync + Send,
    combine: impl FnMut(R, R) -> R,
) -> R
where
    B: Backend,
    R: Send,
{
    B::map_reduce(
        chunk_count(samples),
        schedule,
        identity,
        |chunk| map(chunk as u64, chunk_len(samples, chunk)),
        combine,
    )
}

/// Samples per block of [`chunk_moments`].
const BLOCK: usize = 8;

/// Count, mean and M₂ of a block of 1 ..= [`BLOCK`] samples, two-pass in
/// coordinates shifted by the first sample: `dᵢ = xᵢ − x₀`, `d̄ = Σdᵢ/n`,
/// mean `x₀ + d̄`, `M₂ = Σ(dᵢ − d̄)²`. The shift makes a block of equal
/// samples come out exact (mean `x₀`, `M₂ = 0`).
#[inline(always)]
fn block_moments(xs: &[f64]) -> Moments {
    let x0 = xs[0];
    let n = xs.len();
    let mean_shift = xs.iter().map(|x| x - x0).sum::<f64>() / n as f64;
    let m2 = xs
        .iter()
        .map(|x| {
            let e = (x - x0) - mean_shift;
            e * e
        })
        .sum();
    Moments {
        count: n as u64,
        mean: x0 + mean_shift,
        m2,
    }
}

/// Mean and M₂ of `len` samples drawn from `rng`: the hot loop of
/// [`Estimator::estimate`]. The samples are drawn in order, [`BLOCK`] at a
/// time; each block's moments ([`block_moments`]) are merged into the
/// running ones with Chan et al.'s formula. That is as stable as Welford's
/// one-sample update but needs no division per sample: Welford's
/// `mean += δ/k` puts a division (≈ 15 cycles latency) on the loop-carried
/// chain of every sample, which cost 5–10× more than drawing a uniform.
#[inline(always)]
fn chunk_moments<F>(rng: &mut Rng, len: u64, sample: &F) -> Moments
where
    F: Fn(&mut Rng) -> f64,
{
    let mut moments = Moments::EMPTY;
    let mut block = [0.0; BLOCK];
    for _ in 0..len / BLOCK as u64 {
        for x in &mut block {
            *x = sample(rng);
        }
        moments = moments.merge(block_moments(&block));
    }
    // Fewer than BLOCK samples left.
    let rest = &mut block[..(len % BLOCK as u64) as usize];
    if !rest.is_empty() {
        for x in rest.iter_mut() {
            *x = sample(rng);
        }
        moments = moments.merge(block_moments(rest));
    }
    moments
}

/// A general Monte Carlo estimator: the mean of `samples` draws of any
/// sampling closure, with its standard error, reproducible from `seed`.
///
/// The samples are cut into chunks of [`CHUNK_SAMPLES`]; chunk `c` draws from
/// its own generator [`stream`]`(seed, c)` and computes its count, mean and
/// M₂ (two-pass over blocks of 8 samples, blocks merged in order); the chunk results are merged in chunk order
/// with Chan, Golub and LeVeque's formula. The chunks and their streams
/// depend on `samples` and `seed` only, so every backend, schedule and
/// thread count returns the same bits.
///
/// ```
/// use montecarlo::{Estimator, Parallel, Serial, uniform};
/// // E[U²] = 1/3 for U uniform in [0, 1).
/// let estimator = Estimator::new(200_000, 42)?;
/// let square = |rng: &mut montecarlo::Rng| {
///     let u = uniform(rng);
///     u * u
/// };
/// let serial = estimator.estimate::<Serial, _>(square);
/// let parallel = estimator.estimate::<Parallel, _>(square);
/// assert_eq!(serial, parallel);
/// assert!((serial.mean() - 1.0 / 3.0).abs() < 5.0 * serial.std_error());
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Estimator {
    samples: u64,
    seed: u64,
}

impl Estimator {
    /// An estimator that averages `samples` draws, seeded with `seed` (any
    /// value; the same seed gives the same estimate).
    ///
    /// # Errors
    /// [`kernels_core::Error::OutOfRange`] naming `samples` when
    /// `samples < 2` (a standard error needs at least two samples) or
    /// `samples >` [`MAX_SAMPLES`].
    ///
    /// ```
    /// use montecarlo::Estimator;
    /// assert!(Estimator::new(1_000, 7).is_ok());
    /// assert_eq!(Estimator::new(1, 7).unwrap_err().parameter(), "samples");
    /// ```
    pub fn new(samples: u64, seed: u64) -> Result<Estimator> {
        Ok(Estimator {
            samples: validate_samples(samples)?,
            seed,
        })
    }

    /// The number of samples a run averages.
    ///
    /// ```
    /// assert_eq!(montecarlo::Estimator::new(500, 1)?.samples(), 500);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn samples(&self) -> u64 {
        self.samples
    }

    /// The seed of the random streams.
    ///
    /// ```
    /// assert_eq!(montecarlo::Estimator::new(500, 1)?.seed(), 1);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub const fn seed(&self) -> u64 {
        self.seed
    }

    /// The number of chunks (independent streams) a run uses:
    /// `⌈samples / CHUNK_SAMPLES⌉`.
    ///
    /// ```
    /// assert_eq!(montecarlo::Estimator::new(1_000_000, 0)?.chunks(), 16);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn chunks(&self) -> usize {
        chunk_count(self.samples)
    }

    /// Estimates `E[sample(rng)]` on backend `B` with the static schedule
    /// (every chunk costs about the same, so equal blocks balance well).
    ///
    /// `sample` must be a pure function of the generator it is handed (it
    /// runs on several threads at once, and the bit-identical guarantee
    /// needs it to draw the same numbers every time).
    ///
    /// # Non-finite samples
    /// The estimator cannot know in advance what the closure returns. If it
    /// returns NaN or ±∞ (or values whose squared deviations overflow), the
    /// estimate follows IEEE arithmetic: the mean and/or the standard error
    /// come out NaN or ±∞, identically on every backend, and
    /// [`Estimate::is_finite`] returns false. Check it when the closure can
    /// produce such values.
    ///
    /// ```
    /// use montecarlo::{Estimator, Serial, uniform};
    /// // E[4·[U² + V² ≤ 1]] = π.
    /// let est = Estimator::new(100_000, 9)?.estimate::<Serial, _>(|rng| {
    ///     let (x, y) = (uniform(rng), uniform(rng));
    ///     if x * x + y * y <= 1.0 { 4.0 } else { 0.0 }
    /// });
    /// assert!((est.mean() - std::f64::consts::PI).abs() < 5.0 * est.std_error());
    /// assert!(est.is_finite());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn estimate<B, F>(&self, sample: F) -> Estimate
    where
        B: Backend,
        F: Fn(&mut Rng) -> f64 + Sync,
    {
        self.estimate_with::<B, F>(Schedule::Static, sample)
    }

    /// [`Estimator::estimate`] with an explicit [`Schedule`] (which changes
    /// timing only, never the result).
    ///
    /// # Non-finite samples
    /// As for [`Estimator::estimate`]: non-finite samples give a non-finite
    /// estimate ([`Estimate::is_finite`] is false), never a panic.
    ///
    /// ```
    /// use montecarlo::{Estimator, Parallel, Schedule, Serial, uniform};
    /// let estimator = Estimator::new(300_000, 5)?;
    /// let serial = estimator.estimate::<Serial, _>(uniform);
    /// for schedule in Schedule::ALL {
    ///     let parallel = estimator.estimate_with::<Parallel, _>(schedule, uniform);
    ///     assert_eq!(serial, parallel);
    /// }
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn estimate_with<B, F>(&self, schedule: Schedule, sample: F) -> Estimate
    where
        B: Backend,
        F: Fn(&mut Rng) -> f64 + Sync,
    {
        let seed = self.seed;
        let moments = map_chunks::<B, _>(
            self.samples,
            schedule,
            Moments::EMPTY,
            |chunk, len| chunk_moments(&mut stream(seed, chunk), len, &sample),
            Moments::merge,
        );
        Estimate::from_moments(moments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kernels_core::Serial;

    #[test]
    fn chunking_covers_every_sample_once() {
        for samples in [
            2,
            CHUNK_SAMPLES - 1,
            CHUNK_SAMPLES,
            CHUNK_SAMPLES + 1,
            1_000_000,
        ] {
            let chunks = chunk_count(samples);
            let total: u64 = (0..chunks).map(|c| chunk_len(samples, c)).sum();
            assert_eq!(total, samples);
            assert!((0..chunks).all(|c| chunk_len(samples, c) >= 1));
            assert!((0..chunks - 1).all(|c| chunk_len(samples, c) == CHUNK_SAMPLES));
        }
        assert_eq!(chunk_count(MAX_SAMPLES), 1 << 24);
    }

    #[test]
    fn sample_count_limits() {
        for bad in [0, 1, MAX_SAMPLES + 1, u64::MAX] {
            let err = Estimator::new(bad, 0).unwrap_err();
            assert_eq!(err.parameter(), "samples", "samples = {bad}");
            assert!(matches!(err, Error::OutOfRange { .. }));
        }
        assert!(Estimator::new(2, 0).is_ok());
        assert!(Estimator::new(MAX_SAMPLES, 0).is_ok());
    }

    #[test]
    fn welford_of_a_short_chunk() {
        // Samples 1, 2, 3, 4 (ignoring the generator): mean 2.5,
        // M₂ = 2.25 + 0.25 + 0.25 + 2.25 = 5, all exact in the shifted two-pass.
        let next = std::cell::Cell::new(0.0);
        let m = chunk_moments(&mut stream(0, 0), 4, &|_: &mut Rng| {
            next.set(next.get() + 1.0);
            next.get()
        });
        assert_eq!(m.count, 4);
        assert_eq!(m.mean, 2.5);
        assert_eq!(m.m2, 5.0);
    }

    #[test]
    fn the_estimator_calls_the_closure_once_per_sample() {
        let calls = std::sync::atomic::AtomicU64::new(0);
        let samples = 2 * CHUNK_SAMPLES + 17;
        let est = Estimator::new(samples, 0)
            .unwrap()
            .estimate::<Serial, _>(|_| {
                calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                1.0
            });
        assert_eq!(calls.into_inner(), samples);
        assert_eq!(est.samples(), samples);
    }

    #[test]
    fn non_finite_samples_give_a_non_finite_estimate() {
        let estimator = Estimator::new(10, 0).unwrap();
        let nan = estimator.estimate::<Serial, _>(|_| f64::NAN);
        assert!(nan.mean().is_nan() && !nan.is_finite());
        let inf = estimator.estimate::<Serial, _>(|_| f64::INFINITY);
        assert!(!inf.is_finite());
        let huge = estimator.estimate::<Serial, _>(|rng| 1e300 * crate::uniform(rng));
        assert!(huge.mean().is_finite() && !huge.is_finite());
    }
}
