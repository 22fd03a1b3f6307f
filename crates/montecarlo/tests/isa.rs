//! Every supported instruction set counts exactly the hits of the textbook
//! loop, on every backend and thread count.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use montecarlo::{
    CHUNK_SAMPLES, Isa, Kernel, Parallel, Pi, Schedule, Serial, Vectorized, reference,
};

/// Sizes that hit a full chunk, short last chunks of every lane-block size,
/// and the single-point tail.
const SIZES: [u64; 7] = [
    2,
    511,
    4_097,
    CHUNK_SAMPLES,
    CHUNK_SAMPLES + 1,
    2 * CHUNK_SAMPLES + 40_000 + 513,
    3 * CHUNK_SAMPLES - 1,
];

#[test]
fn every_isa_matches_the_reference_loop_bit_for_bit() {
    for samples in SIZES {
        let pi = Pi::new(samples, 99).unwrap();
        let slow = reference::pi(&pi);
        for isa in Isa::supported() {
            let fast = pi.with_isa(isa).unwrap().run::<Serial>();
            assert_eq!(
                fast.mean().to_bits(),
                slow.mean().to_bits(),
                "{isa}, n = {samples}"
            );
            assert_eq!(fast.samples(), samples);
        }
    }
}

#[test]
fn every_isa_is_bit_identical_on_every_thread_count() {
    let samples = 3 * CHUNK_SAMPLES + 4_097;
    let scalar = Pi::new(samples, 5)
        .unwrap()
        .with_isa(Isa::Scalar)
        .unwrap()
        .run::<Serial>();
    for isa in Isa::supported() {
        let pi = Pi::new(samples, 5).unwrap().with_isa(isa).unwrap();
        assert_eq!(pi.run::<Serial>(), scalar, "{isa}");
        for threads in THREAD_COUNTS {
            for schedule in Schedule::ALL {
                let parallel = in_pool(threads, || pi.run_with::<Parallel>(schedule));
                assert_eq!(parallel, scalar, "{isa}, {threads} threads, {schedule}");
            }
        }
    }
}

#[test]
fn isa_choice_is_stored_and_checked() {
    let pi = Pi::published();
    assert_eq!(pi.isa(), Isa::selected());
    for isa in Isa::ALL {
        match pi.with_isa(isa) {
            Ok(kernel) => {
                assert!(isa.is_supported());
                assert_eq!(kernel.isa(), isa);
                assert_eq!(kernel.samples(), pi.samples());
                assert_eq!(kernel.seed(), pi.seed());
            }
            Err(err) => {
                assert!(!isa.is_supported());
                assert_eq!(err.parameter(), "isa");
            }
        }
    }
}
