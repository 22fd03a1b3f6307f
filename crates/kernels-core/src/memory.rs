//! Fresh memory for large outputs and grids.
//!
//! A buffer the kernel has just handed over costs a page fault per page on
//! first touch, and the kernel zeroes each page before mapping it. With
//! 4 KiB pages that is 8192 faults for a 32 MiB grid, which on the
//! project's virtual machine took longer than copying the grid into it
//! (measured: 32 MiB copied into a fresh buffer in 20 ms with 4 KiB pages,
//! 9 ms with 2 MiB pages). Kernels that return or allocate large buffers
//! ask for transparent huge pages before they first write them.
//!
//! ```
//! use kernels_core::memory::advise_huge_pages;
//!
//! // 16 MiB of fresh, untouched memory: advise it, then fill it.
//! let mut values: Vec<f64> = Vec::with_capacity(2 << 20);
//! advise_huge_pages(values.spare_capacity_mut());
//! values.extend((0..2 << 20).map(|i| i as f64));
//! assert_eq!(values[12345], 12345.0);
//! ```

/// Buffers of at least this many bytes are advised onto transparent huge
/// pages; below it the saving is small and the memory may come from reused
/// heap pages, already mapped.
pub const HUGE_PAGE_MIN_BYTES: usize = 8 << 20;

/// Size and alignment of an x86-64 (and most other) transparent huge page.
const HUGE_PAGE: usize = 2 << 20;

/// Asks Linux to back the 2 MiB-aligned interior of `data` with transparent
/// huge pages (`madvise(MADV_HUGEPAGE)`), when `data` is at least
/// [`HUGE_PAGE_MIN_BYTES`] long. Call it on fresh memory before its first
/// write: pages already touched keep their size until the kernel's
/// background thread merges them.
///
/// The advice is only a hint. It never changes the contents of `data`, and
/// it is ignored where transparent huge pages are disabled, on other
/// operating systems, or when the call fails.
///
/// ```
/// use kernels_core::memory::{HUGE_PAGE_MIN_BYTES, advise_huge_pages};
///
/// let mut grid = vec![1.5_f64; HUGE_PAGE_MIN_BYTES / 8 + 3];
/// advise_huge_pages(&mut grid);
/// assert!(grid.iter().all(|&x| x == 1.5));
/// advise_huge_pages::<u8>(&mut []); // too small: nothing to do
/// ```
pub fn advise_huge_pages<T>(data: &mut [T]) {
    let bytes = std::mem::size_of_val(data);
    if bytes < HUGE_PAGE_MIN_BYTES {
        return;
    }
    let start = data.as_mut_ptr() as usize;
    let first = start.next_multiple_of(HUGE_PAGE);
    let last = (start + bytes) / HUGE_PAGE * HUGE_PAGE;
    if last <= first {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        // SAFETY: `[first, last)` lies inside `data`, which we borrow
        // mutably, so no other reference can observe the call;
        // MADV_HUGEPAGE changes only how the kernel backs those pages,
        // never their contents or their mapping.
        let _ = unsafe {
            libc::madvise(
                first as *mut libc::c_void,
                last - first,
                libc::MADV_HUGEPAGE,
            )
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advice_keeps_every_value_of_an_unaligned_slice() {
        // An odd offset puts the slice's ends off the huge-page grid.
        let mut values: Vec<u64> = (0..(HUGE_PAGE_MIN_BYTES / 8) as u64 * 2 + 5).collect();
        let expected = values.clone();
        advise_huge_pages(&mut values[3..]);
        assert_eq!(values, expected);
        // Written after the advice, the pages still hold what was written.
        values.iter_mut().for_each(|v| *v = v.wrapping_mul(3));
        assert!(values.iter().zip(&expected).all(|(v, e)| *v == e * 3));
    }
}
