//! Every supported instruction set gives the scalar reference's bits, on
//! both backends and every tested thread count.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Error, Isa, Kernel, Parallel, Schedule, Serial, Vectorized};
use ndarray::{Array2, ShapeBuilder};
use particles::reference::{self, Particle};
use particles::{DistanceMatrix, Evolve, Method, Particles};

fn as_reference(ps: &Particles) -> Vec<Particle> {
    ps.to_triples()
        .into_iter()
        .map(|(x, y, ang_speed)| Particle { x, y, ang_speed })
        .collect()
}

fn reference_run(ps: &Particles, dt: f64, method: Method) -> Vec<Particle> {
    let mut expected = as_reference(ps);
    match method {
        Method::Textbook => reference::evolve(&mut expected, dt),
        Method::Hoisted => reference::evolve_hoisted(&mut expected, dt),
        Method::Exact => reference::evolve_exact(&mut expected, dt),
    }
    expected
}

fn assert_matches(out: &Particles, expected: &[Particle], label: &str) {
    for (i, p) in expected.iter().enumerate() {
        assert_eq!(out.x()[i].to_bits(), p.x.to_bits(), "{label}: x of {i}");
        assert_eq!(out.y()[i].to_bits(), p.y.to_bits(), "{label}: y of {i}");
    }
}

#[test]
fn every_isa_evolves_bit_identically_to_the_reference() {
    // 203 particles: several 64-particle chunks, and a last chunk with a
    // partial lane group at every width (8, 16 and 32 lanes).
    let ps = Particles::random(203, 11).unwrap();
    let dt = 3e-4; // 30 steps
    for method in Method::ALL {
        let expected = reference_run(&ps, dt, method);
        for isa in Isa::supported() {
            let kernel = Evolve::new(ps.clone(), dt, method)
                .unwrap()
                .with_isa(isa)
                .unwrap();
            assert_eq!(kernel.isa(), isa);
            let serial = kernel.run::<Serial>();
            assert_matches(&serial, &expected, &format!("{method} {isa} serial"));
            for schedule in Schedule::ALL {
                for threads in THREAD_COUNTS {
                    let parallel = in_pool(threads, || kernel.run_with::<Parallel>(schedule));
                    let label = format!("{method} {isa} parallel {schedule:?} {threads} threads");
                    assert_matches(&parallel, &expected, &label);
                }
            }
        }
    }
}

#[test]
fn every_isa_computes_the_reference_distance_matrix() {
    // Lengths around the 8-lane vector width, plus one big enough (10 MB of
    // output) to take the huge-page path.
    for n in [1, 7, 8, 9, 31, 100, 1100] {
        let kernel = DistanceMatrix::random(n, n as u64).unwrap();
        let expected = reference::distance_matrix(kernel.x(), kernel.y());
        for isa in Isa::supported() {
            let kernel = kernel.clone().with_isa(isa).unwrap();
            assert_eq!(kernel.isa(), isa);
            let bits_equal = |d: &Array2<f64>| {
                d.dim() == (n, n)
                    && d.iter()
                        .zip(&expected)
                        .all(|(a, b)| a.to_bits() == b.to_bits())
            };
            assert!(bits_equal(&kernel.run::<Serial>()), "{isa} serial, n = {n}");
            let mut reused = Array2::from_elem((n, n), f64::NAN);
            kernel.run_into::<Serial>(&mut reused).unwrap();
            assert!(bits_equal(&reused), "{isa} run_into, n = {n}");
            let threads_tested: &[usize] = if n > 200 { &[2] } else { &THREAD_COUNTS };
            for &threads in threads_tested {
                for schedule in Schedule::ALL {
                    let parallel = in_pool(threads, || kernel.run_with::<Parallel>(schedule));
                    assert!(
                        bits_equal(&parallel),
                        "{isa} {schedule:?} {threads} threads, n = {n}"
                    );
                }
                reused.fill(f64::NAN);
                in_pool(threads, || kernel.run_into::<Parallel>(&mut reused)).unwrap();
                assert!(
                    bits_equal(&reused),
                    "{isa} run_into {threads} threads, n = {n}"
                );
            }
        }
    }
}

#[test]
fn run_into_rejects_wrong_shapes_and_layouts() {
    let kernel = DistanceMatrix::random(4, 0).unwrap();
    for mut out in [
        Array2::zeros((4, 5)),
        Array2::zeros((5, 4)),
        Array2::zeros((0, 0)),
    ] {
        let err = kernel.run_into::<Serial>(&mut out).unwrap_err();
        assert!(matches!(err, Error::ShapeMismatch { .. }));
        assert_eq!(err.parameter(), "out");
    }
    // Right shape, wrong layout: column-major storage.
    let mut column_major = Array2::zeros((4, 4).f());
    let err = kernel.run_into::<Parallel>(&mut column_major).unwrap_err();
    assert_eq!(err.parameter(), "out");
}

#[test]
fn unsupported_isas_are_rejected_by_name() {
    for isa in Isa::ALL {
        let evolve = Evolve::new(Particles::published_test(), 0.1, Method::Textbook).unwrap();
        let distance = DistanceMatrix::random(3, 0).unwrap();
        assert_eq!(evolve.with_isa(isa).is_ok(), isa.is_supported());
        match distance.with_isa(isa) {
            Ok(kernel) => assert_eq!(kernel.isa(), isa),
            Err(err) => assert_eq!(err.parameter(), "isa"),
        }
    }
}

#[test]
fn every_isa_matches_the_reference_on_axes_and_extreme_scales() {
    // Zero, tiny and huge coordinates send the AVX-512 loop's quotients to
    // the divider for some steps and back; fast angular speeds make the
    // particles cross the axes, where quotients pass through ±1 (powers of
    // two) and near-zero values.
    let triples = [
        (0.0, 1.0, 1e4),
        (1.0, 0.0, -1e4),
        (-0.0, -2.0, 3e3),
        (1e-300, 1.0, 1.0),
        (1.0, -1e-300, 2e4),
        (3e-150, 4e-150, 1e-145),
        (3e150, -4e150, 1e155),
        (0.5, 0.5, 2.0),
        (-0.25, 0.75, -5e4),
        (1e-8, 1e-8, 1e2),
    ];
    let ps = Particles::from_triples(&triples).unwrap();
    for method in [Method::Textbook, Method::Hoisted] {
        let expected = reference_run(&ps, 2e-4, method);
        for isa in Isa::supported() {
            let kernel = Evolve::new(ps.clone(), 2e-4, method)
                .unwrap()
                .with_isa(isa)
                .unwrap();
            assert_matches(
                &kernel.run::<Serial>(),
                &expected,
                &format!("{method} {isa}"),
            );
        }
    }
}
