//! Every kind of bad input is a typed error naming its parameter.

use montecarlo::{Error, Estimator, Kernel, MAX_SAMPLES, Pi, Serial};

#[test]
fn zero_samples() {
    let err = Estimator::new(0, 1).unwrap_err();
    assert_eq!(err.parameter(), "samples");
    assert!(matches!(err, Error::OutOfRange { .. }));
    assert_eq!(Pi::new(0, 1).unwrap_err().parameter(), "samples");
}

#[test]
fn one_sample_has_no_standard_error() {
    let err = Estimator::new(1, 1).unwrap_err();
    assert_eq!(err.parameter(), "samples");
    assert!(err.to_string().contains("at least 2"), "{err}");
    assert_eq!(Pi::new(1, 1).unwrap_err().parameter(), "samples");
}

#[test]
fn too_many_samples() {
    for samples in [MAX_SAMPLES + 1, u64::MAX] {
        let err = Estimator::new(samples, 1).unwrap_err();
        assert_eq!(err.parameter(), "samples");
        assert!(matches!(err, Error::OutOfRange { .. }));
        assert_eq!(Pi::new(samples, 1).unwrap_err().parameter(), "samples");
    }
    assert!(Pi::new(MAX_SAMPLES, 1).is_ok());
}

#[test]
fn bad_confidence_z() {
    let est = Pi::new(1000, 1).unwrap().run::<Serial>();
    for z in [0.0, -0.0, -1.96, f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let err = est.confidence_interval(z).unwrap_err();
        assert_eq!(err.parameter(), "z", "z = {z}");
    }
    assert!(matches!(
        est.confidence_interval(f64::NAN),
        Err(Error::NotFinite { .. })
    ));
    assert!(matches!(
        est.confidence_interval(0.0),
        Err(Error::OutOfRange { .. })
    ));
    let (low, high) = est.confidence_interval(1.0).unwrap();
    assert!(low < est.mean() && est.mean() < high);
}

#[test]
fn non_finite_samples_are_reported_by_is_finite() {
    let estimator = Estimator::new(100_000, 1).unwrap();
    // One bad sample in 10⁵ (the first of chunk 1) poisons the estimate, on
    // every backend alike.
    let est = estimator.estimate::<Serial, _>(|rng| {
        let u = montecarlo::uniform(rng);
        if u < 1e-5 { f64::INFINITY } else { u }
    });
    let par = estimator.estimate::<montecarlo::Parallel, _>(|rng| {
        let u = montecarlo::uniform(rng);
        if u < 1e-5 { f64::INFINITY } else { u }
    });
    assert_eq!(est.is_finite(), par.is_finite());
    assert_eq!(est.mean().to_bits(), par.mean().to_bits());
    let nan = estimator.estimate::<Serial, _>(|_| f64::NAN);
    assert!(!nan.is_finite());
}
