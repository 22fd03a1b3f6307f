//! Backends decide *where* work runs, never *what* is computed.
//!
//! Work is cut into chunks of a fixed length chosen by the kernel from the
//! problem size alone. A backend only decides which thread runs which chunk:
//! [`Serial`] runs them in index order on the calling thread, [`Parallel`]
//! hands them to rayon's *current* pool (so [`rayon::ThreadPool::install`]
//! controls the thread count) grouped according to a [`Schedule`]. Because
//! each chunk computes the same thing either way, and reductions combine
//! chunk results in index order, both backends give bit-identical results
//! for every thread count.

use std::fmt;
use std::str::FromStr;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::Error;

/// How the [`Parallel`] backend groups chunks into tasks.
///
/// The escape-time fractals show why this matters: rows through the middle of
/// the Julia set cost far more than rows near the edge, so equal contiguous
/// blocks (OpenMP's `schedule(static)`) leave one thread idle while another
/// finishes the expensive middle. [`Schedule::Dynamic`] and
/// [`Schedule::Guided`] let idle threads take more chunks. The schedule never
/// changes results, only timing. [`Serial`] ignores it.
///
/// ```
/// use kernels_core::Schedule;
/// let s: Schedule = "guided".parse()?;
/// assert_eq!(s, Schedule::Guided);
/// assert_eq!(s.to_string(), "guided");
/// assert!("sometimes".parse::<Schedule>().is_err());
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Schedule {
    /// One contiguous block of chunks per thread, fixed up front.
    Static,
    /// Every chunk is its own task; idle threads steal the next one.
    Dynamic,
    /// Blocks that shrink as work runs out: big blocks first (little
    /// overhead), single chunks at the end (good balance).
    #[default]
    Guided,
}

impl Schedule {
    /// All schedules, in the order reports list them.
    ///
    /// ```
    /// use kernels_core::Schedule;
    /// let names: Vec<&str> = Schedule::ALL.into_iter().map(Schedule::name).collect();
    /// assert_eq!(names, ["static", "dynamic", "guided"]);
    /// assert!(Schedule::ALL.contains(&Schedule::default()));
    /// ```
    pub const ALL: [Schedule; 3] = [Schedule::Static, Schedule::Dynamic, Schedule::Guided];

    /// The lower-case name used on command lines and in reports.
    ///
    /// ```
    /// assert_eq!(kernels_core::Schedule::Static.name(), "static");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Schedule::Static => "static",
            Schedule::Dynamic => "dynamic",
            Schedule::Guided => "guided",
        }
    }
}

impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Schedule {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Schedule::ALL
            .into_iter()
            .find(|schedule| schedule.name() == s)
            .ok_or_else(|| Error::out_of_range("schedule", s, "one of static, dynamic, guided"))
    }
}

/// Data that can be cut into chunks and handed to different threads: a
/// slice, a mutable slice, or a tuple of equally long ones (struct-of-arrays
/// storage, or an input and an output buffer).
///
/// ```
/// use kernels_core::Chunkable;
/// let mut x = [1.0, 2.0, 3.0];
/// let y = [4.0, 5.0, 6.0];
/// let (left, right) = (&mut x[..], &y[..]).split_at(1);
/// assert_eq!(left.0, &[1.0]);
/// assert_eq!(right.1, &[5.0, 6.0]);
/// ```
pub trait Chunkable: Send + Sized {
    /// Number of items (for tuples: of the first component).
    fn len(&self) -> usize;
    /// Whether there are no items.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Splits into `[0, mid)` and `[mid, len)`.
    ///
    /// # Panics
    /// Panics if `mid > len`, as [`slice::split_at_mut`] does.
    fn split_at(self, mid: usize) -> (Self, Self);
    /// Whether every component has the same length (always true for slices).
    fn lengths_agree(&self) -> bool {
        true
    }
}

impl<T: Send> Chunkable for &mut [T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        self.split_at_mut(mid)
    }
}

impl<T: Sync> Chunkable for &[T] {
    fn len(&self) -> usize {
        <[T]>::len(self)
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        <[T]>::split_at(self, mid)
    }
}

impl<A: Chunkable, B: Chunkable> Chunkable for (A, B) {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_at(mid);
        let (b0, b1) = self.1.split_at(mid);
        ((a0, b0), (a1, b1))
    }
    fn lengths_agree(&self) -> bool {
        self.0.lengths_agree() && self.1.lengths_agree() && self.0.len() == self.1.len()
    }
}

impl<A: Chunkable, B: Chunkable, C: Chunkable> Chunkable for (A, B, C) {
    fn len(&self) -> usize {
        self.0.len()
    }
    fn split_at(self, mid: usize) -> (Self, Self) {
        let (a0, a1) = self.0.split_at(mid);
        let (b0, b1) = self.1.split_at(mid);
        let (c0, c1) = self.2.split_at(mid);
        ((a0, b0, c0), (a1, b1, c1))
    }
    fn lengths_agree(&self) -> bool {
        let (a, b, c) = self;
        a.lengths_agree()
            && b.lengths_agree()
            && c.lengths_agree()
            && a.len() == b.len()
            && a.len() == c.len()
    }
}

/// Which chunks of one pass a chunk of the next pass depends on, for
/// [`Backend::for_each_pass_chunk`]: those at most `reach` chunk indices
/// away, on a line (clipped at both ends) or on a ring (index 0 next to the
/// last). The relation is symmetric: `a` is a neighbour of `b` exactly when
/// `b` is one of `a`, and every chunk is its own neighbour.
///
/// A stencil sweep that cuts a grid into bands of rows is the use it was
/// made for: a band of the next time step reads the rows next to it, so it
/// needs its neighbour bands' previous step done, and nothing else.
///
/// ```
/// use kernels_core::Neighbours;
/// let line: Vec<usize> = Neighbours::Line(1).around(0, 5).collect();
/// assert_eq!(line, [0, 1]);
/// let ring: Vec<usize> = Neighbours::Ring(1).around(0, 5).collect();
/// assert_eq!(ring, [0, 1, 4]);
/// // A ring smaller than the reach holds each chunk once.
/// assert_eq!(Neighbours::Ring(3).around(1, 4).count(), 4);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Neighbours {
    /// Chunks `c − reach ..= c + reach` that exist.
    Line(usize),
    /// Chunks `c − reach ..= c + reach` modulo the number of chunks.
    Ring(usize),
}

impl Neighbours {
    /// The distinct neighbours of `chunk` among `chunks` chunks, in
    /// increasing order (empty if `chunk ≥ chunks`).
    ///
    /// ```
    /// use kernels_core::Neighbours;
    /// let around: Vec<usize> = Neighbours::Ring(2).around(6, 8).collect();
    /// assert_eq!(around, [0, 4, 5, 6, 7]);
    /// ```
    pub fn around(self, chunk: usize, chunks: usize) -> impl Iterator<Item = usize> {
        let (reach, ring) = match self {
            Neighbours::Line(reach) => (reach, false),
            Neighbours::Ring(reach) => (reach, true),
        };
        // As at most two ranges, low one first: `[0, wrapped_end)` for the
        // part of a ring that wraps past either end, then `[start, end)`.
        let (wrapped_end, start, end) = if chunk >= chunks {
            (0, 0, 0)
        } else if ring && reach.saturating_mul(2) >= chunks - 1 {
            (0, 0, chunks)
        } else {
            let (low, high) = (chunk as isize - reach as isize, chunk + reach + 1);
            match (ring, low < 0, high > chunks) {
                (true, true, _) => (high, (low + chunks as isize) as usize, chunks),
                (true, _, true) => (high - chunks, low as usize, chunks),
                _ => (0, low.max(0) as usize, high.min(chunks)),
            }
        };
        (0..wrapped_end).chain(start..end)
    }
}

/// Where chunks run. Kernels are generic over it: `kernel.run::<Serial>()` or
/// `kernel.run::<Parallel>()`.
///
/// The contract that makes both backends interchangeable:
/// * [`Backend::for_each_chunk`] calls `f(index, chunk)` exactly once for every
///   chunk `data[index * chunk_len .. min((index + 1) * chunk_len, len)]`;
/// * [`Backend::map_reduce`] folds `map(0), map(1), …` from the left, in index
///   order, starting from `identity`.
///
/// ```
/// use kernels_core::{Backend, Parallel, Schedule, Serial};
///
/// fn squares<B: Backend>(n: usize) -> Vec<u64> {
///     let mut out = vec![0_u64; n];
///     B::for_each_chunk(&mut out[..], 4, Schedule::Guided, |chunk_index, chunk: &mut [u64]| {
///         for (offset, value) in chunk.iter_mut().enumerate() {
///             let i = (chunk_index * 4 + offset) as u64;
///             *value = i * i;
///         }
///     });
///     out
/// }
/// assert_eq!(squares::<Serial>(10), squares::<Parallel>(10));
/// assert_eq!(squares::<Serial>(10)[9], 81);
/// ```
pub trait Backend: Send + Sync + 'static {
    /// A short name for reports: `"serial"` or `"parallel"`.
    const NAME: &'static str;

    /// Calls `f(chunk_index, chunk)` for every chunk of `chunk_len` items of
    /// `data` (the last chunk may be shorter). A `chunk_len` of 0 is treated as 1.
    ///
    /// # Panics
    /// Panics if the components of a tuple `data` have different lengths, and
    /// propagates a panic from `f`.
    fn for_each_chunk<D, F>(data: D, chunk_len: usize, schedule: Schedule, f: F)
    where
        D: Chunkable,
        F: Fn(usize, D) + Sync + Send;

    /// Computes `map(i)` for every chunk index `i < chunks` and folds the
    /// results from the left in index order:
    /// `combine(…combine(combine(identity, map(0)), map(1))…, map(chunks - 1))`.
    ///
    /// ```
    /// use kernels_core::{Backend, Parallel, Schedule, Serial};
    /// let sum = |i: usize| 1.0 / (i as f64 + 1.0);
    /// let serial = Serial::map_reduce(1000, Schedule::Static, 0.0, sum, |a, b| a + b);
    /// let parallel = Parallel::map_reduce(1000, Schedule::Dynamic, 0.0, sum, |a, b| a + b);
    /// assert_eq!(serial.to_bits(), parallel.to_bits());
    /// ```
    fn map_reduce<R, M, C>(chunks: usize, schedule: Schedule, identity: R, map: M, combine: C) -> R
    where
        R: Send,
        M: Fn(usize) -> R + Sync + Send,
        C: FnMut(R, R) -> R;

    /// Calls `f(pass, chunk)` once for every `pass < passes` and
    /// `chunk < chunks`, where `f(pass, chunk)` starts only after
    /// `f(pass − 1, n)` has returned for every neighbour `n` of `chunk`
    /// (see [`Neighbours`]), and sees everything those calls wrote.
    ///
    /// That is all the order there is: [`Serial`] runs the passes one after
    /// another, [`Parallel`] starts each call as soon as its own
    /// dependencies are done, so chunks far apart may be several passes
    /// apart and no thread waits for a whole pass to finish. Because the
    /// neighbour relation is symmetric, `f(pass, chunk)` also starts only
    /// after every call of the pass before that *read* near `chunk` has
    /// returned: a sweep that ping-pongs between two buffers may overwrite
    /// the older one band by band.
    ///
    /// ```
    /// use kernels_core::{Backend, Neighbours, Parallel, Serial};
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    ///
    /// // Each chunk counts its finished passes; a call checks that its
    /// // neighbours have finished the pass before and not run ahead.
    /// fn in_order<B: Backend>() -> bool {
    ///     let done: Vec<AtomicUsize> = (0..6).map(|_| AtomicUsize::new(0)).collect();
    ///     let ok = AtomicUsize::new(0);
    ///     B::for_each_pass_chunk(10, 6, Neighbours::Ring(1), |pass, chunk| {
    ///         let fine = Neighbours::Ring(1).around(chunk, 6).all(|n| {
    ///             let finished = done[n].load(Ordering::Acquire);
    ///             finished == pass || (n != chunk && finished == pass + 1)
    ///         });
    ///         ok.fetch_add(usize::from(fine), Ordering::Relaxed);
    ///         done[chunk].fetch_add(1, Ordering::Release);
    ///     });
    ///     ok.into_inner() == 60
    /// }
    /// assert!(in_order::<Serial>() && in_order::<Parallel>());
    /// ```
    ///
    /// # Panics
    /// Propagates a panic from `f`; the calls that depend on the one that
    /// panicked never start.
    fn for_each_pass_chunk<F>(passes: usize, chunks: usize, neighbours: Neighbours, f: F)
    where
        F: Fn(usize, usize) + Sync + Send;

    /// How many threads this backend would use right now.
    ///
    /// ```
    /// assert_eq!(<kernels_core::Serial as kernels_core::Backend>::threads(), 1);
    /// ```
    fn threads() -> usize;
}

/// Runs every chunk on the calling thread, in index order.
///
/// ```
/// use kernels_core::{Backend, Schedule, Serial};
/// let total = Serial::map_reduce(4, Schedule::Guided, 0, |i| i * 10, |a, b| a + b);
/// assert_eq!(total, 60);
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Serial;

impl Backend for Serial {
    const NAME: &'static str = "serial";

    fn for_each_chunk<D, F>(data: D, chunk_len: usize, _schedule: Schedule, f: F)
    where
        D: Chunkable,
        F: Fn(usize, D) + Sync + Send,
    {
        assert!(
            data.lengths_agree(),
            "for_each_chunk: tuple components differ in length"
        );
        let chunk_len = chunk_len.max(1);
        let mut rest = data;
        let mut index = 0;
        while !rest.is_empty() {
            let take = chunk_len.min(rest.len());
            let (chunk, tail) = rest.split_at(take);
            f(index, chunk);
            rest = tail;
            index += 1;
        }
    }

    fn map_reduce<R, M, C>(
        chunks: usize,
        _schedule: Schedule,
        identity: R,
        map: M,
        mut combine: C,
    ) -> R
    where
        R: Send,
        M: Fn(usize) -> R + Sync + Send,
        C: FnMut(R, R) -> R,
    {
        (0..chunks).fold(identity, |acc, i| combine(acc, map(i)))
    }

    fn for_each_pass_chunk<F>(passes: usize, chunks: usize, _neighbours: Neighbours, f: F)
    where
        F: Fn(usize, usize) + Sync + Send,
    {
        for pass in 0..passes {
            for chunk in 0..chunks {
                f(pass, chunk);
            }
        }
    }

    fn threads() -> usize {
        1
    }
}

/// Runs chunks on rayon's current thread pool: the global pool, or the pool
/// whose [`install`](rayon::ThreadPool::install) the caller is inside.
///
/// ```
/// use kernels_core::{Backend, Parallel};
/// let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build()?;
/// assert_eq!(pool.install(Parallel::threads), 3);
/// # Ok::<(), rayon::ThreadPoolBuildError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Parallel;

/// Number of chunks in `len` items.
fn chunk_count(len: usize, chunk_len: usize) -> usize {
    len.div_ceil(chunk_len)
}

/// Runs chunks `first..` of `data` (whose first item is chunk `first`'s first
/// item) one after another on this thread.
fn run_serially<D, F>(data: D, chunk_len: usize, first: usize, f: &F)
where
    D: Chunkable,
    F: Fn(usize, D) + Sync + Send,
{
    Serial::for_each_chunk(data, chunk_len, Schedule::Static, |i, chunk| {
        f(first + i, chunk)
    });
}

/// Cuts `data` (chunks `first..`) into blocks of `block_chunks` chunks (the
/// last may be shorter) and runs the blocks in parallel, halving the list of
/// blocks with `rayon::join`; each block runs serially on one thread.
fn split_blocks<D, F>(data: D, chunk_len: usize, first: usize, block_chunks: usize, f: &F)
where
    D: Chunkable,
    F: Fn(usize, D) + Sync + Send,
{
    let blocks = chunk_count(data.len(), chunk_len).div_ceil(block_chunks);
    if blocks <= 1 {
        run_serially(data, chunk_len, first, f);
        return;
    }
    let left_chunks = blocks / 2 * block_chunks;
    let (left, right) = data.split_at(left_chunks * chunk_len);
    rayon::join(
        || split_blocks(left, chunk_len, first, block_chunks, f),
        || split_blocks(right, chunk_len, first + left_chunks, block_chunks, f),
    );
}

/// Guided self-scheduling: peel off a block of `remaining / (2 · threads)`
/// chunks (at least one) and leave the rest as a stealable task, so blocks
/// shrink as the work runs out.
fn split_guided<D, F>(data: D, chunk_len: usize, first: usize, threads: usize, f: &F)
where
    D: Chunkable,
    F: Fn(usize, D) + Sync + Send,
{
    let chunks = chunk_count(data.len(), chunk_len);
    let block = (chunks / (2 * threads)).max(1);
    if chunks <= block {
        run_serially(data, chunk_len, first, f);
        return;
    }
    let (head, tail) = data.split_at(block * chunk_len);
    rayon::join(
        || run_serially(head, chunk_len, first, f),
        || split_guided(tail, chunk_len, first + block, threads, f),
    );
}

/// The calls of [`Backend::for_each_pass_chunk`] on [`Parallel`], as a
/// dependency graph: each call counts the neighbours' calls of the pass
/// before that it still waits for, and whichever of those finishes last
/// starts it. No thread ever blocks on another, so the graph runs on any
/// number of threads, one included.
struct PassGraph<'f, F> {
    /// The pass that this graph's pass 0 stands for.
    first: usize,
    passes: usize,
    chunks: usize,
    neighbours: Neighbours,
    /// For task `pass · chunks + chunk`: calls of the pass before not yet
    /// returned among its neighbours.
    waiting_on: Vec<AtomicUsize>,
    f: &'f F,
}

impl<F: Fn(usize, usize) + Sync + Send> PassGraph<'_, F> {
    /// Runs `(pass, chunk)` (`pass` counted from `first`), then the calls
    /// it was the last dependency of: all but the last as new rayon tasks,
    /// the last on this thread (it reads what this thread just wrote). A
    /// thread then sweeps on in one direction and an idle one steals from
    /// the other end, so most chunks stay on one thread from pass to pass;
    /// keeping the chunk's own next call instead moved chunks between
    /// threads about half again as often.
    fn run_from<'s>(&'s self, scope: &rayon::Scope<'s>, mut pass: usize, mut chunk: usize) {
        loop {
            (self.f)(self.first + pass, chunk);
            let next = pass + 1;
            if next == self.passes {
                return;
            }
            // The release half publishes this call's writes; the acquire
            // half of the last decrement makes all of them visible to the
            // thread that starts the dependent call.
            let mut ready = self.neighbours.around(chunk, self.chunks).filter(|&n| {
                self.waiting_on[next * self.chunks + n].fetch_sub(1, Ordering::AcqRel) == 1
            });
            let Some(mut keep) = ready.next() else {
                return;
            };
            for other in ready {
                scope.spawn(move |scope| self.run_from(scope, next, keep));
                keep = other;
            }
            (pass, chunk) = (next, keep);
        }
    }
}

impl Backend for Parallel {
    const NAME: &'static str = "parallel";

    fn for_each_chunk<D, F>(data: D, chunk_len: usize, schedule: Schedule, f: F)
    where
        D: Chunkable,
        F: Fn(usize, D) + Sync + Send,
    {
        assert!(
            data.lengths_agree(),
            "for_each_chunk: tuple components differ in length"
        );
        let chunk_len = chunk_len.max(1);
        let threads = rayon::current_num_threads().max(1);
        match schedule {
            Schedule::Static => {
                let per_thread = chunk_count(data.len(), chunk_len).div_ceil(threads).max(1);
                split_blocks(data, chunk_len, 0, per_thread, &f);
            }
            Schedule::Dynamic => split_blocks(data, chunk_len, 0, 1, &f),
            Schedule::Guided => split_guided(data, chunk_len, 0, threads, &f),
        }
    }

    fn map_reduce<R, M, C>(chunks: usize, schedule: Schedule, identity: R, map: M, combine: C) -> R
    where
        R: Send,
        M: Fn(usize) -> R + Sync + Send,
        C: FnMut(R, R) -> R,
    {
        // Partial results are stored by chunk index and folded afterwards in
        // index order, so the floating-point result cannot depend on which
        // thread finished first.
        let mut partials: Vec<Option<R>> = std::iter::repeat_with(|| None).take(chunks).collect();
        Parallel::for_each_chunk(
            &mut partials[..],
            1,
            schedule,
            |i, slot: &mut [Option<R>]| {
                slot[0] = Some(map(i));
            },
        );
        partials.into_iter().flatten().fold(identity, combine)
    }

    fn for_each_pass_chunk<F>(passes: usize, chunks: usize, neighbours: Neighbours, f: F)
    where
        F: Fn(usize, usize) + Sync + Send,
    {
        if chunks == 0 {
            return;
        }
        // One counter per call: bounded by running the passes in windows of
        // about `MAX_TASKS` calls (a wait between windows costs little once
        // a window holds many passes).
        const MAX_TASKS: usize = 1 << 14;
        let window = (MAX_TASKS / chunks).max(1);
        for first in (0..passes).step_by(window) {
            let graph = PassGraph {
                first,
                passes: window.min(passes - first),
                chunks,
                neighbours,
                waiting_on: (0..window.min(passes - first) * chunks)
                    .map(|task| match task / chunks {
                        0 => AtomicUsize::new(0),
                        _ => AtomicUsize::new(neighbours.around(task % chunks, chunks).count()),
                    })
                    .collect(),
                f: &f,
            };
            rayon::scope(|scope| {
                for chunk in 0..chunks {
                    let graph = &graph;
                    scope.spawn(move |scope| graph.run_from(scope, 0, chunk));
                }
            });
        }
    }

    fn threads() -> usize {
        rayon::current_num_threads()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{THREAD_COUNTS, in_pool};
    use proptest::prelude::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn chunk_starts<B: Backend>(len: usize, chunk_len: usize, schedule: Schedule) -> Vec<usize> {
        // Each item records which chunk wrote it; the result must not depend
        // on backend, schedule or thread count.
        let mut owner = vec![usize::MAX; len];
        B::for_each_chunk(
            &mut owner[..],
            chunk_len,
            schedule,
            |i, chunk: &mut [usize]| {
                chunk.fill(i);
            },
        );
        owner
    }

    #[test]
    fn serial_chunks_are_contiguous_and_in_order() {
        assert_eq!(
            chunk_starts::<Serial>(7, 3, Schedule::Static),
            [0, 0, 0, 1, 1, 1, 2]
        );
    }

    #[test]
    fn zero_chunk_len_is_treated_as_one() {
        assert_eq!(chunk_starts::<Parallel>(3, 0, Schedule::Dynamic), [0, 1, 2]);
    }

    #[test]
    fn empty_data_calls_nothing() {
        let calls = AtomicUsize::new(0);
        Parallel::for_each_chunk(&mut [0_u8; 0][..], 4, Schedule::Guided, |_, _| {
            calls.fetch_add(1, Ordering::Relaxed);
        });
        assert_eq!(calls.into_inner(), 0);
    }

    #[test]
    #[should_panic(expected = "differ in length")]
    fn mismatched_tuple_panics() {
        let mut a = [0.0; 3];
        let b = [0.0; 4];
        Serial::for_each_chunk((&mut a[..], &b[..]), 2, Schedule::Static, |_, _| {});
    }

    #[test]
    fn static_gives_each_thread_one_contiguous_block() {
        // 1000 chunks on 3 threads: blocks of 334, 334 and 332 chunks. Each
        // block runs on one thread, so the thread index changes at most twice.
        let runs = in_pool(3, || {
            let mut thread_of_chunk = vec![usize::MAX; 1000];
            Parallel::for_each_chunk(&mut thread_of_chunk[..], 1, Schedule::Static, |_, slot| {
                slot[0] = rayon::current_thread_index().unwrap_or(usize::MAX);
            });
            1 + thread_of_chunk
                .windows(2)
                .filter(|pair| pair[0] != pair[1])
                .count()
        });
        assert!(runs <= 3, "{runs} contiguous runs for 3 static blocks");
    }

    #[test]
    fn parallel_uses_the_callers_pool() {
        assert_eq!(in_pool(3, Parallel::threads), 3);
    }

    proptest! {
        #[test]
        fn every_schedule_and_thread_count_visits_the_same_chunks(
            len in 0_usize..500, chunk_len in 1_usize..40, threads in prop::sample::select(THREAD_COUNTS.to_vec()),
        ) {
            let expected = chunk_starts::<Serial>(len, chunk_len, Schedule::Static);
            for schedule in Schedule::ALL {
                let got = in_pool(threads, || chunk_starts::<Parallel>(len, chunk_len, schedule));
                prop_assert_eq!(&got, &expected);
            }
        }

        #[test]
        fn map_reduce_is_bit_identical(
            values in prop::collection::vec(-1e6_f64..1e6, 0..300),
            threads in prop::sample::select(THREAD_COUNTS.to_vec()),
        ) {
            let map = |i: usize| values[i] * 1.000_000_1;
            let serial = Serial::map_reduce(values.len(), Schedule::Static, 0.0, map, |a, b| a + b);
            for schedule in Schedule::ALL {
                let parallel = in_pool(threads, || {
                    Parallel::map_reduce(values.len(), schedule, 0.0, map, |a, b| a + b)
                });
                prop_assert_eq!(serial.to_bits(), parallel.to_bits());
            }
        }

        #[test]
        fn tuples_split_together(len in 0_usize..200, chunk_len in 1_usize..20) {
            let mut x = vec![0_usize; len];
            let mut y = vec![0_usize; len];
            Parallel::for_each_chunk((&mut x[..], &mut y[..]), chunk_len, Schedule::Guided,
                |i, (cx, cy): (&mut [usize], &mut [usize])| {
                    assert_eq!(cx.len(), cy.len());
                    cx.fill(i);
                    cy.fill(i);
                });
            prop_assert_eq!(&x, &y);
            prop_assert_eq!(x, chunk_starts::<Serial>(len, chunk_len, Schedule::Static));
        }

        #[test]
        fn pass_chunks_run_once_after_their_neighbours_and_never_overtake_them(
            passes in 0_usize..7,
            chunks in 0_usize..11,
            reach in 0_usize..4,
            ring in any::<bool>(),
            threads in prop::sample::select(THREAD_COUNTS.to_vec()),
        ) {
            let neighbours = if ring { Neighbours::Ring(reach) } else { Neighbours::Line(reach) };
            prop_assert_eq!(
                pass_order_violations::<Serial>(passes, chunks, neighbours),
                (passes * chunks, 0)
            );
            let parallel = in_pool(threads, || {
                pass_order_violations::<Parallel>(passes, chunks, neighbours)
            });
            prop_assert_eq!(parallel, (passes * chunks, 0));
        }

        #[test]
        fn neighbours_are_the_chunks_within_reach(
            chunks in 0_usize..20, reach in 0_usize..12, ring in any::<bool>(),
        ) {
            for chunk in 0..chunks + 2 {
                let expected: Vec<usize> = (0..chunks)
                    .filter(|&other| {
                        let apart = chunk.abs_diff(other);
                        let apart = if ring { apart.min(chunks.abs_diff(apart)) } else { apart };
                        chunk < chunks && apart <= reach
                    })
                    .collect();
                let neighbours = if ring { Neighbours::Ring(reach) } else { Neighbours::Line(reach) };
                prop_assert_eq!(neighbours.around(chunk, chunks).collect::<Vec<_>>(), expected);
            }
        }

        #[test]
        fn neighbours_are_symmetric_distinct_and_include_the_chunk(
            chunks in 1_usize..20, reach in 0_usize..12, ring in any::<bool>(),
        ) {
            let neighbours = if ring { Neighbours::Ring(reach) } else { Neighbours::Line(reach) };
            for chunk in 0..chunks {
                let around: Vec<usize> = neighbours.around(chunk, chunks).collect();
                prop_assert!(around.contains(&chunk));
                prop_assert!(around.windows(2).all(|pair| pair[0] < pair[1]));
                prop_assert!(around.len() <= 2 * reach + 1);
                for &other in &around {
                    prop_assert!(neighbours.around(other, chunks).any(|back| back == chunk));
                }
            }
        }
    }

    /// Runs a pass sweep in which every call checks its neighbours' finished
    /// pass counts (all at least this pass: they ran the pass before; none
    /// beyond the next: they cannot have started a pass that needs this
    /// call), and returns the number of calls and of failed checks.
    fn pass_order_violations<B: Backend>(
        passes: usize,
        chunks: usize,
        neighbours: Neighbours,
    ) -> (usize, usize) {
        let finished: Vec<AtomicUsize> = (0..chunks).map(|_| AtomicUsize::new(0)).collect();
        let (calls, violations) = (AtomicUsize::new(0), AtomicUsize::new(0));
        B::for_each_pass_chunk(passes, chunks, neighbours, |pass, chunk| {
            calls.fetch_add(1, Ordering::Relaxed);
            let early = finished[chunk].load(Ordering::Acquire) != pass
                || neighbours.around(chunk, chunks).any(|n| {
                    let done = finished[n].load(Ordering::Acquire);
                    done < pass || done > pass + 1
                });
            violations.fetch_add(usize::from(early), Ordering::Relaxed);
            finished[chunk].fetch_add(1, Ordering::Release);
        });
        (calls.into_inner(), violations.into_inner())
    }

    #[test]
    fn passes_too_many_for_one_graph_still_run_in_order() {
        // 5000 chunks: windows of 3 passes each, the last one shorter.
        for threads in [1, 2] {
            let counts = in_pool(threads, || {
                pass_order_violations::<Parallel>(10, 5000, Neighbours::Ring(2))
            });
            assert_eq!(counts, (50_000, 0), "{threads} threads");
        }
    }

    #[test]
    fn a_panicking_pass_chunk_reaches_the_caller_on_every_thread_count() {
        for threads in THREAD_COUNTS {
            let outcome = std::panic::catch_unwind(|| {
                in_pool(threads, || {
                    Parallel::for_each_pass_chunk(5, 4, Neighbours::Ring(1), |pass, chunk| {
                        assert!(!(pass == 2 && chunk == 1), "chunk 1 fails in pass 2");
                    });
                })
            });
            assert!(outcome.is_err(), "{threads} threads");
        }
    }

    #[test]
    fn parallel_pass_chunks_do_not_wait_for_the_whole_pass() {
        // On a line of 6 chunks with reach 1, chunk 0 of pass 1 needs only
        // chunks 0 and 1 of pass 0. With one thread, the graph starts it as
        // soon as those are done, before chunk 5 of pass 0 has run.
        let order = std::sync::Mutex::new(Vec::new());
        in_pool(1, || {
            Parallel::for_each_pass_chunk(2, 6, Neighbours::Line(1), |pass, chunk| {
                order.lock().unwrap().push((pass, chunk));
            });
        });
        let order = order.into_inner().unwrap();
        let at = |task| order.iter().position(|&t| t == task).unwrap();
        assert_eq!(order.len(), 12);
        assert!(
            at((1, 4)) < at((0, 0)) || at((1, 0)) < at((0, 5)),
            "passes ran strictly one after the other: {order:?}"
        );
    }
}
