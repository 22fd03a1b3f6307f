//! Small cases that reach every `unsafe` block of the crate on every
//! instruction set this build supports, sized for Miri (`.ci/run` runs this
//! file under `cargo miri test` with the vector instruction sets enabled);
//! under plain `cargo test` they are a quick extra check.

use kernels_core::testing::in_pool;
use kernels_core::{Isa, Kernel, Parallel, Serial, Vectorized};
use plate::{Navier, Plate, PointLoad};

#[test]
fn small_plates_match_the_scalar_path_on_every_isa() {
    let oblong = Plate::new(1.3, 0.7, 0.02, 200e9, 0.3).unwrap();
    let load = PointLoad::new(-3e3, 0.4, 0.25);
    // Odd sizes: partial vectors and tiles in both products, mirrored rows.
    for (terms_x, terms_y, points_x, points_y) in [(7, 5, 13, 9), (3, 9, 11, 17)] {
        let navier = Navier::new(oblong, load, terms_x, terms_y, points_x, points_y).unwrap();
        let scalar = navier.with_isa(Isa::Scalar).unwrap().run::<Serial>();
        let w_max = scalar.w_max();
        for isa in Isa::supported() {
            let kernel = navier.with_isa(isa).unwrap();
            let serial = kernel.run::<Serial>();
            let worst = serial
                .w()
                .iter()
                .zip(scalar.w())
                .fold(0.0_f64, |m, (s, r)| m.max((s - r).abs()));
            assert!(worst <= 1e-14 * w_max, "{isa}: {worst} of {w_max}");
            let parallel = in_pool(2, || kernel.run::<Parallel>());
            assert_eq!(parallel.w(), serial.w(), "{isa} parallel");
        }
    }
}
