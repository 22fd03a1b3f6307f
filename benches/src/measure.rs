//! Timing, CPU time and memory accounting for one kernel run.
//!
//! The case studies timed with `timeit`: several repeats, the best (and here
//! also the median) of them, after a warm-up run that pays for page faults and
//! instruction caches. Wall time and CPU time are kept apart: a parallel run
//! that uses two cores for 1 s shows `median_s ≈ 1` and `cpu_s ≈ 2`.
//!
//! ```
//! use bench::measure::time_runs;
//! let (v, timing) = time_runs(2, || vec![1.0_f64; 1000]);
//! assert_eq!(v.len(), 1000);
//! assert_eq!(timing.wall_s.len(), 2);
//! assert!(timing.memory.peak_bytes >= 8000);
//! assert!(timing.cpu_s >= 0.0);
//! ```

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static TOTAL: AtomicUsize = AtomicUsize::new(0);

/// The system allocator plus three counters (bytes live now, the peak of live
/// bytes, bytes ever allocated), so a report can say how much memory a kernel
/// needed without an external profiler. It is the global allocator of every
/// program that links this crate (the `bench` binary and its tests).
///
/// ```
/// // This doctest links `bench`, so its allocations go through the counter.
/// let (_, memory) = bench::measure::memory_use(|| vec![7_u8; 4096]);
/// assert!(memory.allocated_bytes >= 4096);
/// assert!(format!("{:?}", bench::measure::CountingAllocator).contains("CountingAllocator"));
/// ```
#[derive(Debug)]
pub struct CountingAllocator;

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged; the counters are plain atomics and never affect the memory returned.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc`.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            record_allocation(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::alloc_zeroed`.
        let ptr = unsafe { System.alloc_zeroed(layout) };
        if !ptr.is_null() {
            record_allocation(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract of `GlobalAlloc::dealloc`.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded contract of `GlobalAlloc::realloc`.
        let new_ptr = unsafe { System.realloc(ptr, layout, new_size) };
        if !new_ptr.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            record_allocation(new_size);
        }
        new_ptr
    }
}

fn record_allocation(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
    TOTAL.fetch_add(size, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Memory used by a stretch of code: the peak of live heap bytes above the
/// level at the start, and the bytes allocated in total.
///
/// ```
/// use bench::measure::{MemoryUse, memory_use};
/// assert_eq!(MemoryUse::default(), MemoryUse { peak_bytes: 0, allocated_bytes: 0 });
/// let ((), memory) = memory_use(|| {
///     for _ in 0..3 {
///         drop(std::hint::black_box(vec![0_u8; 1000]));
///     }
/// });
/// assert!(memory.allocated_bytes >= 3000);
/// assert!(memory.peak_bytes >= 1000);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MemoryUse {
    /// Highest number of live heap bytes above the starting level.
    pub peak_bytes: usize,
    /// Sum of all allocation sizes (a loop that allocates per step shows here).
    pub allocated_bytes: usize,
}

/// Runs `f` and reports the memory it used. Other threads allocating at the
/// same time are counted too, so measure one thing at a time.
///
/// ```
/// let (v, memory) = bench::measure::memory_use(|| vec![0_u8; 1 << 20]);
/// assert_eq!(v.len(), 1 << 20);
/// assert!(memory.peak_bytes >= 1 << 20);
/// ```
pub fn memory_use<R>(f: impl FnOnce() -> R) -> (R, MemoryUse) {
    let start = CURRENT.load(Ordering::Relaxed);
    PEAK.store(start, Ordering::Relaxed);
    let total_start = TOTAL.load(Ordering::Relaxed);
    let result = f();
    let memory = MemoryUse {
        peak_bytes: PEAK.load(Ordering::Relaxed).saturating_sub(start),
        allocated_bytes: TOTAL.load(Ordering::Relaxed) - total_start,
    };
    (result, memory)
}

/// CPU time (user + system) the whole process has used so far, all threads.
///
/// ```
/// let before = bench::measure::process_cpu_time();
/// let mut x = 0_u64;
/// for i in 0..10_000_000_u64 { x = x.wrapping_mul(31).wrapping_add(i); }
/// std::hint::black_box(x);
/// assert!(bench::measure::process_cpu_time() >= before);
/// ```
#[must_use]
pub fn process_cpu_time() -> Duration {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: `usage` points to writable memory of the right size and type;
    // getrusage only writes to it, and RUSAGE_SELF is always a valid target.
    let status = unsafe { libc::getrusage(libc::RUSAGE_SELF, usage.as_mut_ptr()) };
    if status != 0 {
        return Duration::ZERO;
    }
    // SAFETY: the struct was zero-initialised (a valid rusage) and filled by
    // a successful getrusage.
    let usage = unsafe { usage.assume_init() };
    let seconds = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec.max(0) as u64) + Duration::from_micros(t.tv_usec.max(0) as u64)
    };
    seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// Timings of repeated runs of one kernel.
///
/// ```
/// use bench::measure::{MemoryUse, Timing};
/// let timing = Timing { wall_s: vec![0.3, 0.1, 0.2, 0.4], cpu_s: 0.5, memory: MemoryUse::default() };
/// assert_eq!(timing.min_s(), 0.1);
/// assert!((timing.median_s() - 0.25).abs() < 1e-12);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Timing {
    /// Wall time of each timed repeat, in seconds, in run order.
    pub wall_s: Vec<f64>,
    /// CPU time (user + system, all threads) per repeat, averaged over repeats.
    pub cpu_s: f64,
    /// Memory used by one run (the first timed repeat).
    pub memory: MemoryUse,
}

impl Timing {
    /// Median wall time of the repeats.
    ///
    /// ```
    /// let t = bench::measure::Timing { wall_s: vec![3.0, 1.0, 2.0], cpu_s: 0.0, memory: Default::default() };
    /// assert_eq!(t.median_s(), 2.0);
    /// ```
    #[must_use]
    pub fn median_s(&self) -> f64 {
        median(&self.wall_s)
    }

    /// Fastest wall time of the repeats (timeit's "best of").
    ///
    /// ```
    /// let t = bench::measure::Timing { wall_s: vec![3.0, 1.0, 2.0], cpu_s: 0.0, memory: Default::default() };
    /// assert_eq!(t.min_s(), 1.0);
    /// ```
    #[must_use]
    pub fn min_s(&self) -> f64 {
        self.wall_s.iter().copied().fold(f64::INFINITY, f64::min)
    }
}

/// Median of `values` (mean of the middle two for an even count, NaN when empty).
///
/// ```
/// assert_eq!(bench::measure::median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
/// ```
#[must_use]
pub fn median(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    if sorted.len() % 2 == 1 {
        sorted[mid]
    } else {
        0.5 * (sorted[mid - 1] + sorted[mid])
    }
}

/// Runs `f` once to warm up, then `repeat` timed times (at least once), and
/// returns the last result with the timings.
///
/// ```
/// let (sum, timing) = bench::measure::time_runs(3, || (1..=100_u64).sum::<u64>());
/// assert_eq!(sum, 5050);
/// assert_eq!(timing.wall_s.len(), 3);
/// assert!(timing.min_s() <= timing.median_s());
/// ```
pub fn time_runs<R>(repeat: usize, mut f: impl FnMut() -> R) -> (R, Timing) {
    let repeat = repeat.max(1);
    drop(std::hint::black_box(f()));
    let mut wall_s = Vec::with_capacity(repeat);
    let cpu_start = process_cpu_time();
    let (mut result, memory) = memory_use(|| {
        let start = Instant::now();
        let result = std::hint::black_box(f());
        wall_s.push(start.elapsed().as_secs_f64());
        result
    });
    for _ in 1..repeat {
        drop(result);
        let start = Instant::now();
        result = std::hint::black_box(f());
        wall_s.push(start.elapsed().as_secs_f64());
    }
    let cpu_s = (process_cpu_time() - cpu_start).as_secs_f64() / repeat as f64;
    (
        result,
        Timing {
            wall_s,
            cpu_s,
            memory,
        },
    )
}

/// The machine calibration (the "pystone" idea): a fixed scalar workload whose
/// speed depends on the core's clock and latency, not on vector width or
/// memory. Reports print times also in calibration units so runs on
/// different machines compare.
///
/// The workload is a dependent chain of 50 million floating-point
/// multiply-adds (done as separate multiply and add, no FMA), so it runs at
/// one operation per floating-point latency.
///
/// ```
/// use bench::measure::Calibration;
/// let calibration = Calibration { seconds: 0.2 };
/// assert_eq!(calibration.mops(), 250.0);
/// assert_eq!(calibration.units(1.0), 5.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Calibration {
    /// Seconds the calibration workload took (best of three).
    pub seconds: f64,
}

impl Calibration {
    /// Number of dependent operations in the workload.
    ///
    /// ```
    /// use bench::measure::Calibration;
    /// assert_eq!(Calibration::OPERATIONS, 50_000_000);
    /// assert_eq!(Calibration { seconds: 1.0 }.mops(), Calibration::OPERATIONS as f64 / 1e6);
    /// ```
    pub const OPERATIONS: u64 = 50_000_000;

    /// Measures the calibration workload.
    ///
    /// ```no_run
    /// let calibration = bench::measure::Calibration::measure();
    /// assert!(calibration.mops() > 1.0);
    /// ```
    #[must_use]
    pub fn measure() -> Self {
        let (_, timing) = time_runs(3, || {
            let mut x = std::hint::black_box(0.5_f64);
            for _ in 0..Self::OPERATIONS / 2 {
                x = x * 0.999_999_9 + 1e-9;
            }
            x
        });
        Calibration {
            seconds: timing.min_s(),
        }
    }

    /// Millions of dependent operations per second: the machine score.
    ///
    /// ```
    /// let c = bench::measure::Calibration { seconds: 0.5 };
    /// assert_eq!(c.mops(), 100.0);
    /// ```
    #[must_use]
    pub fn mops(&self) -> f64 {
        Self::OPERATIONS as f64 / self.seconds / 1e6
    }

    /// `seconds` expressed in calibration units (how many calibration
    /// workloads would fit in that time).
    ///
    /// ```
    /// let c = bench::measure::Calibration { seconds: 0.5 };
    /// assert_eq!(c.units(0.25), 0.5);
    /// ```
    #[must_use]
    pub fn units(&self, seconds: f64) -> f64 {
        seconds / self.seconds
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_flop_loop_variant_counts_its_lanes() {
        for isa in kernels_core::Isa::ALL {
            let lanes = if isa.is_supported() {
                isa.f64_lanes().max(2)
            } else {
                2
            };
            assert_eq!(flop_loop(isa, 10), 10 * (FLOP_CHAINS * lanes * 2) as u64);
        }
    }

    #[test]
    fn cpu_time_advances_with_work() {
        // Busy work until the process has used 20 ms of CPU; on a loaded
        // machine that takes longer in wall time, so only a generous wall
        // limit guards against a clock that never moves.
        let before = process_cpu_time();
        let start = Instant::now();
        let mut x = 1_u64;
        while process_cpu_time() - before < Duration::from_millis(20) {
            for _ in 0..10_000 {
                x = std::hint::black_box(x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1));
            }
            assert!(
                start.elapsed() < Duration::from_secs(60),
                "CPU time did not advance"
            );
        }
        assert!(process_cpu_time() > before);
    }
}

/// The hardware limits a kernel's throughput is compared against, measured
/// on this machine with all `threads` threads: the peak floating-point rate
/// of independent vector multiply and add chains (no FMA, as the kernels
/// use none) at the widest instruction set, and the memory bandwidth of a
/// large parallel copy (bytes read + bytes written per second, as STREAM's
/// copy counts them).
///
/// The same flop loop on one thread says how far the threads are real
/// cores: on a virtual machine two "CPUs" may be two hardware threads of
/// one core, which share its vector units, so arithmetic-bound code gains
/// almost nothing from the second; where they sit can change from minute
/// to minute. A parallel efficiency is only meaningful next to that
/// ratio ([`Hardware::thread_scaling`]).
///
/// ```
/// use bench::measure::Hardware;
/// let hardware = Hardware {
///     threads: 2,
///     isa: kernels_core::Isa::Scalar,
///     peak_flops: 8e9,
///     one_thread_flops: 4e9,
///     bandwidth: 2e10,
/// };
/// // Flops per byte at which a kernel stops being memory-bound.
/// assert_eq!(hardware.peak_flops / hardware.bandwidth, 0.4);
/// assert_eq!(hardware.isa.name(), "scalar");
/// assert_eq!(hardware.thread_scaling(), 2.0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Hardware {
    /// Threads the limits were measured with.
    pub threads: usize,
    /// Instruction set of the flop-rate loop.
    pub isa: kernels_core::Isa,
    /// Peak double-precision flops per second (multiplies + adds), all threads.
    pub peak_flops: f64,
    /// The same loop's rate on one thread, measured right after.
    pub one_thread_flops: f64,
    /// Copy bandwidth in bytes per second, all threads.
    pub bandwidth: f64,
}

/// Independent multiply-add chains: enough to cover the add and multiply
/// latency (4 cycles each) on two vector ports.
const FLOP_CHAINS: usize = 12;

/// Defines a function running `rounds` of `x = x * s + t` on `FLOP_CHAINS`
/// independent vector registers with the given multiply and add intrinsics
/// (separate instructions, no FMA, as the kernels use none).
#[cfg(target_arch = "x86_64")]
macro_rules! mul_add_chains {
    ($name:ident, $features:literal, $vector:ty, $splat:ident, $mul:ident, $add:ident, $lanes:literal) => {
        #[target_feature(enable = $features)]
        fn $name(rounds: u64) -> f64 {
            use std::arch::x86_64::*;
            let scale = $splat(std::hint::black_box(0.999_999_9));
            let shift = $splat(std::hint::black_box(1e-9));
            let mut chains: [$vector; FLOP_CHAINS] = std::array::from_fn(|i| $splat(1.0 + i as f64));
            for _ in 0..rounds {
                // Constant indices after unrolling: the chains stay in registers.
                for chain in &mut chains {
                    *chain = $add($mul(*chain, scale), shift);
                }
            }
            let lanes: [[f64; $lanes]; FLOP_CHAINS] =
                // SAFETY: a vector of `$lanes` f64 has the size and validity of `[f64; $lanes]`.
                unsafe { std::mem::transmute(chains) };
            lanes.iter().flatten().sum()
        }
    };
}

#[cfg(target_arch = "x86_64")]
mul_add_chains!(
    mul_add_chains_avx512,
    "avx512f,avx512dq,avx512vl,avx512bw",
    __m512d,
    _mm512_set1_pd,
    _mm512_mul_pd,
    _mm512_add_pd,
    8
);
#[cfg(target_arch = "x86_64")]
mul_add_chains!(
    mul_add_chains_avx2,
    "avx2,fma",
    __m256d,
    _mm256_set1_pd,
    _mm256_mul_pd,
    _mm256_add_pd,
    4
);
#[cfg(target_arch = "x86_64")]
mul_add_chains!(
    mul_add_chains_sse2,
    "sse2",
    __m128d,
    _mm_set1_pd,
    _mm_mul_pd,
    _mm_add_pd,
    2
);

/// The portable fallback: two scalar lanes per chain.
#[cfg(not(target_arch = "x86_64"))]
fn mul_add_chains_sse2(rounds: u64) -> f64 {
    let (scale, shift) = (
        std::hint::black_box(0.999_999_9),
        std::hint::black_box(1e-9),
    );
    let mut chains = [[1.0_f64; 2]; FLOP_CHAINS];
    for _ in 0..rounds {
        for chain in &mut chains {
            for x in chain.iter_mut() {
                *x = *x * scale + shift;
            }
        }
    }
    chains.iter().flatten().sum()
}

/// Runs the flop loop at `isa` (falling back to scalar if the CPU lacks it)
/// and returns the flops it performed.
fn flop_loop(isa: kernels_core::Isa, rounds: u64) -> u64 {
    use kernels_core::Isa;
    let lanes = match isa {
        #[cfg(target_arch = "x86_64")]
        Isa::Avx512 if isa.is_supported() => {
            // SAFETY: the guard checked that the CPU has the AVX-512 features
            // the function is compiled for.
            std::hint::black_box(unsafe { mul_add_chains_avx512(rounds) });
            8
        }
        #[cfg(target_arch = "x86_64")]
        Isa::Avx2 if isa.is_supported() => {
            // SAFETY: the guard checked that the CPU has AVX2 and FMA.
            std::hint::black_box(unsafe { mul_add_chains_avx2(rounds) });
            4
        }
        _ => {
            #[cfg(target_arch = "x86_64")]
            // SAFETY: SSE2 is part of the x86-64 baseline.
            std::hint::black_box(unsafe { mul_add_chains_sse2(rounds) });
            #[cfg(not(target_arch = "x86_64"))]
            std::hint::black_box(mul_add_chains_sse2(rounds));
            2
        }
    };
    rounds * (FLOP_CHAINS * lanes * 2) as u64
}

impl Hardware {
    /// How many times one thread's flop rate all the threads reached: about
    /// `threads` when each thread has a core of its own, about 1 when they
    /// share one core's vector units.
    ///
    /// ```
    /// # use bench::measure::Hardware;
    /// let shared = Hardware {
    ///     threads: 2,
    ///     isa: kernels_core::Isa::Avx512,
    ///     peak_flops: 7.3e10,
    ///     one_thread_flops: 6.9e10,
    ///     bandwidth: 2.7e10,
    /// };
    /// assert!(shared.thread_scaling() < 1.1);
    /// ```
    #[must_use]
    pub fn thread_scaling(&self) -> f64 {
        self.peak_flops / self.one_thread_flops
    }

    /// What [`Hardware::thread_scaling`] says about the threads, for the
    /// report: whether each had a core to itself (≥ 85% of linear), they
    /// shared one core's vector units (≤ 1.25×), or something in between
    /// (cores partly taken by other work), which caps the parallel
    /// efficiency of arithmetic-bound kernels at the scaling per thread.
    ///
    /// ```
    /// # use bench::measure::Hardware;
    /// let mut hardware = Hardware {
    ///     threads: 2,
    ///     isa: kernels_core::Isa::Avx512,
    ///     peak_flops: 1.27e11,
    ///     one_thread_flops: 6.5e10,
    ///     bandwidth: 2.7e10,
    /// };
    /// assert!(hardware.cores_note().starts_with("each thread had a core"));
    /// hardware.peak_flops = 7.3e10;
    /// assert!(hardware.cores_note().contains("shared one core"));
    /// hardware.peak_flops = 9.75e10;
    /// assert!(hardware.cores_note().ends_with("capped near 75%"));
    /// ```
    #[must_use]
    pub fn cores_note(&self) -> String {
        let scaling = self.thread_scaling();
        if self.threads <= 1 {
            "one thread only".into()
        } else if scaling >= 0.85 * self.threads as f64 {
            "each thread had a core to itself".into()
        } else if scaling <= 1.25 {
            "the threads shared one core's vector units, so arithmetic-bound kernels \
             could not gain from more than one thread"
                .into()
        } else {
            format!(
                "each thread had only part of a core (other work shared them), so the \
                 parallel efficiency of arithmetic-bound kernels is capped near {:.0}%",
                100.0 * scaling / self.threads as f64
            )
        }
    }

    /// Measures both limits with `threads` threads (about half a second).
    ///
    /// # Panics
    /// Panics if the operating system refuses to start the threads.
    ///
    /// ```no_run
    /// let hardware = bench::measure::Hardware::measure(2);
    /// assert!(hardware.peak_flops > 1e9);
    /// ```
    #[must_use]
    pub fn measure(threads: usize) -> Self {
        use kernels_core::rayon::prelude::*;
        let threads = threads.max(1);
        let isa = kernels_core::Isa::selected();
        let pool = kernels_core::rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .expect("start thread pool");
        const ROUNDS: u64 = 2_000_000;
        let (flops, flop_timing) = pool.install(|| {
            time_runs(3, || {
                (0..threads)
                    .into_par_iter()
                    .map(|_| flop_loop(isa, ROUNDS))
                    .sum::<u64>()
            })
        });
        let (one_thread, one_thread_timing) = time_runs(3, || flop_loop(isa, ROUNDS));
        const LEN: usize = 1 << 25; // 256 MiB per buffer: far beyond any cache.
        let source = pool.install(|| {
            (0..LEN)
                .into_par_iter()
                .map(|i| i as f64)
                .collect::<Vec<_>>()
        });
        let mut target = pool.install(|| vec![0.0_f64; LEN]);
        let per_thread = LEN.div_ceil(threads);
        let ((), copy_timing) = pool.install(|| {
            time_runs(3, || {
                target
                    .par_chunks_mut(per_thread)
                    .zip(source.par_chunks(per_thread))
                    .for_each(|(to, from)| to.copy_from_slice(from));
            })
        });
        let bytes = 2.0 * (LEN * std::mem::size_of::<f64>()) as f64;
        Hardware {
            threads,
            isa,
            peak_flops: flops as f64 / flop_timing.min_s(),
            one_thread_flops: one_thread as f64 / one_thread_timing.min_s(),
            bandwidth: bytes / copy_timing.min_s(),
        }
    }
}
