//! Small cases that reach every `unsafe` block of the crate on every
//! instruction set this build supports, sized for Miri (`.ci/run` runs this
//! file under `cargo miri test` with the vector instruction sets enabled);
//! under plain `cargo test` they are a quick extra check.

use diffusion::{Boundary, Case1d, Case2d, ffi, reference};
use kernels_core::testing::assert_serial_and_parallel_give;
use kernels_core::{Isa, Vectorized};
use ndarray::{Array1, Array2};

fn wavy(rows: usize, cols: usize) -> Array2<f64> {
    Array2::from_shape_fn((rows, cols), |(i, j)| {
        ((i * 31 + j * 17) % 23) as f64 * 0.11 - 1.2
    })
}

/// Runs `steps` blocked steps of `initial` with each `(time_block,
/// band_rows, strip_cols)`, for both boundaries and every instruction set,
/// on `Serial` and on two threads, against the reference.
fn assert_blocked_runs_match(
    initial: &Array2<f64>,
    steps: u64,
    blockings: &[(usize, usize, usize)],
) {
    for boundary in Boundary::ALL {
        let expected = reference::run_2d(initial.view(), 0.9, 0.27, boundary, steps);
        for isa in Isa::supported() {
            for &(time_block, band_rows, strip_cols) in blockings {
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
                let what = format!("{boundary} {isa} T={time_block} B={band_rows} W={strip_cols}");
                assert_serial_and_parallel_give(&case, &expected, &what);
            }
        }
    }
}

#[test]
fn blocked_2d_runs_match_the_reference_on_every_isa() {
    // 19 columns: two 8-lane vectors and a tail; whole rows and strips.
    assert_blocked_runs_match(&wavy(7, 19), 4, &[(1, 3, 19), (3, 3, 19), (2, 3, 8)]);
}

#[test]
fn passes_on_interleaved_rows_match_the_reference() {
    // 16 columns are whole vectors of every width: the passes hand each
    // other interleaved rows. 5 steps in passes of 2 have a first, a
    // middle and a one-step last pass; in passes of 3, the first and the
    // last only; in passes of 8, one pass that is both.
    assert_blocked_runs_match(&wavy(7, 16), 5, &[(2, 3, 16), (3, 7, 16), (8, 2, 16)]);
}

#[test]
fn bands_that_wait_only_for_their_neighbours_match_the_reference() {
    // 12 rows in bands of 3 with 2 steps per pass: each band depends on
    // two of the other three only, so under Miri the race detector sees
    // bands of different passes run side by side on two threads.
    assert_blocked_runs_match(&wavy(12, 19), 6, &[(2, 3, 19)]);
}

#[test]
fn one_d_runs_match_the_reference_on_every_isa() {
    let initial = Array1::from_shape_fn(29, |i| (i as f64 * 0.41).cos());
    for boundary in Boundary::ALL {
        let expected = reference::run_1d(initial.view(), 1.0, 0.45, boundary, 3);
        for isa in Isa::supported() {
            let case = Case1d::new(initial.clone(), 1.0, 0.45, boundary, 3)
                .unwrap()
                .with_isa(isa)
                .unwrap()
                .with_chunk_len(11)
                .unwrap();
            assert_serial_and_parallel_give(&case, &expected, &format!("{boundary} {isa}"));
        }
    }
}

#[test]
fn evolve_uses_the_vector_loop_and_matches_the_c_loop() {
    // 29 columns: the vector loop over the interior and its tail.
    let (nx, ny) = (7, 29);
    let initial = wavy(nx, ny);
    let input = initial.as_slice().unwrap();
    let mut output = input.to_vec();
    // SAFETY: both buffers hold nx·ny doubles and do not overlap.
    let status = unsafe {
        ffi::evolve(
            nx as i32,
            ny as i32,
            input.as_ptr(),
            output.as_mut_ptr(),
            0.8,
            0.3,
        )
    };
    assert_eq!(status, ffi::EVOLVE_OK);
    let expected = reference::step_2d(initial.view(), 0.8, 0.3, Boundary::Fixed);
    assert_eq!(output, expected.into_raw_vec_and_offset().0);
    // SAFETY: a null input is rejected before anything is read or written.
    let status = unsafe { ffi::evolve(2, 2, std::ptr::null(), output.as_mut_ptr(), 0.8, 0.3) };
    assert_eq!(status, ffi::EVOLVE_ERR_NULL_INPUT);
}
