//! Small cases that reach every `unsafe` block of the crate on every
//! instruction set this build supports, sized for Miri (`.ci/run` runs this
//! file under `cargo miri test` with the vector instruction sets enabled);
//! under plain `cargo test` they are a quick extra check.

use kernels_core::testing::in_pool;
use kernels_core::{Isa, Kernel, Parallel, Serial, Vectorized};
use ndarray::Array2;
use particles::reference::{self, Particle};
use particles::{DistanceMatrix, Evolve, Method, Particles};

#[test]
fn evolve_matches_the_reference_on_every_isa() {
    // 37 particles: one whole 32-particle group and a partial one.
    let ps = Particles::random(37, 3).unwrap();
    let dt = 2.5e-3; // 4 steps
    for method in [Method::Textbook, Method::Hoisted] {
        let mut expected: Vec<Particle> = ps
            .to_triples()
            .into_iter()
            .map(|(x, y, ang_speed)| Particle { x, y, ang_speed })
            .collect();
        match method {
            Method::Textbook => reference::evolve(&mut expected, dt),
            _ => reference::evolve_hoisted(&mut expected, dt),
        }
        for isa in Isa::supported() {
            let kernel = Evolve::new(ps.clone(), dt, method)
                .unwrap()
                .with_isa(isa)
                .unwrap();
            for out in [
                kernel.run::<Serial>(),
                in_pool(2, || kernel.run::<Parallel>()),
            ] {
                for (i, p) in expected.iter().enumerate() {
                    assert_eq!(out.x()[i].to_bits(), p.x.to_bits(), "{method} {isa} x {i}");
                    assert_eq!(out.y()[i].to_bits(), p.y.to_bits(), "{method} {isa} y {i}");
                }
            }
        }
    }
}

#[test]
fn distance_matrix_matches_the_reference_on_every_isa() {
    // 19 points: one 16-entry vector pair and a scalar tail per row.
    let kernel = DistanceMatrix::random(19, 4).unwrap();
    let expected = reference::distance_matrix(kernel.x(), kernel.y());
    for isa in Isa::supported() {
        let kernel = kernel.clone().with_isa(isa).unwrap();
        let mut reused = Array2::from_elem((19, 19), f64::NAN);
        kernel.run_into::<Serial>(&mut reused).unwrap();
        for out in [
            kernel.run::<Serial>(),
            in_pool(2, || kernel.run::<Parallel>()),
            reused,
        ] {
            let same = out
                .iter()
                .zip(&expected)
                .all(|(a, b)| a.to_bits() == b.to_bits());
            assert!(same, "{isa}");
        }
    }
}
