//! The published case: 10⁶ samples, π within 5 standard errors, standard
//! error ≈ 0.00164, the same bits on every thread count and schedule.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use montecarlo::{Estimator, Kernel, Parallel, Pi, Schedule, Serial, pi_sample, reference};
use std::f64::consts::PI;

/// 4·√(p(1 − p)/n) with p = π/4, n = 10⁶: 0.0016422…
fn published_std_error() -> f64 {
    let p = PI / 4.0;
    4.0 * (p * (1.0 - p) / 1e6).sqrt()
}

#[test]
fn published_pi_is_within_five_standard_errors() {
    let est = Pi::published().run::<Serial>();
    assert_eq!(est.samples(), 1_000_000);
    assert!(
        (est.mean() - PI).abs() < 5.0 * est.std_error(),
        "estimate {est} is more than 5 standard errors from π"
    );
    assert!((published_std_error() - 0.00164).abs() < 0.000_005);
    let relative = est.std_error() / published_std_error() - 1.0;
    assert!(
        relative.abs() < 0.02,
        "std error {} off by {relative}",
        est.std_error()
    );
}

#[test]
fn published_pi_is_bit_identical_on_every_thread_count_and_schedule() {
    let pi = Pi::published();
    let serial = pi.run::<Serial>();
    for threads in THREAD_COUNTS {
        for schedule in Schedule::ALL {
            let parallel = in_pool(threads, || pi.run_with::<Parallel>(schedule));
            assert_eq!(
                parallel.mean().to_bits(),
                serial.mean().to_bits(),
                "{threads} threads, {schedule}"
            );
            assert_eq!(
                parallel.std_error().to_bits(),
                serial.std_error().to_bits(),
                "{threads} threads, {schedule}"
            );
            assert_eq!(parallel.samples(), serial.samples());
        }
    }
}

#[test]
fn published_pi_matches_the_reference_loop() {
    let pi = Pi::published();
    let fast = pi.run::<Serial>();
    let slow = reference::pi(&pi);
    assert_eq!(fast.mean().to_bits(), slow.mean().to_bits());
    assert!((fast.std_error() / slow.std_error() - 1.0).abs() < 1e-12);
}

#[test]
fn pi_fast_path_matches_the_general_estimator() {
    // Same samples through the generic Welford/Chan estimator.
    let pi = Pi::published();
    let fast = pi.run::<Serial>();
    let generic = Estimator::new(pi.samples(), pi.seed())
        .unwrap()
        .estimate::<Serial, _>(pi_sample);
    assert_eq!(generic.samples(), fast.samples());
    assert!((generic.mean() / fast.mean() - 1.0).abs() < 1e-12);
    assert!((generic.std_error() / fast.std_error() - 1.0).abs() < 1e-12);
}

#[test]
fn ci95_of_the_published_case_covers_pi() {
    // A deterministic check of this seed (true with probability 95 % for a
    // random seed; 5 standard errors above is the robust check).
    let (low, high) = Pi::published().run::<Serial>().ci95();
    assert!(high - low < 4.0 * 0.00165);
    assert!(low < PI && PI < high, "({low}, {high})");
}

#[test]
fn work_counts_samples_and_three_flops_each() {
    let pi = Pi::new(123_456, 1).unwrap();
    let work = pi.work(&pi.run::<Serial>());
    assert_eq!(work.items, 123_456);
    assert_eq!(work.unit, "samples");
    assert_eq!(work.flops, 3 * 123_456);
    assert_eq!(work.bytes, 0);
}
