//! The C ABI: `evolve`, the function the FFI chapter calls from Python via
//! ctypes, cffi and f2py.
//!
//! ```c
//! int evolve(int nx, int ny, const double *in, double *out, double D, double dt);
//! const char *evolve_error_message(int code);
//! ```
//!
//! One step of 2-D diffusion with fixed boundaries on a row-major `nx × ny`
//! block (element `(i, j)` at `in[i * ny + j]`): for `i in 1..nx−1`,
//! `j in 1..ny−1`,
//! `out[i*ny+j] = in[i*ny+j] + D*dt*(in[(i+1)*ny+j] + in[(i−1)*ny+j] + in[i*ny+j+1] + in[i*ny+j−1] − 4*in[i*ny+j])`.
//! Edge cells of `out` are left untouched (the caller initialises them, e.g.
//! by copying `in` once), so the two buffers can be swapped between calls
//! exactly as in the C version. The result is bit-identical to that C loop
//! (same operation order, no FMA) and runs on the calling thread.
//!
//! Unlike the original, `evolve` checks its arguments and returns a status
//! code instead of reading out of bounds: [`EVOLVE_OK`] or one of the
//! negative `EVOLVE_ERR_*` codes below. On error `out` is not written.
//! Grid values are not inspected (that would cost an extra pass over the
//! input): NaN or ±∞ in `in` propagate as in the C version.
//!
//! ```
//! use diffusion::ffi::{EVOLVE_ERR_UNSTABLE, EVOLVE_OK, evolve};
//!
//! let (nx, ny) = (4, 5);
//! let mut input = vec![0.0; 20];
//! input[2 * 5 + 2] = 1.0;
//! let mut output = input.clone();
//! // SAFETY: both pointers are valid for nx·ny doubles and do not overlap.
//! let status = unsafe { evolve(nx, ny, input.as_ptr(), output.as_mut_ptr(), 1.0, 0.1) };
//! assert_eq!(status, EVOLVE_OK);
//! assert_eq!(output[2 * 5 + 2], 1.0 + 1.0 * 0.1 * (0.0 + 0.0 + 0.0 + 0.0 - 4.0 * 1.0));
//! assert_eq!(output[1 * 5 + 2], 0.1);
//! // SAFETY: as above.
//! let status = unsafe { evolve(nx, ny, input.as_ptr(), output.as_mut_ptr(), 1.0, 0.3) };
//! assert_eq!(status, EVOLVE_ERR_UNSTABLE);
//! ```
#![allow(unsafe_code)]

use std::ffi::{CStr, c_char, c_int};
use std::mem::size_of;

use kernels_core::{Isa, Schedule, Serial, validate};

use crate::params::Params;
use crate::{Boundary, Diffusion2d, stencil};

/// Success.
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_OK, 0);
/// ```
pub const EVOLVE_OK: c_int = 0;
/// `in` is a null pointer.
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_NULL_INPUT, -1);
/// ```
pub const EVOLVE_ERR_NULL_INPUT: c_int = -1;
/// `out` is a null pointer.
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_NULL_OUTPUT, -2);
/// ```
pub const EVOLVE_ERR_NULL_OUTPUT: c_int = -2;
/// `nx` or `ny` is below 3 (a smaller block has no interior cell; this
/// includes zero and negative sizes).
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_SIZE, -3);
/// ```
pub const EVOLVE_ERR_SIZE: c_int = -3;
/// `nx · ny` doubles do not fit in the address space.
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_TOO_LARGE, -4);
/// ```
pub const EVOLVE_ERR_TOO_LARGE: c_int = -4;
/// `D` or `dt` is not a finite number > 0.
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_COEFFICIENT, -5);
/// ```
pub const EVOLVE_ERR_COEFFICIENT: c_int = -5;
/// `D·dt > 0.25`: the explicit scheme would be unstable.
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_UNSTABLE, -6);
/// ```
pub const EVOLVE_ERR_UNSTABLE: c_int = -6;
/// The `nx · ny` blocks at `in` and `out` overlap (in-place updates are not
/// possible with this scheme: pass two buffers).
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_OVERLAP, -7);
/// ```
pub const EVOLVE_ERR_OVERLAP: c_int = -7;
/// `in` or `out` is not aligned for `double`.
///
/// ```
/// assert_eq!(diffusion::ffi::EVOLVE_ERR_MISALIGNED, -8);
/// ```
pub const EVOLVE_ERR_MISALIGNED: c_int = -8;

/// Checks everything that can be checked without dereferencing, returning
/// the element count and `D·dt`.
fn check(
    nx: c_int,
    ny: c_int,
    input: *const f64,
    output: *mut f64,
    d: f64,
    dt: f64,
) -> Result<(usize, usize, f64), c_int> {
    if input.is_null() {
        return Err(EVOLVE_ERR_NULL_INPUT);
    }
    if output.is_null() {
        return Err(EVOLVE_ERR_NULL_OUTPUT);
    }
    let (Ok(rows), Ok(cols)) = (usize::try_from(nx), usize::try_from(ny)) else {
        return Err(EVOLVE_ERR_SIZE);
    };
    if rows < 3 || cols < 3 {
        return Err(EVOLVE_ERR_SIZE);
    }
    let len = validate::grid_len::<f64>("nx × ny", rows, cols).map_err(|_| EVOLVE_ERR_TOO_LARGE)?;
    let params = Params::new(d, dt, Boundary::Fixed).map_err(|_| EVOLVE_ERR_COEFFICIENT)?;
    let k = params
        .stable_coefficient(Diffusion2d::MAX_D_DT, "2-D")
        .map_err(|_| EVOLVE_ERR_UNSTABLE)?;
    if !input.is_aligned() || !output.is_aligned() {
        return Err(EVOLVE_ERR_MISALIGNED);
    }
    let bytes = len * size_of::<f64>(); // cannot overflow: checked by grid_len
    let (a, b) = (input.addr(), output.addr());
    if a < b.saturating_add(bytes) && b < a.saturating_add(bytes) {
        return Err(EVOLVE_ERR_OVERLAP);
    }
    Ok((rows, cols, k))
}

/// One step of fixed-boundary 2-D diffusion on a row-major `nx × ny` block,
/// from `input` into `output` (see the [module docs](self)). Returns
/// [`EVOLVE_OK`] or a negative `EVOLVE_ERR_*` code; on error nothing is
/// written.
///
/// # Safety
/// If `input` and `output` are non-null and aligned and `nx`, `ny` pass the
/// size checks, the caller guarantees that
/// * `input` points to `nx · ny` initialised doubles, valid for reads and not
///   written by anyone else during the call;
/// * `output` points to `nx · ny` doubles valid for writes, accessed by no
///   one else during the call.
///
/// Overlap between the two blocks is detected and rejected.
///
/// ```
/// use diffusion::ffi::{EVOLVE_ERR_NULL_INPUT, EVOLVE_ERR_SIZE, evolve};
/// let mut out = [0.0; 9];
/// // SAFETY: a null input is rejected before anything is dereferenced.
/// let status = unsafe { evolve(3, 3, std::ptr::null(), out.as_mut_ptr(), 1.0, 0.1) };
/// assert_eq!(status, EVOLVE_ERR_NULL_INPUT);
/// let input = [0.0; 9];
/// // SAFETY: the size check fails before anything is dereferenced.
/// let status = unsafe { evolve(2, 3, input.as_ptr(), out.as_mut_ptr(), 1.0, 0.1) };
/// assert_eq!(status, EVOLVE_ERR_SIZE);
/// ```
#[unsafe(no_mangle)]
pub unsafe extern "C" fn evolve(
    nx: c_int,
    ny: c_int,
    input: *const f64,
    output: *mut f64,
    d: f64,
    dt: f64,
) -> c_int {
    let (rows, cols, k) = match check(nx, ny, input, output, d, dt) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let len = rows * cols;
    // SAFETY: `input` is non-null and aligned (checked); the caller guarantees
    // it points to `nx · ny = len` initialised doubles not mutated during the
    // call; `len · 8` bytes fit in `isize` (checked by `grid_len`).
    let input = unsafe { std::slice::from_raw_parts(input, len) };
    // SAFETY: `output` is non-null and aligned (checked); the caller
    // guarantees it points to `len` doubles with no other access during the
    // call; it does not overlap `input` (checked), so this unique borrow
    // aliases nothing.
    let output = unsafe { std::slice::from_raw_parts_mut(output, len) };
    stencil::step_2d::<Serial>(
        Isa::selected(),
        input,
        output,
        (rows, cols),
        k,
        Boundary::Fixed,
        rows,
        Schedule::Static,
    );
    EVOLVE_OK
}

/// A static, NUL-terminated English description of an `evolve` status code
/// (never null; unknown codes get `"unknown evolve status code"`).
///
/// ```
/// use diffusion::ffi::{EVOLVE_ERR_OVERLAP, evolve_error_message};
/// // SAFETY: the returned pointer is a static NUL-terminated string.
/// let message = unsafe { std::ffi::CStr::from_ptr(evolve_error_message(EVOLVE_ERR_OVERLAP)) };
/// assert_eq!(message.to_str(), Ok("input and output overlap"));
/// ```
#[unsafe(no_mangle)]
pub extern "C" fn evolve_error_message(code: c_int) -> *const c_char {
    let message: &'static CStr = match code {
        EVOLVE_OK => c"success",
        EVOLVE_ERR_NULL_INPUT => c"input is a null pointer",
        EVOLVE_ERR_NULL_OUTPUT => c"output is a null pointer",
        EVOLVE_ERR_SIZE => c"nx and ny must be at least 3",
        EVOLVE_ERR_TOO_LARGE => c"nx * ny doubles do not fit in memory",
        EVOLVE_ERR_COEFFICIENT => c"D and dt must be finite numbers > 0",
        EVOLVE_ERR_UNSTABLE => c"D * dt must be at most 0.25 for a stable scheme",
        EVOLVE_ERR_OVERLAP => c"input and output overlap",
        EVOLVE_ERR_MISALIGNED => c"input or output is not aligned for double",
        _ => c"unknown evolve status code",
    };
    message.as_ptr()
}
