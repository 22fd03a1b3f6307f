//! Criterion benches: every kernel on every backend, at the published size
//! and one larger size. Run with `cargo bench -p bench`; filter with e.g.
//! `cargo bench -p bench -- julia`.

use std::hint::black_box;
use std::time::Duration;

use bench::cases::{
    Case, DiffusionCase, DistanceCase, JuliaCase, MandelbrotCase, MonteCarloCase, ParticlesCase,
    PlateCase,
};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kernels_core::{Kernel, Parallel, Serial};

/// Benchmarks `kernel` on both backends under `group`/`size`.
fn both_backends<K>(c: &mut Criterion, group: &str, size: &str, kernel: &K)
where
    K: Kernel + Sync,
{
    let mut group = c.benchmark_group(group);
    group
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(3));
    group.bench_with_input(BenchmarkId::new("serial", size), kernel, |b, k| {
        b.iter(|| black_box(k.run::<Serial>()));
    });
    group.bench_with_input(BenchmarkId::new("parallel", size), kernel, |b, k| {
        b.iter(|| black_box(k.run::<Parallel>()));
    });
    group.finish();
}

fn kernel_of<C: Case>(case: &C) -> C::Kernel {
    case.kernel().expect("benchmark cases are valid")
}

fn fractals(c: &mut Criterion) {
    both_backends(
        c,
        "julia",
        "1000x1000x300",
        &kernel_of(&JuliaCase::default()),
    );
    let book = JuliaCase {
        width: 4001,
        height: 4001,
        max_iter: 1000,
        ..JuliaCase::default()
    };
    both_backends(c, "julia", "4001x4001x1000", &kernel_of(&book));
    both_backends(
        c,
        "mandelbrot",
        "1000x1000x300",
        &kernel_of(&MandelbrotCase::default()),
    );
}

fn plate(c: &mut Criterion) {
    both_backends(
        c,
        "plate",
        "101pts-15terms",
        &kernel_of(&PlateCase::default()),
    );
    let large = PlateCase {
        points_x: 1001,
        points_y: 1001,
        terms_m: 100,
        terms_n: 100,
        ..PlateCase::default()
    };
    both_backends(c, "plate", "1001pts-100terms", &kernel_of(&large));
}

fn particles(c: &mut Criterion) {
    both_backends(
        c,
        "particles",
        "1000x10000",
        &kernel_of(&ParticlesCase::default()),
    );
    let large = ParticlesCase {
        count: 100_000,
        dt: 0.01,
        ..ParticlesCase::default()
    };
    both_backends(c, "particles", "100000x999", &kernel_of(&large));
    both_backends(
        c,
        "distance",
        "5000",
        &kernel_of(&DistanceCase { n: 5000, seed: 42 }),
    );
    both_backends(c, "distance", "10000", &kernel_of(&DistanceCase::default()));
}

fn diffusion(c: &mut Criterion) {
    both_backends(
        c,
        "diffusion",
        "512x512x500",
        &kernel_of(&DiffusionCase::default()),
    );
    let large = DiffusionCase {
        nx: 2048,
        ny: 2048,
        steps: 200,
        ..DiffusionCase::default()
    };
    both_backends(c, "diffusion", "2048x2048x200", &kernel_of(&large));
}

fn montecarlo(c: &mut Criterion) {
    both_backends(
        c,
        "montecarlo",
        "1e6",
        &kernel_of(&MonteCarloCase::default()),
    );
    let large = MonteCarloCase {
        samples: 100_000_000,
        seed: 42,
    };
    both_backends(c, "montecarlo", "1e8", &kernel_of(&large));
}

criterion_group!(benches, fractals, plate, particles, diffusion, montecarlo);
criterion_main!(benches);
