//! Property tests: backends, schedules and thread counts agree bit for bit;
//! the fast code equals the textbook reference; the Euler radius drift
//! follows `r² ← r² + (TIMESTEP·ω)²`; distance matrices are symmetric with a
//! zero diagonal.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Kernel, Parallel, Schedule, Serial};
use particles::reference::{self, Particle};
use particles::{DistanceMatrix, Evolve, Method, Particles, TIMESTEP};
use proptest::prelude::*;

/// Up to 300 particles with coordinates and speeds in [-1, 1] (positions
/// away from the origin).
fn arb_particles() -> impl Strategy<Value = Particles> {
    prop::collection::vec(
        (
            -1.0..1.0_f64,
            0.01..1.0_f64,
            0.0..std::f64::consts::TAU,
            -1.0..1.0_f64,
        ),
        1..300,
    )
    .prop_map(|v| {
        let triples: Vec<_> = v
            .into_iter()
            .map(|(_, r, phi, w)| (r * phi.cos(), r * phi.sin(), w))
            .collect();
        Particles::from_triples(&triples).expect("valid particles")
    })
}

/// A small span: 1 to 60 steps.
fn arb_dt() -> impl Strategy<Value = f64> {
    (1e-5..6e-4_f64).prop_filter("at least one step", |dt| *dt / TIMESTEP >= 1.0)
}

fn as_reference(ps: &Particles) -> Vec<Particle> {
    ps.to_triples()
        .into_iter()
        .map(|(x, y, ang_speed)| Particle { x, y, ang_speed })
        .collect()
}

fn assert_bits_eq(a: &Particles, b: &Particles) -> Result<(), TestCaseError> {
    for i in 0..a.len() {
        prop_assert_eq!(
            a.x()[i].to_bits(),
            b.x()[i].to_bits(),
            "x of particle {}",
            i
        );
        prop_assert_eq!(
            a.y()[i].to_bits(),
            b.y()[i].to_bits(),
            "y of particle {}",
            i
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn serial_and_parallel_are_bit_identical(ps in arb_particles(), dt in arb_dt()) {
        for method in Method::ALL {
            let kernel = Evolve::new(ps.clone(), dt, method).unwrap();
            let serial = kernel.run::<Serial>();
            for schedule in Schedule::ALL {
                for threads in THREAD_COUNTS {
                    let parallel = in_pool(threads, || kernel.run_with::<Parallel>(schedule));
                    assert_bits_eq(&serial, &parallel)?;
                }
            }
        }
    }

    #[test]
    fn fast_methods_equal_their_references(ps in arb_particles(), dt in arb_dt()) {
        type RefFn = fn(&mut [Particle], f64);
        let pairs: [(Method, RefFn); 3] = [
            (Method::Textbook, reference::evolve),
            (Method::Hoisted, reference::evolve_hoisted),
            (Method::Exact, reference::evolve_exact),
        ];
        for (method, reference_fn) in pairs {
            let mut expected = as_reference(&ps);
            reference_fn(&mut expected, dt);
            let out = Evolve::new(ps.clone(), dt, method).unwrap().run::<Parallel>();
            for (p, i) in expected.iter().zip(0..) {
                prop_assert_eq!(out.x()[i].to_bits(), p.x.to_bits(), "{} x {}", method, i);
                prop_assert_eq!(out.y()[i].to_bits(), p.y.to_bits(), "{} y {}", method, i);
            }
        }
    }

    #[test]
    fn euler_radius_grows_as_r2_plus_k_t2(ps in arb_particles(), steps in 1_u64..400) {
        // Exactly, each Euler step maps r² to r² + (TIMESTEP·ω)², i.e.
        // multiplies r by sqrt(1 + (TIMESTEP·ω / r)²). Rounding adds at most
        // a few ulps of r per step.
        let r0 = ps.radii();
        for method in [Method::Textbook, Method::Hoisted] {
            let mut out = ps.clone();
            out.evolve_steps::<Parallel>(steps, method, Schedule::Guided).unwrap();
            for (i, (&start, end)) in r0.iter().zip(out.radii()).enumerate() {
                let t = TIMESTEP * ps.ang_speed()[i];
                let exact = (start * start + steps as f64 * t * t).sqrt();
                let slack = 4.0 * steps as f64 * f64::EPSILON * exact;
                prop_assert!(end >= start - slack, "{} {}: shrank {} -> {}", method, i, start, end);
                prop_assert!((end - exact).abs() <= slack,
                    "{} {}: r = {}, expected {} ± {}", method, i, end, exact, slack);
            }
        }
    }

    #[test]
    fn exact_keeps_the_radius(ps in arb_particles(), dt in 1e-5..10.0_f64) {
        let out = Evolve::new(ps.clone(), dt, Method::Exact).unwrap().run::<Serial>();
        for (start, end) in ps.radii().iter().zip(out.radii()) {
            prop_assert!((end - start).abs() <= 4.0 * f64::EPSILON * start);
        }
    }

    #[test]
    fn distance_matrix_backends_agree_and_match_reference(n in 1_usize..200, seed in any::<u64>()) {
        let kernel = DistanceMatrix::random(n, seed).unwrap();
        let serial = kernel.run::<Serial>();
        prop_assert_eq!(serial.dim(), (n, n));
        let expected = reference::distance_matrix(kernel.x(), kernel.y());
        prop_assert!(serial.iter().zip(&expected).all(|(a, b)| a.to_bits() == b.to_bits()));
        for i in 0..n {
            prop_assert_eq!(serial[[i, i]].to_bits(), 0.0_f64.to_bits());
            for j in 0..n {
                prop_assert_eq!(serial[[i, j]].to_bits(), serial[[j, i]].to_bits());
            }
        }
        for schedule in Schedule::ALL {
            for threads in THREAD_COUNTS {
                let parallel = in_pool(threads, || kernel.run_with::<Parallel>(schedule));
                prop_assert!(serial.iter().zip(&parallel).all(|(a, b)| a.to_bits() == b.to_bits()));
            }
        }
    }

    #[test]
    fn distances_of_arbitrary_points_are_symmetric(
        points in prop::collection::vec((-1e6..1e6_f64, -1e6..1e6_f64), 1..60)
    ) {
        let (x, y): (Vec<f64>, Vec<f64>) = points.into_iter().unzip();
        let d = DistanceMatrix::new(x.clone(), y.clone()).unwrap().run::<Parallel>();
        for i in 0..x.len() {
            prop_assert_eq!(d[[i, i]], 0.0);
            for j in 0..x.len() {
                prop_assert_eq!(d[[i, j]].to_bits(), d[[j, i]].to_bits());
                prop_assert!((d[[i, j]] - (x[j] - x[i]).hypot(y[j] - y[i])).abs() <= 1e-15 * 4e6);
            }
        }
    }
}
