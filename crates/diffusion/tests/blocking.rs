//! The fast paths against the reference: every supported instruction set,
//! temporally blocked runs with any time block and band height, on Serial
//! and Parallel with several thread counts — always bit-identical.

use diffusion::{Boundary, Case1d, Case2d, Diffusion2d, reference};
use kernels_core::testing::{THREAD_COUNTS, in_pool};
use kernels_core::{Isa, Kernel, Parallel, Schedule, Serial, Vectorized};
use ndarray::Array2;
use proptest::collection::vec;
use proptest::prelude::*;

fn wavy(rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        ((i * 31 + j * 17) % 23) as f64 * 0.11 - 1.2 + (j as f64 * 0.3).sin()
    })
}

#[test]
fn every_isa_blocking_backend_and_thread_count_gives_the_reference_bits() {
    // Wider than two AVX-512 vectors plus a tail, a narrow grid, and whole
    // vectors (interleaved passes, rows updated in pairs), all odd heights.
    for (rows, cols) in [(21, 37), (9, 5), (21, 40)] {
        let initial = wavy(rows, cols);
        for boundary in Boundary::ALL {
            let steps = 13;
            let expected = reference::run_2d(initial.view(), 0.9, 0.27, boundary, steps);
            for isa in Isa::supported() {
                for (time_block, band_rows, strip_cols) in [
                    (1, 4, 8),
                    (3, 1, 100),
                    (4, 5, 16),
                    (8, 64, 1),
                    (13, 2, 8),
                    (20, 7, 24),
                    (5, 3, 37),
                ] {
                    let case = Case2d::new(initial.clone(), 0.9, 0.27, boundary, steps)
                        .unwrap()
                        .with_isa(isa)
                        .unwrap()
                        .with_time_block(time_block)
                        .unwrap()
                        .with_band_rows(band_rows)
                        .unwrap()
                        .with_strip_cols(strip_cols)
                        .unwrap();
                    let what = format!(
                        "{rows}×{cols} {boundary} {isa} T={time_block} B={band_rows} W={strip_cols}"
                    );
                    assert_eq!(case.run::<Serial>(), expected, "{what} serial");
                    for threads in THREAD_COUNTS {
                        let got = in_pool(threads, || case.run_with::<Parallel>(Schedule::Dynamic));
                        assert_eq!(got, expected, "{what} {threads} threads");
                    }
                }
            }
        }
    }
}

#[test]
fn single_steps_and_blocked_runs_interleave() {
    let initial = wavy(30, 26);
    for boundary in Boundary::ALL {
        for isa in Isa::supported() {
            let mut sim = Diffusion2d::new(initial.clone(), 1.0, 0.2, boundary)
                .unwrap()
                .with_isa(isa)
                .unwrap()
                .with_time_block(4)
                .unwrap()
                .with_band_rows(6)
                .unwrap();
            sim.step::<Parallel>();
            sim.run::<Parallel>(10); // 4 + 4 + 2
            sim.step::<Serial>();
            sim.run::<Serial>(3);
            assert_eq!(sim.steps_done(), 15);
            let expected = reference::run_2d(initial.view(), 1.0, 0.2, boundary, 15);
            assert_eq!(sim.grid(), expected, "{boundary} {isa}");
        }
    }
}

#[test]
fn the_default_blocking_depends_on_the_size_only() {
    let a = Diffusion2d::new(Array2::zeros((2048, 2048)), 1.0, 0.1, Boundary::Periodic).unwrap();
    assert_eq!((a.time_block(), a.band_rows()), (14, 256));
    let b = Diffusion2d::new(Array2::zeros((512, 512)), 1.0, 0.1, Boundary::Fixed).unwrap();
    assert_eq!((b.time_block(), b.band_rows()), (16, 128));
    assert_eq!((a.strip_cols(), b.strip_cols()), (2048, 512)); // whole rows
    let wide = Diffusion2d::new(Array2::zeros((4, 100_000)), 1.0, 0.1, Boundary::Fixed).unwrap();
    assert_eq!(wide.time_block(), 1);
    for bad in [
        Diffusion2d::new(Array2::zeros((4, 4)), 1.0, 0.1, Boundary::Fixed)
            .unwrap()
            .with_time_block(0),
        Diffusion2d::new(Array2::zeros((4, 4)), 1.0, 0.1, Boundary::Fixed)
            .unwrap()
            .with_band_rows(0),
        Diffusion2d::new(Array2::zeros((4, 4)), 1.0, 0.1, Boundary::Fixed)
            .unwrap()
            .with_strip_cols(0),
    ] {
        let parameter = bad.unwrap_err().parameter();
        assert!(["time_block", "band_rows", "strip_cols"].contains(&parameter));
    }
}

#[test]
fn every_isa_gives_the_reference_bits_in_1d() {
    let initial = ndarray::Array1::from_shape_fn(203, |i| (i as f64 * 0.41).cos());
    for boundary in Boundary::ALL {
        let expected = reference::run_1d(initial.view(), 1.0, 0.45, boundary, 9);
        for isa in Isa::supported() {
            let case = Case1d::new(initial.clone(), 1.0, 0.45, boundary, 9)
                .unwrap()
                .with_isa(isa)
                .unwrap()
                .with_chunk_len(17)
                .unwrap();
            assert_eq!(case.run::<Serial>(), expected, "{boundary} {isa}");
            for threads in THREAD_COUNTS {
                let got = in_pool(threads, || case.run::<Parallel>());
                assert_eq!(got, expected, "{boundary} {isa} {threads} threads");
            }
        }
    }
}

#[test]
fn an_unsupported_isa_is_rejected() {
    let sim = Diffusion2d::new(Array2::zeros((3, 3)), 1.0, 0.1, Boundary::Fixed).unwrap();
    for isa in Isa::ALL {
        let result = sim.clone().with_isa(isa);
        assert_eq!(result.is_ok(), isa.is_supported());
        if let Err(err) = result {
            assert_eq!(err.parameter(), "isa");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn blocked_runs_equal_the_reference_exactly(
        (rows, cols, values) in (1_usize..24, 1_usize..70).prop_flat_map(|(r, c)| {
            (Just(r), Just(c), vec(-100.0..100.0_f64, r * c))
        }),
        fixed in any::<bool>(), k in 0.001..=0.25_f64,
        steps in 0_u64..25, time_block in 1_usize..12, band_rows in 1_usize..30,
        strip_cols in 1_usize..48, isa_index in 0_usize..3,
    ) {
        let boundary = if fixed { Boundary::Fixed } else { Boundary::Periodic };
        prop_assume!(!fixed || (rows >= 3 && cols >= 3));
        let isas = Isa::supported();
        let isa = isas[isa_index % isas.len()];
        let initial = Array2::from_shape_vec((rows, cols), values).unwrap();
        let expected = reference::run_2d(initial.view(), 1.0, k, boundary, steps);
        let case = Case2d::new(initial, 1.0, k, boundary, steps).unwrap()
            .with_isa(isa).unwrap()
            .with_time_block(time_block).unwrap()
            .with_band_rows(band_rows).unwrap()
            .with_strip_cols(strip_cols).unwrap();
        prop_assert_eq!(&case.run::<Serial>(), &expected);
        prop_assert_eq!(&in_pool(3, || case.run::<Parallel>()), &expected);
    }
}
