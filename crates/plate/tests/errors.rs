//! One test per kind of bad input: each names the offending parameter.

use kernels_core::Error;
use plate::{Navier, Plate, PointLoad};

fn plate() -> Plate {
    Plate::new(1.0, 2.0, 0.05, 69e9, 0.35).unwrap()
}

fn navier(load: PointLoad, terms: (usize, usize), points: (usize, usize)) -> Result<Navier, Error> {
    Navier::new(plate(), load, terms.0, terms.1, points.0, points.1)
}

fn centre() -> PointLoad {
    PointLoad::new(10e3, 0.5, 1.0)
}

#[test]
fn bad_geometry_and_material() {
    let good = [1.0, 1.0, 0.05, 69e9, 0.35];
    let names = ["a", "b", "h", "e"];
    for (index, name) in names.iter().enumerate() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let mut args = good;
            args[index] = bad;
            let err = Plate::new(args[0], args[1], args[2], args[3], args[4]).unwrap_err();
            assert_eq!(err.parameter(), *name, "{name} = {bad}");
            if bad.is_finite() {
                assert!(matches!(err, Error::OutOfRange { .. }));
            } else {
                assert!(matches!(err, Error::NotFinite { .. }));
            }
        }
    }
}

#[test]
fn poisson_ratio_out_of_range() {
    for bad in [-1.0, -1.5, 0.500_000_1, 1.0, f64::NAN, f64::INFINITY] {
        let err = Plate::new(1.0, 1.0, 0.05, 69e9, bad).unwrap_err();
        assert_eq!(err.parameter(), "nu", "nu = {bad}");
    }
    // The documented range is -1 < nu <= 0.5.
    assert!(Plate::new(1.0, 1.0, 0.05, 69e9, 0.5).is_ok());
    assert!(Plate::new(1.0, 1.0, 0.05, 69e9, -0.999).is_ok());
    assert!(Plate::new(1.0, 1.0, 0.05, 69e9, 0.0).is_ok());
}

#[test]
fn rigidity_that_does_not_fit_in_f64() {
    let err = Plate::new(1.0, 1.0, 1e200, 69e9, 0.35).unwrap_err();
    assert_eq!(err.parameter(), "rigidity");
    let err = Plate::new(1.0, 1.0, 1e-200, 69e9, 0.35).unwrap_err();
    assert_eq!(err.parameter(), "rigidity");
}

#[test]
fn bad_force() {
    for bad in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = navier(PointLoad::new(bad, 0.5, 1.0), (15, 15), (11, 11)).unwrap_err();
        assert_eq!(err.parameter(), "p");
        assert!(matches!(err, Error::NotFinite { .. }));
    }
    let err = navier(PointLoad::new(0.0, 0.5, 1.0), (15, 15), (11, 11)).unwrap_err();
    assert_eq!(err.parameter(), "p");
    assert!(matches!(err, Error::OutOfRange { .. }));
}

#[test]
fn load_outside_the_plate() {
    for (xi, eta, name) in [
        (-0.1, 1.0, "xi"),
        (1.000_001, 1.0, "xi"),
        (f64::NAN, 1.0, "xi"),
        (0.5, -1e-9, "eta"),
        (0.5, 2.5, "eta"),
        (0.5, f64::INFINITY, "eta"),
    ] {
        let err = navier(PointLoad::new(10e3, xi, eta), (15, 15), (11, 11)).unwrap_err();
        assert_eq!(err.parameter(), name, "({xi}, {eta})");
    }
    // The edges belong to the plate (the load is then carried by the support).
    assert!(navier(PointLoad::new(10e3, 1.0, 0.0), (15, 15), (11, 11)).is_ok());
}

#[test]
fn zero_terms() {
    let err = navier(centre(), (0, 15), (11, 11)).unwrap_err();
    assert_eq!(err.parameter(), "terms_m");
    let err = navier(centre(), (15, 0), (11, 11)).unwrap_err();
    assert_eq!(err.parameter(), "terms_n");
}

#[test]
fn fewer_than_two_points() {
    for points in [0, 1] {
        let err = navier(centre(), (15, 15), (points, 11)).unwrap_err();
        assert_eq!(err.parameter(), "points_x");
        let err = navier(centre(), (15, 15), (11, points)).unwrap_err();
        assert_eq!(err.parameter(), "points_y");
    }
    assert!(navier(centre(), (1, 1), (2, 2)).is_ok());
}

#[test]
fn sizes_that_overflow() {
    let cases = [
        ((15, 15), (usize::MAX, 2), "points_y × points_x"),
        ((usize::MAX / 2, 3), (2, 2), "terms_n × terms_m"),
        ((1 << 40, 1), (1 << 30, 2), "terms_m × points_x"),
        ((1, 1 << 40), (2, 1 << 30), "points_y × terms_n"),
        (
            (1 << 20, 1 << 20),
            (1 << 20, 1 << 20),
            "points_x × points_y × terms_m × terms_n",
        ),
    ];
    for (terms, points, name) in cases {
        let err = navier(centre(), terms, points).unwrap_err();
        assert_eq!(err.parameter(), name);
        assert!(matches!(err, Error::TooLarge { .. }), "{err}");
    }
}

#[test]
fn series_that_would_overflow_f64() {
    // Each plate is valid on its own, but its series is not representable.
    let huge_load = PointLoad::new(1e308, 0.5, 0.5);
    let unit = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let err = Navier::new(unit, huge_load, 15, 15, 11, 11).unwrap_err();
    assert_eq!(err.parameter(), "scale");

    // A plate so large that 1/a² underflows.
    let vast = Plate::new(1e200, 1e200, 0.05, 69e9, 0.35).unwrap();
    let err = Navier::new(vast, PointLoad::new(1.0, 0.5e200, 0.5e200), 15, 15, 11, 11).unwrap_err();
    assert_eq!(err.parameter(), "scale");

    // A plate so small that m²/a² overflows.
    let tiny = Plate::new(1e-200, 1e-200, 0.05, 69e9, 0.35).unwrap();
    let err = Navier::new(
        tiny,
        PointLoad::new(1.0, 0.5e-200, 0.5e-200),
        15,
        15,
        11,
        11,
    )
    .unwrap_err();
    assert_eq!(err.parameter(), "scale");

    // A very floppy plate: the deflection itself overflows.
    let floppy = Plate::new(1.0, 1.0, 1e-100, 1e-10, 0.35).unwrap();
    let err = Navier::new(floppy, PointLoad::new(1e10, 0.5, 0.5), 15, 15, 11, 11).unwrap_err();
    assert_eq!(err.parameter(), "scale");
}

#[test]
fn errors_explain_themselves() {
    let err = navier(PointLoad::new(10e3, 3.0, 1.0), (15, 15), (11, 11)).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("xi") && message.contains('3'), "{message}");
}
