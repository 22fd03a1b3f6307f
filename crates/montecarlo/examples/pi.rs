//! Monte Carlo π with error bars: the estimate, its standard error and 95 %
//! confidence interval for 10³ … 10⁸ samples, the same published estimate
//! on 1, 2, 3 and 8 threads and on every instruction set, and the general
//! estimator on two integrals with known values.
//!
//! ```text
//! cargo run --release -p montecarlo --example pi
//! ```
//!
//! Set `KERNELS_ISA=scalar` (or `avx2`) to cap the instruction set, and
//! `RAYON_NUM_THREADS` to choose the thread count of the parallel backend.
//! The tutorial chapter "Monte Carlo" explains every line of the output.

use std::f64::consts::PI;
use std::time::Instant;

use montecarlo::{
    Backend, Estimator, Isa, Kernel, Parallel, Pi, Rng, Serial, Vectorized, rayon, reference,
    uniform,
};

/// A sampling closure for [`Estimator::estimate`].
type Sample = fn(&mut Rng) -> f64;

fn main() -> montecarlo::Result<()> {
    println!(
        "Monte Carlo π: instruction set {}, {} threads",
        Isa::selected(),
        Parallel::threads()
    );

    // One more digit per 100× the samples: the standard error is 4·√(p(1 − p)/n).
    println!(
        "\n{:>11}  {:>9}  {:>9}  {:>21}  {:>11}  {:>10}",
        "samples", "estimate", "std error", "95 % CI", "error / se", "time"
    );
    for exponent in 3..=8 {
        let samples = 10_u64.pow(exponent);
        let pi = Pi::new(samples, Pi::PUBLISHED_SEED)?;
        let start = Instant::now();
        let estimate = pi.run::<Parallel>();
        let elapsed = start.elapsed();
        let (low, high) = estimate.ci95();
        println!(
            "{samples:>11}  {:>9.6}  {:>9.6}  [{low:>9.6}, {high:>9.6}]  {:>+11.2}  {:>10.3?}",
            estimate.mean(),
            estimate.std_error(),
            (estimate.mean() - PI) / estimate.std_error(),
            elapsed,
        );
    }

    // Reproducible: chunk boundaries and streams depend on (samples, seed) only.
    let published = Pi::published();
    let serial = published.run::<Serial>();
    println!("\nThe published case, {serial:.6}:");
    let row = |label: &str, mean: f64| println!("  {label:<25} mean bits {:#018x}", mean.to_bits());
    row("textbook reference::pi", reference::pi(&published).mean());
    for threads in [1, 2, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("failed to start a thread pool");
        let estimate = pool.install(|| published.run::<Parallel>());
        assert_eq!(estimate, serial);
        let plural = if threads == 1 { "" } else { "s" };
        row(
            &format!("Parallel, {threads} thread{plural}"),
            estimate.mean(),
        );
    }
    for isa in Isa::supported() {
        let estimate = published.with_isa(isa)?.run::<Serial>();
        assert_eq!(estimate, serial);
        row(&format!("Serial, {isa} lanes"), estimate.mean());
    }

    // The general estimator: any closure of the generator, with error bars.
    println!("\nThe general estimator, 10⁷ samples each:");
    let estimator = Estimator::new(10_000_000, 1)?;
    let integrals: [(&str, f64, Sample); 2] = [
        ("E[U²]             = 1/3", 1.0 / 3.0, |rng| {
            let u = uniform(rng);
            u * u
        }),
        ("∫₀¹ 4/(1 + x²) dx = π", PI, |rng| {
            let x = uniform(rng);
            4.0 / (1.0 + x * x)
        }),
    ];
    for (name, truth, sample) in integrals {
        let start = Instant::now();
        let estimate = estimator.estimate::<Parallel, _>(sample);
        let elapsed = start.elapsed();
        let (low, high) = estimate.ci95();
        println!(
            "  {name}: {estimate:.6}, 95 % CI [{low:.6}, {high:.6}], {:+.2} se off, {elapsed:.3?}",
            (estimate.mean() - truth) / estimate.std_error(),
        );
    }
    Ok(())
}
