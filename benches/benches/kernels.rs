//! Criterion benches: every kernel on every backend and instruction set, at
//! the published size and one larger size. Run with `cargo bench -p bench`; filter with e.g.
//! `cargo bench -p bench -- julia`.

use std::hint::black_box;
use std::time::Duration;

use bench::cases::{
    Case, DiffusionCase, DistanceCase, JuliaCase, MandelbrotCase, MonteCarloCase, ParticlesCase,
    PlateCase,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kernels_core::{Isa, Kernel, Parallel, Serial, Vectorized};

/// Benchmarks the kernel `case` describes on both backends and every
/// instruction set this CPU supports, under `group`/`backend-isa`/`size`.
fn every_path<C: Case>(c: &mut Criterion, group: &str, size: &str, case: &C) {
    let mut group = c.benchmark_group(group);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(2));
    for isa in Isa::supported() {
        let kernel = case
            .kernel()
            .and_then(|k| k.with_isa(isa))
            .expect("benchmark cases are valid");
        group.bench_with_input(
            BenchmarkId::new(format!("serial-{isa}"), size),
            &kernel,
            |b, k| {
                b.iter(|| black_box(k.run::<Serial>()));
            },
        );
        group.bench_with_input(
            BenchmarkId::new(format!("parallel-{isa}"), size),
            &kernel,
            |b, k| {
                b.iter(|| black_box(k.run::<Parallel>()));
            },
        );
    }
    group.finish();
}

fn fractals(c: &mut Criterion) {
    every_path(c, "julia", "1000x1000x300", &JuliaCase::default());
    let book = JuliaCase {
        width: 4001,
        height: 4001,
        max_iter: 1000,
        ..JuliaCase::default()
    };
    every_path(c, "julia", "4001x4001x1000", &book);
    every_path(c, "mandelbrot", "1000x1000x300", &MandelbrotCase::default());
}

fn plate(c: &mut Criterion) {
    every_path(c, "plate", "101pts-15terms", &PlateCase::default());
    let large = PlateCase {
        points_x: 1001,
        points_y: 1001,
        terms_m: 100,
        terms_n: 100,
        ..PlateCase::default()
    };
    every_path(c, "plate", "1001pts-100terms", &large);
}

fn particles(c: &mut Criterion) {
    every_path(c, "particles", "1000x10000", &ParticlesCase::default());
    let large = ParticlesCase {
        count: 100_000,
        dt: 0.01,
        ..ParticlesCase::default()
    };
    every_path(c, "particles", "100000x999", &large);
    every_path(c, "distance", "5000", &DistanceCase { n: 5000, seed: 42 });
    every_path(c, "distance", "10000", &DistanceCase::default());
}

fn diffusion(c: &mut Criterion) {
    every_path(c, "diffusion", "512x512x500", &DiffusionCase::default());
    let large = DiffusionCase {
        nx: 2048,
        ny: 2048,
        steps: 200,
        ..DiffusionCase::default()
    };
    every_path(c, "diffusion", "2048x2048x200", &large);
}

fn montecarlo(c: &mut Criterion) {
    every_path(c, "montecarlo", "1e6", &MonteCarloCase::default());
    let large = MonteCarloCase {
        samples: 100_000_000,
        seed: 42,
    };
    every_path(c, "montecarlo", "1e8", &large);
}

criterion_group!(benches, fractals, plate, particles, diffusion, montecarlo);
criterion_main!(benches);
