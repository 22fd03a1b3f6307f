//! Small cases that reach every `unsafe` block of the crate on every
//! instruction set this build supports, sized for Miri (`.ci/run` runs this
//! file under `cargo miri test` with the vector instruction sets enabled);
//! under plain `cargo test` they are a quick extra check.

use kernels_core::testing::in_pool;
use montecarlo::{Isa, Kernel, Parallel, Pi, Serial, Vectorized, reference};

#[test]
fn pi_matches_the_reference_loop_on_every_isa() {
    // 531 samples: whole lane blocks of every width and a single-point tail.
    let pi = Pi::new(531, 99).unwrap();
    let expected = reference::pi(&pi).mean().to_bits();
    for isa in Isa::supported() {
        let kernel = pi.with_isa(isa).unwrap();
        assert_eq!(kernel.run::<Serial>().mean().to_bits(), expected, "{isa}");
        let parallel = in_pool(2, || kernel.run::<Parallel>());
        assert_eq!(parallel.mean().to_bits(), expected, "{isa} parallel");
    }
}

/// Under Miri there is no CPUID: the vector paths run only if instruction
/// sets enabled at compile time count as supported. This keeps the Miri
/// step in `.ci/run` (AVX2 + FMA enabled) from silently testing scalar code
/// alone.
#[test]
fn instruction_sets_enabled_at_compile_time_are_supported() {
    if cfg!(all(
        target_arch = "x86_64",
        target_feature = "avx2",
        target_feature = "fma"
    )) {
        assert!(Isa::supported().contains(&Isa::Avx2));
    }
}
