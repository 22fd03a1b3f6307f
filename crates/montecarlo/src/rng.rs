//! Reproducible random streams: one independent generator per chunk.

use rand_core::{RngCore, SeedableRng};

/// The generator every estimate in this crate draws from: xoshiro256++
/// (Blackman and Vigna), 256 bits of state, period 2²⁵⁶ − 1, about 1 ns per
/// 64-bit output, and specified bit for bit, so a seed gives the same numbers
/// on every platform and every version of this crate. (`StdRng` and `SmallRng`
/// do not promise that.)
///
/// ```
/// use montecarlo::{Rng, RngCore, stream};
/// let mut a: Rng = stream(7, 0);
/// let mut b: Rng = stream(7, 0);
/// assert_eq!(a.next_u64(), b.next_u64());
/// ```
pub type Rng = rand_xoshiro::Xoshiro256PlusPlus;

/// Samples per chunk. A run of `n` samples is cut into `⌈n / CHUNK_SAMPLES⌉`
/// chunks of this many samples (the last one may be shorter), and chunk `c`
/// draws from [`stream`]`(seed, c)`. The boundaries depend on `n` only, never
/// on the thread count, which is what makes estimates bit-identical on any
/// backend. 2¹⁶ samples are coarse enough that seeding a stream and
/// scheduling a task cost well under 1 % of a chunk (the published lesson:
/// one task per sample made the process pool 130× slower), and fine enough
/// that 10⁶ samples still make 16 tasks to balance over the cores (and 10⁸
/// make 1526). Inside a chunk the π kernel splits the stream into 8
/// segments of 2¹³ points run in SIMD lanes; that changes the order of
/// the work, never the numbers drawn.
///
/// ```
/// // The published 10⁶ samples make 16 chunks: 15 full ones and a short one.
/// assert_eq!(1_000_000_u64.div_ceil(montecarlo::CHUNK_SAMPLES), 16);
/// ```
pub const CHUNK_SAMPLES: u64 = 1 << 16;

/// 2⁻⁵³, the spacing of the 53-bit grid [`uniform`] draws from.
const TWO_POW_MINUS_53: f64 = 1.0 / (1_u64 << 53) as f64;

/// The SplitMix64 output function (Steele, Lea and Flood; the constants of
/// Stafford's "Mix13"): a bijection on `u64` with full avalanche, so nearby
/// inputs give unrelated outputs. It maps 0 to 0 and nothing else to 0.
const fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Distinct constants (from the hexadecimal digits of the golden ratio, π, e and √2)
/// xor-ed into the inputs so that the four state words of one stream differ.
const KEYS: [u64; 4] = [
    0x9E37_79B9_7F4A_7C15,
    0x243F_6A88_85A3_08D3,
    0xB7E1_5162_8AED_2A6B,
    0x6A09_E667_F3BC_C909,
];

/// The xoshiro256 state words `s[0..4]` of [`stream`]`(seed, chunk)`.
#[inline]
pub(crate) const fn seed_words(seed: u64, chunk: u64) -> [u64; 4] {
    [
        mix64(seed ^ KEYS[0]),
        mix64(chunk ^ KEYS[1]),
        mix64(seed ^ KEYS[2]),
        mix64(chunk ^ KEYS[3]),
    ]
}

/// The generator for chunk `chunk` of a run seeded with `seed`.
///
/// The 256-bit xoshiro state is
/// `[mix(seed ^ K₀), mix(chunk ^ K₁), mix(seed ^ K₂), mix(chunk ^ K₃)]`, where
/// `mix` is the SplitMix64 finaliser, a bijection with full avalanche.
///
/// # Why the streams are independent in practice
/// * **Distinct:** the first two words alone determine `(seed, chunk)`, so
///   different pairs always start from different states; the state is never
///   all zero (words 0 and 2 are zero only for two different seeds).
/// * **Far apart:** all four words pass through the avalanche mix, so
///   neighbouring chunks (or seeds) start at unrelated, effectively random
///   points of xoshiro256++'s single cycle of length 2²⁵⁶ − 1. A chunk uses
///   2 · [`CHUNK_SAMPLES`] = 2¹⁷ outputs (π) or a few more (general closures),
///   so two of `k` streams overlap with probability about
///   `k² · 2¹⁸ / 2²⁵⁶`: below 2⁻¹⁹⁰ even for 2²⁴ chunks.
/// * **Why not `jump()`:** xoshiro's jump advances a generator by 2¹²⁸ steps,
///   which gives provably disjoint streams but reaching stream `c` takes `c`
///   jumps (O(c) per chunk, O(c²) per run), and `rand_xoshiro` offers no
///   jump by an arbitrary multiple. Hash seeding gives any chunk's stream in
///   O(1), which is what lets every chunk start on any thread.
///
/// ```
/// use montecarlo::{RngCore, stream};
/// // Reproducible: the same (seed, chunk) gives the same numbers …
/// assert_eq!(stream(1, 5).next_u64(), stream(1, 5).next_u64());
/// // … and neighbouring chunks or seeds give unrelated ones.
/// assert_ne!(stream(1, 5).next_u64(), stream(1, 6).next_u64());
/// assert_ne!(stream(1, 5).next_u64(), stream(2, 5).next_u64());
/// ```
#[must_use]
pub fn stream(seed: u64, chunk: u64) -> Rng {
    let words = seed_words(seed, chunk);
    let mut bytes = [0_u8; 32];
    for (dst, word) in bytes.chunks_exact_mut(8).zip(words) {
        dst.copy_from_slice(&word.to_le_bytes());
    }
    Rng::from_seed(bytes)
}

/// A uniform double in `[0, 1)`: the top 53 bits of the next output times
/// 2⁻⁵³, so every value is a multiple of 2⁻⁵³ and all 2⁵³ of them are equally
/// likely (the low bits of xoshiro256++ are the weakest, so they are the ones
/// dropped). Both the conversion and the scaling are exact.
///
/// ```
/// use montecarlo::{stream, uniform};
/// let mut rng = stream(3, 0);
/// for _ in 0..1000 {
///     let u = uniform(&mut rng);
///     assert!((0.0..1.0).contains(&u));
///     assert_eq!((u * 2f64.powi(53)).fract(), 0.0);
/// }
/// ```
#[inline(always)]
pub fn uniform(rng: &mut Rng) -> f64 {
    (rng.next_u64() >> 11) as f64 * TWO_POW_MINUS_53
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn mix_is_the_splitmix64_finaliser() {
        // SplitMix64 seeded with 0: its first output is mix(0x9E3779B97F4A7C15).
        assert_eq!(mix64(0x9E37_79B9_7F4A_7C15), 0xE220_A839_7B1D_CDAF);
        assert_eq!(mix64(0), 0);
    }

    #[test]
    fn streams_of_a_small_grid_all_start_differently() {
        let mut firsts = HashSet::new();
        for seed in 0..32 {
            for chunk in 0..32 {
                assert!(firsts.insert(stream(seed, chunk).next_u64()));
            }
        }
    }

    #[test]
    fn extreme_inputs_give_working_generators() {
        for (seed, chunk) in [(KEYS[0], KEYS[1]), (KEYS[2], KEYS[3]), (u64::MAX, u64::MAX)] {
            let mut rng = stream(seed, chunk);
            let outputs: HashSet<u64> = (0..16).map(|_| rng.next_u64()).collect();
            assert_eq!(outputs.len(), 16);
        }
    }

    #[test]
    fn uniform_extremes() {
        // The largest value is 1 − 2⁻⁵³ < 1, the smallest 0.
        assert!(((u64::MAX >> 11) as f64 * TWO_POW_MINUS_53) < 1.0);
        assert_eq!(TWO_POW_MINUS_53, 2f64.powi(-53));
    }

    #[test]
    fn adjacent_streams_are_uncorrelated() {
        // Sample correlation of uniforms from chunks c and c + 1, over 4096
        // pairs: |r| is about 1/√4096 = 0.016 for independent streams.
        let n = 4096;
        let mut a = stream(11, 0);
        let mut b = stream(11, 1);
        let xs: Vec<f64> = (0..n).map(|_| uniform(&mut a)).collect();
        let ys: Vec<f64> = (0..n).map(|_| uniform(&mut b)).collect();
        let mx = xs.iter().sum::<f64>() / n as f64;
        let my = ys.iter().sum::<f64>() / n as f64;
        let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
        let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
        let syy: f64 = ys.iter().map(|y| (y - my) * (y - my)).sum();
        let r = sxy / (sxx * syy).sqrt();
        assert!(r.abs() < 6.0 / (n as f64).sqrt(), "r = {r}");
    }
}
