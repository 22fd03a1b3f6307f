//! The rotating-particles case study in one run: the published three-particle
//! test under each method (positions, error against the published values,
//! radius drift), then the published benchmark (1000 particles × 10 000
//! steps) and the distance matrix timed on both backends.
//!
//! ```text
//! cargo run --release -p particles --example evolve
//! ```
//!
//! Set `KERNELS_ISA=scalar` (or `avx2`) to cap the instruction set, and
//! `RAYON_NUM_THREADS` to choose the thread count of the parallel backend.

use std::time::Duration;

use kernels_core::timing::best_of;
use kernels_core::{Isa, Kernel, Parallel, Serial};
use ndarray::Array2;
use particles::{DistanceMatrix, Evolve, Method, Particles, published};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() -> Result<(), kernels_core::Error> {
    println!(
        "instruction set: {}, threads: {}",
        Isa::selected(),
        kernels_core::rayon::current_num_threads()
    );

    println!("\nPublished test: three particles, evolve(0.1) = 10 000 steps");
    let before = Particles::published_test();
    let r0 = before.radii();
    println!(
        "method    particle  x                     y                     |error|   radius drift"
    );
    for method in Method::ALL {
        let out = Evolve::new(before.clone(), published::DT, method)?.run::<Parallel>();
        for (i, ((x, y), (&ex, &ey))) in out
            .x()
            .iter()
            .zip(out.y())
            .zip(published::EXPECTED.iter().map(|(x, y)| (x, y)))
            .enumerate()
        {
            let error = (x - ex).hypot(y - ey);
            let drift = out.radii()[i] - r0[i];
            println!(
                "{:<9} p{i}        {x:<21} {y:<21} {error:.1e}   {drift:+.1e}",
                method.name()
            );
        }
    }

    println!("\nPublished benchmark: 1000 particles × 10 000 steps (best of 5)");
    let system = Particles::random(published::BENCH_PARTICLES, 42)?;
    for method in Method::ALL {
        let kernel = Evolve::new(system.clone(), published::DT, method)?;
        let serial = best_of(5, || kernel.run::<Serial>()).0;
        let parallel = best_of(5, || kernel.run::<Parallel>()).0;
        let per_step =
            parallel.as_secs_f64() * 1e9 / kernel.work(&kernel.run::<Serial>()).items as f64;
        let note = match method {
            Method::Exact => "(one rotation per particle)".to_string(),
            _ => format!("{per_step:.2} ns per particle-step on all threads"),
        };
        println!(
            "{:<9} serial {:>8.3} ms   parallel {:>8.3} ms   {note}",
            method.name(),
            ms(serial),
            ms(parallel),
        );
    }

    let n = 5000;
    println!(
        "\nDistance matrix, N = {n} ({} MB of output, best of 3)",
        8 * n * n / 1_000_000
    );
    let kernel = DistanceMatrix::random(n, 42)?;
    let fresh_serial = best_of(3, || kernel.run::<Serial>()).0;
    let fresh_parallel = best_of(3, || kernel.run::<Parallel>()).0;
    // `Array2::zeros` gets fresh pages from the system without touching them
    // (calloc), so `run_into` pays the first-touch faults on 4 KiB pages.
    let small_pages = best_of(3, || {
        let mut fresh = Array2::zeros((n, n));
        kernel.run_into::<Parallel>(&mut fresh).map(|()| fresh)
    })
    .0;
    let mut out = Array2::zeros((n, n));
    let reused = best_of(3, || kernel.run_into::<Parallel>(&mut out)).0;
    println!("                                serial        parallel");
    println!(
        "fresh output, huge pages (run)  {:>7.1} ms   {:>7.1} ms",
        ms(fresh_serial),
        ms(fresh_parallel)
    );
    println!(
        "fresh output, 4 KiB pages                     {:>7.1} ms",
        ms(small_pages)
    );
    println!(
        "reused output (run_into)                      {:>7.1} ms",
        ms(reused)
    );
    assert_eq!(out, kernel.run::<Parallel>());
    Ok(())
}
