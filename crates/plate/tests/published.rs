//! The published case and the convergence study, on both backends.

use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Kernel, Parallel, Schedule, Serial};
use plate::reference::quadruple_loop;
use plate::{Deflection, Navier, Plate, PointLoad};

const PUBLISHED_W_MAX_MM: f64 = 0.141_317_840_389;
const PUBLISHED_D: f64 = 819_088.319_088_319_2;
const PUBLISHED_ALPHA: f64 = 0.011_575_179;

fn check_published(deflection: &Deflection) {
    let w_max_mm = deflection.w_max() * 1e3;
    assert!(
        (w_max_mm - PUBLISHED_W_MAX_MM).abs() < 5e-13,
        "w_max = {w_max_mm:.15} mm"
    );
    assert!((deflection.alpha() - PUBLISHED_ALPHA).abs() < 1e-9);
    // The maximum sits at the centre, under the load.
    assert_eq!(deflection.w()[[50, 50]], deflection.w_max());
}

#[test]
fn published_rigidity() {
    let d = Navier::published().plate().rigidity();
    assert!((d - PUBLISHED_D).abs() <= 1e-15 * PUBLISHED_D);
}

#[test]
fn published_constructor_matches_new() {
    let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let navier = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 15, 15, 101, 101).unwrap();
    assert_eq!(navier, Navier::published());
}

#[test]
fn published_serial() {
    check_published(&Navier::published().run::<Serial>());
}

#[test]
fn published_parallel_every_schedule_and_thread_count() {
    let navier = Navier::published();
    let serial = navier.run::<Serial>();
    for threads in THREAD_COUNTS {
        for schedule in Schedule::ALL {
            let parallel = in_pool(threads, || navier.run_with::<Parallel>(schedule));
            check_published(&parallel);
            assert_eq!(parallel, serial, "{threads} threads, {schedule}");
        }
    }
}

#[test]
fn published_matches_the_quadruple_loop() {
    let navier = Navier::published();
    let fast = navier.run::<Serial>();
    let slow = quadruple_loop(&navier);
    let w_max = fast.w_max();
    let worst = fast
        .w()
        .iter()
        .zip(&slow)
        .fold(0.0_f64, |m, (f, s)| m.max((f - s).abs()));
    assert!(worst <= 1e-12 * w_max, "worst difference {worst:e}");
    // The reference itself reproduces the published value.
    let slow_max = slow.iter().fold(0.0_f64, |m, w| m.max(w.abs()));
    assert!((slow_max * 1e3 - PUBLISHED_W_MAX_MM).abs() < 5e-13);
}

#[test]
fn many_terms_converge_to_timoshenko() {
    let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let navier = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 1023, 1023, 2, 2).unwrap();
    let alpha = navier.deflection_at(0.5, 0.5) / navier.scale();
    assert!((alpha - 0.01160).abs() < 1e-5, "alpha = {alpha}");
    // 0.0116008 to 7 significant digits (NumPy gives 0.0116008335).
    assert!((alpha - 0.011_600_8).abs() < 5e-8, "alpha = {alpha}");
}

#[test]
fn more_terms_on_a_grid_containing_the_centre() {
    // A 3 × 3 grid (0, 0.5, 1) with 255 × 255 terms, fast path on both backends.
    let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let navier = Navier::new(plate, PointLoad::new(10e3, 0.5, 0.5), 255, 255, 3, 3).unwrap();
    let deflection = navier.run::<Serial>();
    assert_eq!(deflection, navier.run::<Parallel>());
    assert!((deflection.alpha() - 0.01160).abs() < 1e-5);
    let direct = navier.deflection_at(0.5, 0.5);
    assert!((deflection.w()[[1, 1]] - direct).abs() <= 1e-13 * direct);
}

#[test]
fn alpha_does_not_depend_on_the_load_sign_or_size() {
    let plate = Plate::new(1.0, 1.0, 0.05, 69e9, 0.35).unwrap();
    let down = Navier::new(plate, PointLoad::new(-20e3, 0.5, 0.5), 15, 15, 101, 101).unwrap();
    let alpha = down.run::<Serial>().alpha();
    assert!((alpha - PUBLISHED_ALPHA).abs() < 1e-9);
}
