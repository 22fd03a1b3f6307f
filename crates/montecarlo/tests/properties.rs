//! Property tests: determinism across backends, schedules and thread counts;
//! the estimator's statistics; the chunked merge against a two-pass reference.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use montecarlo::{
    Estimate, Estimator, Kernel, Parallel, Pi, Rng, Schedule, Serial, reference, uniform,
};
use proptest::prelude::*;

fn bits(e: &Estimate) -> (u64, u64, u64) {
    (e.mean().to_bits(), e.std_error().to_bits(), e.samples())
}

/// A closure with a skewed distribution and a mean far from zero, to make
/// rounding in the merge visible if it were wrong: 10 + U³.
fn skewed(rng: &mut Rng) -> f64 {
    let u = uniform(rng);
    10.0 + u * u * u
}

fn schedules() -> impl Strategy<Value = Schedule> {
    prop::sample::select(Schedule::ALL.to_vec())
}

fn relative(a: f64, b: f64) -> f64 {
    if a == b { 0.0 } else { (a - b).abs() / b.abs() }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn pi_serial_and_parallel_are_bit_identical(
        samples in 2_u64..300_000,
        seed in any::<u64>(),
        schedule in schedules(),
    ) {
        let pi = Pi::new(samples, seed).unwrap();
        let serial = bits(&pi.run::<Serial>());
        for threads in THREAD_COUNTS {
            let parallel = in_pool(threads, || pi.run_with::<Parallel>(schedule));
            prop_assert_eq!(bits(&parallel), serial, "{} threads", threads);
        }
        prop_assert_eq!(bits(&reference::pi(&pi)).0, serial.0);
    }

    #[test]
    fn estimator_serial_and_parallel_are_bit_identical(
        samples in 2_u64..300_000,
        seed in any::<u64>(),
        schedule in schedules(),
    ) {
        let estimator = Estimator::new(samples, seed).unwrap();
        let serial = bits(&estimator.estimate::<Serial, _>(skewed));
        for threads in THREAD_COUNTS {
            let parallel = in_pool(threads, || estimator.estimate_with::<Parallel, _>(schedule, skewed));
            prop_assert_eq!(bits(&parallel), serial, "{} threads", threads);
        }
    }

    #[test]
    fn a_constant_has_that_mean_and_zero_error(
        samples in 2_u64..200_000,
        seed in any::<u64>(),
        value in -1e12_f64..1e12,
    ) {
        let est = Estimator::new(samples, seed).unwrap().estimate::<Parallel, _>(|_| value);
        prop_assert_eq!(est.mean(), value);
        prop_assert_eq!(est.std_error(), 0.0);
        prop_assert_eq!(est.samples(), samples);
    }

    #[test]
    fn uniform_mean_is_within_six_standard_errors_of_one_half(
        samples in 1_000_u64..200_000,
        seed in any::<u64>(),
    ) {
        let est = Estimator::new(samples, seed).unwrap().estimate::<Parallel, _>(uniform);
        prop_assert!((est.mean() - 0.5).abs() < 6.0 * est.std_error(), "{}", est);
        // And the standard error itself is close to √(1/12 / n).
        let expected = (1.0 / 12.0 / samples as f64).sqrt();
        prop_assert!(relative(est.std_error(), expected) < 0.1, "{} vs {}", est, expected);
    }

    #[test]
    fn different_seeds_give_different_estimates(
        samples in 2_u64..50_000,
        seed in any::<u64>(),
        other in any::<u64>(),
    ) {
        prop_assume!(seed != other);
        let a = Estimator::new(samples, seed).unwrap().estimate::<Serial, _>(uniform);
        let b = Estimator::new(samples, other).unwrap().estimate::<Serial, _>(uniform);
        prop_assert_ne!(a.mean(), b.mean());
        prop_assert_ne!(a.std_error(), b.std_error());
    }

    #[test]
    fn chunk_merge_equals_the_two_pass_reference(
        samples in 2_u64..300_000,
        seed in any::<u64>(),
    ) {
        let estimator = Estimator::new(samples, seed).unwrap();
        let fast = estimator.estimate::<Serial, _>(skewed);
        let slow = reference::estimate(&estimator, skewed);
        prop_assert_eq!(fast.samples(), slow.samples());
        prop_assert!(relative(fast.mean(), slow.mean()) < 1e-12, "{} vs {}", fast, slow);
        prop_assert!(relative(fast.std_error(), slow.std_error()) < 1e-12, "{} vs {}", fast, slow);
    }

    #[test]
    fn chunk_merge_equals_a_two_pass_over_the_collected_samples(
        samples in 2_u64..200_000,
        seed in any::<u64>(),
    ) {
        // Independent of the crate's chunk helpers: draw every sample from
        // the documented streams, collect, and compute mean and variance.
        let chunk = montecarlo::CHUNK_SAMPLES;
        let mut xs = Vec::with_capacity(samples as usize);
        for c in 0..samples.div_ceil(chunk) {
            let mut rng = montecarlo::stream(seed, c);
            let len = (samples - c * chunk).min(chunk);
            xs.extend((0..len).map(|_| uniform(&mut rng)));
        }
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let variance = xs.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.0);
        let est = Estimator::new(samples, seed).unwrap().estimate::<Serial, _>(uniform);
        prop_assert!(relative(est.mean(), mean) < 1e-12);
        prop_assert!(relative(est.std_error(), (variance / n).sqrt()) < 1e-12);
    }

    #[test]
    fn pi_matches_the_general_estimator(
        samples in 2_u64..200_000,
        seed in any::<u64>(),
    ) {
        let fast = Pi::new(samples, seed).unwrap().run::<Serial>();
        let generic = Estimator::new(samples, seed).unwrap().estimate::<Serial, _>(montecarlo::pi_sample);
        prop_assert!(relative(generic.mean(), fast.mean()) < 1e-12 || (fast.mean() == 0.0 && generic.mean() == 0.0));
        prop_assert!(relative(generic.std_error(), fast.std_error()) < 1e-12
            || (fast.std_error() == 0.0 && generic.std_error().abs() < 1e-15));
    }
}
