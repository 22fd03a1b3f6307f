//! Write your own kernel on the workspace's backends and watch it give the
//! same bits on every thread count and schedule.
//!
//! Run with:
//!
//! ```text
//! cargo run --release -p kernels-core --example custom_kernel
//! ```

use std::time::Instant;

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Backend, Kernel, Parallel, Schedule, Serial, Work};

/// Σ 1/k² for k = 1..=n, which tends to π²/6 (the Basel problem).
struct Basel {
    n: usize,
}

impl Kernel for Basel {
    type Output = f64;

    fn run_with<B: Backend>(&self, schedule: Schedule) -> f64 {
        // The chunk length depends on nothing but the problem: that is what
        // makes the sum the same on any thread count.
        const CHUNK: usize = 1 << 16;
        B::map_reduce(
            self.n.div_ceil(CHUNK),
            schedule,
            0.0,
            |chunk| {
                let first = chunk * CHUNK + 1;
                let last = ((chunk + 1) * CHUNK).min(self.n);
                (first..=last)
                    .map(|k| 1.0 / (k as f64 * k as f64))
                    .sum::<f64>()
            },
            |a, b| a + b,
        )
    }

    fn work(&self, _: &f64) -> Work {
        Work::new(self.n as u64, "terms").with_flops(3 * self.n as u64)
    }
}

fn main() {
    let basel = Basel { n: 100_000_000 };
    let start = Instant::now();
    let serial = basel.run::<Serial>();
    let serial_s = start.elapsed().as_secs_f64();
    println!(
        "serial:            {serial:.15} in {:.1} ms ({:.2} G terms/s)",
        serial_s * 1e3,
        basel.work(&serial).items_per_second(serial_s) / 1e9
    );
    for threads in THREAD_COUNTS {
        for schedule in Schedule::ALL {
            let start = Instant::now();
            let parallel = in_pool(threads, || basel.run_with::<Parallel>(schedule));
            let seconds = start.elapsed().as_secs_f64();
            assert_eq!(
                parallel.to_bits(),
                serial.to_bits(),
                "bits differ on {threads} threads"
            );
            println!(
                "{threads} threads, {schedule:>7}: {parallel:.15} in {:.1} ms (same bits)",
                seconds * 1e3
            );
        }
    }
    let exact = std::f64::consts::PI.powi(2) / 6.0;
    println!(
        "π²/6 − sum = {:.3e} (the tail is about 1/n)",
        exact - serial
    );
}
