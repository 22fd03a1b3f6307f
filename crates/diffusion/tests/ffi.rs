//! The C ABI `evolve`, called through Rust.

use diffusion::ffi::{
    EVOLVE_ERR_COEFFICIENT, EVOLVE_ERR_MISALIGNED, EVOLVE_ERR_NULL_INPUT, EVOLVE_ERR_NULL_OUTPUT,
    EVOLVE_ERR_OVERLAP, EVOLVE_ERR_SIZE, EVOLVE_ERR_TOO_LARGE, EVOLVE_ERR_UNSTABLE, EVOLVE_OK,
    evolve, evolve_error_message,
};
use diffusion::{Boundary, Diffusion2d, reference};
use kernels_core::Serial;
use ndarray::Array2;
use std::ffi::{CStr, c_int};

/// Calls `evolve` on two separate `nx · ny` buffers (the sizes passed may be
/// anything; the buffers are large enough for the sizes that pass checks).
fn call(nx: c_int, ny: c_int, input: &[f64], output: &mut [f64], d: f64, dt: f64) -> c_int {
    // SAFETY: the tests only pass sizes for which `nx · ny ≤ input.len()`
    // and `≤ output.len()`, or sizes that `evolve` rejects before reading.
    unsafe { evolve(nx, ny, input.as_ptr(), output.as_mut_ptr(), d, dt) }
}

fn sample(nx: usize, ny: usize) -> Array2<f64> {
    Array2::from_shape_fn((nx, ny), |(i, j)| {
        ((i * 17 + j * 5) % 11) as f64 * 0.25 - 0.5
    })
}

#[test]
fn evolve_equals_the_reference_c_loop_bit_for_bit_over_many_steps() {
    let (nx, ny) = (13, 21);
    let initial = sample(nx, ny);
    let expected = reference::run_2d(initial.view(), 0.9, 0.25, Boundary::Fixed, 30);
    // As in the FFI chapter: two buffers with the same edges, swapped each step.
    let mut a = initial.as_slice().unwrap().to_vec();
    let mut b = a.clone();
    for _ in 0..30 {
        assert_eq!(
            call(nx as c_int, ny as c_int, &a, &mut b, 0.9, 0.25),
            EVOLVE_OK
        );
        std::mem::swap(&mut a, &mut b);
    }
    assert_eq!(a, expected.as_slice().unwrap());
    // And equal to the simulation type.
    let mut sim = Diffusion2d::new(initial, 0.9, 0.25, Boundary::Fixed).unwrap();
    sim.run::<Serial>(30);
    assert_eq!(sim.grid(), expected);
}

#[test]
fn evolve_leaves_the_edges_of_out_untouched() {
    let (nx, ny) = (5, 4);
    let input = sample(nx, ny).into_raw_vec_and_offset().0;
    let mut output = vec![7.0; nx * ny];
    assert_eq!(call(5, 4, &input, &mut output, 1.0, 0.1), EVOLVE_OK);
    let expected = reference::step_2d(sample(nx, ny).view(), 1.0, 0.1, Boundary::Fixed);
    for i in 0..nx {
        for j in 0..ny {
            let interior = i > 0 && i < nx - 1 && j > 0 && j < ny - 1;
            let want = if interior { expected[[i, j]] } else { 7.0 };
            assert_eq!(output[i * ny + j], want, "({i}, {j})");
        }
    }
}

#[test]
fn null_pointers_are_rejected() {
    let input = [0.0; 9];
    let mut output = [0.0; 9];
    // SAFETY: null pointers are rejected before anything is dereferenced.
    unsafe {
        assert_eq!(
            evolve(3, 3, std::ptr::null(), output.as_mut_ptr(), 1.0, 0.1),
            EVOLVE_ERR_NULL_INPUT
        );
        assert_eq!(
            evolve(3, 3, input.as_ptr(), std::ptr::null_mut(), 1.0, 0.1),
            EVOLVE_ERR_NULL_OUTPUT
        );
        assert_eq!(
            evolve(3, 3, std::ptr::null(), std::ptr::null_mut(), 1.0, 0.1),
            EVOLVE_ERR_NULL_INPUT
        );
    }
}

#[test]
fn bad_sizes_are_rejected_without_writing() {
    let input = [1.0; 9];
    let mut output = [5.0; 9];
    for (nx, ny) in [
        (0, 3),
        (3, 0),
        (2, 3),
        (3, 2),
        (-1, 3),
        (3, -7),
        (c_int::MIN, c_int::MIN),
    ] {
        assert_eq!(
            call(nx, ny, &input, &mut output, 1.0, 0.1),
            EVOLVE_ERR_SIZE,
            "{nx} × {ny}"
        );
    }
    assert_eq!(output, [5.0; 9]);
}

#[test]
fn sizes_that_do_not_fit_in_memory_are_rejected() {
    let input = [0.0; 9];
    let mut output = [0.0; 9];
    // 2³¹ · 2³¹ · 8 bytes exceed isize::MAX on 64-bit targets (and the
    // element count already overflows on 32-bit ones).
    let status = call(c_int::MAX, c_int::MAX, &input, &mut output, 1.0, 0.1);
    assert_eq!(status, EVOLVE_ERR_TOO_LARGE);
}

#[test]
fn bad_or_unstable_coefficients_are_rejected() {
    let input = [0.0; 9];
    let mut output = [3.0; 9];
    for (d, dt) in [
        (f64::NAN, 0.1),
        (1.0, f64::INFINITY),
        (0.0, 0.1),
        (1.0, -0.1),
    ] {
        assert_eq!(
            call(3, 3, &input, &mut output, d, dt),
            EVOLVE_ERR_COEFFICIENT,
            "{d}, {dt}"
        );
    }
    for (d, dt) in [(1.0, 0.26), (10.0, 0.1), (1e200, 1e200)] {
        assert_eq!(
            call(3, 3, &input, &mut output, d, dt),
            EVOLVE_ERR_UNSTABLE,
            "{d}, {dt}"
        );
    }
    assert_eq!(call(3, 3, &input, &mut output, 1.0, 0.25), EVOLVE_OK);
    assert_eq!(output[4], 0.0);
}

#[test]
fn overlapping_buffers_are_rejected() {
    let mut buffer = vec![0.0; 20];
    let base = buffer.as_mut_ptr();
    // SAFETY: overlap is detected before anything is dereferenced; every
    // pointer stays inside `buffer`.
    unsafe {
        assert_eq!(evolve(3, 3, base, base, 1.0, 0.1), EVOLVE_ERR_OVERLAP);
        assert_eq!(
            evolve(3, 3, base, base.add(8), 1.0, 0.1),
            EVOLVE_ERR_OVERLAP
        );
        assert_eq!(
            evolve(3, 3, base.add(8), base, 1.0, 0.1),
            EVOLVE_ERR_OVERLAP
        );
        // Adjacent blocks do not overlap.
        assert_eq!(evolve(3, 3, base, base.add(9), 1.0, 0.1), EVOLVE_OK);
    }
}

#[test]
fn misaligned_pointers_are_rejected() {
    let mut bytes = vec![0_u8; 8 * 20];
    let base = bytes.as_mut_ptr();
    let aligned = base.wrapping_add(base.align_offset(8));
    let misaligned = aligned.wrapping_add(1).cast::<f64>();
    let input = [0.0; 9];
    let mut output = [0.0; 9];
    // SAFETY: misalignment is detected before anything is dereferenced.
    unsafe {
        assert_eq!(
            evolve(3, 3, misaligned, output.as_mut_ptr(), 1.0, 0.1),
            EVOLVE_ERR_MISALIGNED
        );
        assert_eq!(
            evolve(3, 3, input.as_ptr(), misaligned, 1.0, 0.1),
            EVOLVE_ERR_MISALIGNED
        );
    }
}

#[test]
fn every_status_code_is_distinct_and_has_a_message() {
    let codes = [
        EVOLVE_OK,
        EVOLVE_ERR_NULL_INPUT,
        EVOLVE_ERR_NULL_OUTPUT,
        EVOLVE_ERR_SIZE,
        EVOLVE_ERR_TOO_LARGE,
        EVOLVE_ERR_COEFFICIENT,
        EVOLVE_ERR_UNSTABLE,
        EVOLVE_ERR_OVERLAP,
        EVOLVE_ERR_MISALIGNED,
    ];
    let message = |code| {
        // SAFETY: evolve_error_message returns a static NUL-terminated string.
        unsafe { CStr::from_ptr(evolve_error_message(code)) }
            .to_str()
            .unwrap()
            .to_owned()
    };
    let mut messages: Vec<String> = codes.iter().map(|&c| message(c)).collect();
    assert!(codes[1..].iter().all(|&c| c < 0));
    let unknown = message(42);
    assert_eq!(unknown, "unknown evolve status code");
    messages.push(unknown);
    let mut unique = messages.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), messages.len());
    let mut codes = codes.to_vec();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 9);
}
