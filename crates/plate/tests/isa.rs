//! Every instruction set the CPU supports agrees with the scalar path to
//! rounding (the vector paths fuse multiply-adds, the scalar path does not)
//! and gives the same bits on both backends, for every thread count and
//! schedule.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Isa, Kernel, Parallel, Schedule, Serial, Vectorized};
use plate::{Navier, Plate, PointLoad};

/// Shapes around every tile size: rows and columns that are not multiples
/// of the vector width or the row block, one-term series, two-point grids,
/// both associations, and one product large enough to be split into chunks.
fn kernels() -> Vec<Navier> {
    let square = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let oblong = Plate::new(1.3, 0.7, 0.02, 200e9, 0.3).unwrap();
    let centre = PointLoad::new(10e3, 0.5, 0.5);
    let off = PointLoad::new(-3e3, 0.4, 0.25);
    vec![
        Navier::published(),
        Navier::new(square, centre, 1, 1, 2, 2).unwrap(),
        Navier::new(oblong, off, 7, 5, 29, 19).unwrap(),
        Navier::new(oblong, off, 40, 3, 50, 2).unwrap(),
        Navier::new(oblong, off, 9, 13, 3, 41).unwrap(),
        Navier::new(oblong, off, 17, 11, 9, 8).unwrap(),
        Navier::new(oblong, off, 12, 12, 121, 67).unwrap(),
        // 161 × 40 × 101 multiply-adds: several chunks.
        Navier::new(oblong, off, 20, 40, 101, 161).unwrap(),
    ]
}

#[test]
fn the_default_isa_is_the_selected_one() {
    assert_eq!(Navier::published().isa(), Isa::selected());
}

/// How far a vector instruction set may stray from the scalar path, as a
/// fraction of `w_max`: the bound documented on `Vectorized for Navier`.
/// Fused and separate multiply-adds round differently; these kernels differ
/// by at most 4e-16 of `w_max`.
const ISA_TOLERANCE: f64 = 1e-14;

#[test]
fn every_isa_matches_scalar_within_rounding() {
    for navier in kernels() {
        let scalar = navier.with_isa(Isa::Scalar).unwrap().run::<Serial>();
        let w_max = scalar.w_max();
        for isa in Isa::supported() {
            let kernel = navier.with_isa(isa).unwrap();
            assert_eq!(kernel.isa(), isa);
            let serial = kernel.run::<Serial>();
            let diff = serial
                .w()
                .iter()
                .zip(scalar.w())
                .fold(0.0_f64, |m, (s, r)| m.max((s - r).abs()));
            assert!(diff <= ISA_TOLERANCE * w_max, "{isa}: {diff} of {w_max}");
        }
    }
}

#[test]
fn the_vector_isas_agree_bit_for_bit() {
    // AVX2 and AVX-512 both fuse every multiply-add and sum in the same
    // order, whatever their tile shapes.
    let vector: Vec<Isa> = Isa::supported()
        .into_iter()
        .filter(|&isa| isa != Isa::Scalar)
        .collect();
    for navier in kernels() {
        if let Some(&first) = vector.first() {
            let expected = navier.with_isa(first).unwrap().run::<Serial>();
            for &isa in &vector {
                let w = navier.with_isa(isa).unwrap().run::<Serial>();
                for (a, b) in w.w().iter().zip(expected.w()) {
                    assert_eq!(a.to_bits(), b.to_bits(), "{isa}");
                }
            }
        }
    }
}

#[test]
fn serial_and_parallel_agree_with_every_isa() {
    for navier in kernels() {
        for isa in Isa::supported() {
            let kernel = navier.with_isa(isa).unwrap();
            let serial = kernel.run::<Serial>();
            for threads in THREAD_COUNTS {
                for schedule in Schedule::ALL {
                    let parallel = in_pool(threads, || kernel.run_with::<Parallel>(schedule));
                    assert_eq!(parallel, serial, "{isa}, {threads} threads, {schedule}");
                }
            }
        }
    }
}

#[test]
fn the_published_value_with_every_isa() {
    for isa in Isa::supported() {
        let deflection = Navier::published().with_isa(isa).unwrap().run::<Parallel>();
        let w_max_mm = deflection.w_max() * 1e3;
        assert!(
            (w_max_mm - 0.141_317_840_389).abs() < 5e-13,
            "{isa}: {w_max_mm}"
        );
    }
}

#[test]
fn unsupported_isa_is_an_error_naming_isa() {
    for isa in Isa::ALL {
        match Navier::published().with_isa(isa) {
            Ok(kernel) => assert!(isa.is_supported() && kernel.isa() == isa),
            Err(err) => {
                assert!(!isa.is_supported());
                assert_eq!(err.parameter(), "isa");
            }
        }
    }
}
