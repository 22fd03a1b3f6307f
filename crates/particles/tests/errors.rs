//! Every kind of bad input gives a typed error naming the parameter.

use kernels_core::{Error, Parallel, Schedule, Serial};
use particles::{DistanceMatrix, Evolve, Method, Particles, steps_for};

fn new_err(x: Vec<f64>, y: Vec<f64>, w: Vec<f64>) -> Error {
    Particles::new(x, y, w).unwrap_err()
}

#[test]
fn length_mismatch() {
    let err = new_err(vec![1.0, 2.0], vec![1.0], vec![1.0, 1.0]);
    assert!(matches!(err, Error::ShapeMismatch { .. }));
    assert_eq!(err.parameter(), "y");
    let err = new_err(vec![1.0, 2.0], vec![1.0, 1.0], vec![1.0, 1.0, 1.0]);
    assert!(matches!(err, Error::ShapeMismatch { .. }));
    assert_eq!(err.parameter(), "ang_speed");
}

#[test]
fn zero_particles() {
    let err = new_err(vec![], vec![], vec![]);
    assert!(matches!(err, Error::OutOfRange { .. }));
    assert_eq!(err.parameter(), "particles");
    assert_eq!(
        Particles::from_triples(&[]).unwrap_err().parameter(),
        "particles"
    );
    assert_eq!(Particles::random(0, 1).unwrap_err().parameter(), "n");
}

#[test]
fn too_many_random_particles() {
    let err = Particles::random(usize::MAX, 1).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }));
    assert_eq!(err.parameter(), "n");
}

#[test]
fn non_finite_values() {
    for (bad, name) in [(0, "x"), (1, "y"), (2, "ang_speed")] {
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut triple = [1.0, 1.0, 1.0];
            triple[bad] = value;
            let err =
                Particles::from_triples(&[(1.0, 0.0, 1.0), (triple[0], triple[1], triple[2])])
                    .unwrap_err();
            assert!(matches!(err, Error::NotFinite { .. }), "{err}");
            assert_eq!(err.parameter(), name);
        }
    }
}

#[test]
fn particle_at_the_origin() {
    for (x, y) in [
        (0.0, 0.0),
        (-0.0, 0.0),
        (0.0, -0.0),
        (1e-170, 0.0),
        (1e200, 1.0),
    ] {
        let err = Particles::from_triples(&[(1.0, 1.0, 1.0), (x, y, 1.0)]).unwrap_err();
        assert!(matches!(err, Error::OutOfRange { .. }));
        assert_eq!(err.parameter(), "particle position", "({x}, {y})");
        assert!(err.to_string().contains("index 1"), "{err}");
    }
}

#[test]
fn bad_dt() {
    for dt in [0.0, -0.1, -0.0, 9.99e-6, 1e-300, 1e15, f64::MAX] {
        let err = steps_for(dt).unwrap_err();
        assert!(matches!(err, Error::OutOfRange { .. }), "{dt}: {err}");
        assert_eq!(err.parameter(), "dt");
    }
    for dt in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = steps_for(dt).unwrap_err();
        assert!(matches!(err, Error::NotFinite { .. }));
        assert_eq!(err.parameter(), "dt");
    }
    // The largest accepted span still fits in u64.
    assert!(steps_for(1.8e14).is_ok());
    for dt in [0.0, f64::NAN, 1e-6, 1e15] {
        let err = Evolve::new(Particles::published_test(), dt, Method::Textbook).unwrap_err();
        assert_eq!(err.parameter(), "dt");
        let mut ps = Particles::published_test();
        assert_eq!(
            ps.evolve::<Serial>(dt, Method::Hoisted)
                .unwrap_err()
                .parameter(),
            "dt"
        );
        assert_eq!(ps, Particles::published_test());
    }
}

#[test]
fn flop_count_overflow() {
    let ps = Particles::random(1_000_000, 0).unwrap();
    let err = Evolve::new(ps, 1e14, Method::Textbook).unwrap_err();
    assert_eq!(err.parameter(), "dt");
}

#[test]
fn span_that_would_overflow() {
    // Euler: r² + k·(TIMESTEP·ω)² overflows for a huge angular speed.
    let ps = Particles::from_triples(&[(1.0, 0.0, 1e300)]).unwrap();
    for method in [Method::Textbook, Method::Hoisted] {
        let err = Evolve::new(ps.clone(), 0.1, method).unwrap_err();
        assert_eq!(err.parameter(), "dt");
        let mut copy = ps.clone();
        let err = copy
            .evolve_steps::<Parallel>(1, method, Schedule::Static)
            .unwrap_err();
        assert_eq!(err.parameter(), "steps");
        assert_eq!(copy, ps);
    }
    // Exact: the angle ω·T / r overflows.
    let ps = Particles::from_triples(&[(1e-150, 0.0, 1e300)]).unwrap();
    let err = Evolve::new(ps, 1.0, Method::Exact).unwrap_err();
    assert_eq!(err.parameter(), "dt");
    // Zero steps is a no-op, never an error.
    let mut ps = Particles::from_triples(&[(1.0, 0.0, 1e300)]).unwrap();
    ps.evolve_steps::<Serial>(0, Method::Textbook, Schedule::Static)
        .unwrap();
    assert_eq!(ps.x(), &[1.0]);
}

#[test]
fn unknown_method_name() {
    let err = "euler".parse::<Method>().unwrap_err();
    assert_eq!(err.parameter(), "method");
}

#[test]
fn distance_matrix_bad_input() {
    let err = DistanceMatrix::new(vec![], vec![]).unwrap_err();
    assert!(matches!(err, Error::OutOfRange { .. }));
    assert_eq!(err.parameter(), "points");
    assert_eq!(
        DistanceMatrix::random(0, 1).unwrap_err().parameter(),
        "points"
    );

    let err = DistanceMatrix::random(usize::MAX / 2, 1).unwrap_err();
    assert!(matches!(err, Error::TooLarge { .. }));
    assert_eq!(err.parameter(), "points");
    let err = DistanceMatrix::random(1 << 31, 1).unwrap_err();
    assert!(
        matches!(err, Error::TooLarge { .. }),
        "8·n² bytes > isize::MAX"
    );

    let err = DistanceMatrix::new(vec![1.0, 2.0], vec![1.0]).unwrap_err();
    assert!(matches!(err, Error::ShapeMismatch { .. }));
    assert_eq!(err.parameter(), "y");

    for (x, y, name) in [
        (f64::NAN, 0.0, "x"),
        (0.0, f64::INFINITY, "y"),
        (1e151, 0.0, "x"),
        (0.0, -1e151, "y"),
    ] {
        let err = DistanceMatrix::new(vec![0.5, x], vec![0.5, y]).unwrap_err();
        assert_eq!(err.parameter(), name, "({x}, {y})");
    }
}
