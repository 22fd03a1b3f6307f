//! What a barrier after every pass costs, against passes whose chunks wait
//! only for their neighbours ([`kernels_core::Backend::for_each_pass_chunk`]):
//! the shape of the published diffusion run (167 passes of 8 bands) with
//! every chunk a fixed spell of busy work, so that only the scheduling
//! differs. Run with `cargo bench -p bench --bench passes`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use kernels_core::{Backend, Neighbours, Parallel, Schedule};

const PASSES: usize = 167;
const CHUNKS: usize = 8;

/// Keeps this thread busy for `work` (a clock, not a loop count, so that a
/// chunk costs the same whatever the other thread does to the caches).
fn busy(work: Duration) {
    let start = Instant::now();
    while start.elapsed() < work {
        black_box(());
    }
}

fn passes(c: &mut Criterion) {
    let mut group = c.benchmark_group("passes");
    group
        .sample_size(20)
        .warm_up_time(Duration::from_millis(300))
        .measurement_time(Duration::from_secs(3));
    for micros in [10, 25, 50] {
        let work = Duration::from_micros(micros);
        let size = format!("{PASSES}x{CHUNKS}x{micros}us");
        group.bench_function(BenchmarkId::new("barrier", &size), |b| {
            b.iter(|| {
                for _ in 0..PASSES {
                    let mut chunks = [0_u8; CHUNKS];
                    Parallel::for_each_chunk(&mut chunks[..], 1, Schedule::Static, |_, _| {
                        busy(work)
                    });
                }
            });
        });
        group.bench_function(BenchmarkId::new("neighbours", &size), |b| {
            b.iter(|| {
                Parallel::for_each_pass_chunk(PASSES, CHUNKS, Neighbours::Ring(1), |_, _| {
                    busy(work)
                });
            });
        });
    }
    group.finish();
}

criterion_group!(benches, passes);
criterion_main!(benches);
