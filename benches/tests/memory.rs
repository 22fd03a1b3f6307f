//! The counting allocator, in a test binary of its own: the counters are
//! process-wide, so no other test may allocate while these run.

use bench::measure::memory_use;

#[test]
fn peak_and_total_allocation_are_counted() {
    // Freed memory does not add to the peak, but does add to the total.
    let ((), memory) = memory_use(|| {
        for _ in 0..4 {
            drop(std::hint::black_box(vec![1_u8; 1000]));
        }
    });
    assert!(memory.allocated_bytes >= 4000);
    assert!(
        memory.peak_bytes >= 1000 && memory.peak_bytes < 4000,
        "{memory:?}"
    );

    // A growing vector is counted at its final size.
    let (v, memory) = memory_use(|| {
        let mut v: Vec<u8> = Vec::with_capacity(16);
        v.extend(std::iter::repeat_n(7, 10_000));
        v
    });
    assert_eq!(v.len(), 10_000);
    assert!(memory.peak_bytes >= 10_000);
}
