//! The fast π hot loop: one chunk's stream cut into [`LANES`] consecutive
//! segments, reached with xoshiro256 jump-ahead polynomials and run side by
//! side in SIMD lanes.
//!
//! # Same numbers, different order
//! Chunk `c` of a run is defined as the first `len` points of the *single*
//! sequential stream [`crate::stream`]`(seed, c)`. This module does not
//! change that definition. It only computes the hit count in a different
//! order: segment `j` of the chunk (points `j·S .. (j + 1)·S`) starts
//! `2·j·S` generator outputs into the stream, a state obtained in O(256)
//! steps by *jumping* (below), and the [`LANES`] segments then advance in
//! lock step, one SIMD lane each. Hits are integers, so their sum does not
//! depend on the order: every [`Isa`], the scalar emulation of the lanes and
//! the textbook loop of [`crate::reference::pi`] give the same count.
//!
//! # Jumping
//! xoshiro256's state transition is a linear map `A` on GF(2)²⁵⁶ whose
//! characteristic polynomial [`CHAR_POLY`] `P(x)` has degree 256. For any
//! distance `d`, write `x^d mod P(x) = Σ rᵢ xⁱ`; by Cayley–Hamilton
//! `A^d s = Σ rᵢ Aⁱ s`, which 256 steps from `s` and a masked xor per step
//! compute (the same method as xoshiro's published `jump()`, whose constant
//! is `x^(2¹²⁸) mod P`; a test checks that). The polynomials for every lane
//! and segment length are computed at compile time ([`JUMPS`]).
//!
//! # Short chunks
//! A full chunk ([`CHUNK_SAMPLES`] points) is [`LANES`] segments of
//! `S₀ = CHUNK_SAMPLES / LANES` points. A shorter (last) chunk is covered
//! greedily by blocks of [`LANES`] segments of `S₀, S₀/2, …, S₀/2⁷` points
//! (each block starting where the previous one ended, i.e. at lane 7's final
//! state), and the fewer than `LANES · S₀/2⁷ = 512` points left over are
//! drawn one by one.
//!
//! # Uniform doubles, exactly as [`crate::uniform`]
//! Each lane turns an output `z` into `u = (z >> 11) · 2⁻⁵³` bit for bit.
//! AVX-512DQ converts the 53-bit integer directly (`vcvtqq2pd`). Scalar and
//! AVX2 code, which have no packed 64-bit conversion, split `v = z >> 11`
//! into `hi = v >> 32` and `lo = v mod 2³²` and place them in the mantissas
//! of `2³¹` and `2⁻¹`: `hi_d = 2³¹ + hi·2⁻²¹`, `lo_d = 2⁻¹ + lo·2⁻⁵³`. Then
//! `(hi_d − (2³¹ + 2⁻¹)) + lo_d = v·2⁻⁵³`, and both operations are exact
//! (their exact results have at most 53 significant bits), so `u` is the
//! same double. No multiply-add is ever fused.

use kernels_core::Isa;

use crate::rng::CHUNK_SAMPLES;

/// Generator streams (segments of a chunk) advanced side by side: one
/// AVX-512 register of `u64`, two AVX2 registers.
pub(crate) const LANES: usize = 8;

/// Points per segment in a full chunk: `S₀ = CHUNK_SAMPLES / LANES`.
const SEGMENT: u64 = CHUNK_SAMPLES / LANES as u64;

/// Segment lengths `S₀ / 2ᵏ` for `k < LEVELS`; chunk remainders shorter than
/// `LANES · S₀ / 2^(LEVELS − 1)` points are drawn one by one.
const LEVELS: usize = 8;

/// The characteristic polynomial of xoshiro256's linear state transition,
/// `P(x) = x²⁵⁶ + Σ pᵢ xⁱ` with `pᵢ` = bit `i % 64` of word `i / 64` (the
/// `x²⁵⁶` term implicit). Found by Berlekamp–Massey on a state bit's
/// sequence; checked by a test against xoshiro's published jump constant.
const CHAR_POLY: [u64; 4] = [
    0x9d11_6f2b_b0f0_f001,
    0x0280_002b_cefd_1a5e,
    0x04b4_edcf_2625_9f85,
    0x0003_c03c_3f3e_cb19,
];

/// `a·b mod P(x)` over GF(2) (polynomials as 256-bit little-endian words).
const fn mul_mod(a: [u64; 4], b: [u64; 4]) -> [u64; 4] {
    let mut a = a;
    let mut r = [0_u64; 4];
    let mut i = 0;
    while i < 256 {
        if (b[i / 64] >> (i % 64)) & 1 == 1 {
            let mut w = 0;
            while w < 4 {
                r[w] ^= a[w];
                w += 1;
            }
        }
        // a ← a·x mod P.
        let carry = a[3] >> 63;
        a = [
            a[0] << 1,
            (a[1] << 1) | (a[0] >> 63),
            (a[2] << 1) | (a[1] >> 63),
            (a[3] << 1) | (a[2] >> 63),
        ];
        if carry == 1 {
            let mut w = 0;
            while w < 4 {
                a[w] ^= CHAR_POLY[w];
                w += 1;
            }
        }
        i += 1;
    }
    r
}

/// `x^(2^e) mod P(x)`, by `e` squarings of `x`.
const fn x_pow_pow2(e: u32) -> [u64; 4] {
    let mut r = [2, 0, 0, 0];
    let mut k = 0;
    while k < e {
        r = mul_mod(r, r);
        k += 1;
    }
    r
}

/// Jump polynomials, `JUMPS[level][word][lane]` = word `word` of
/// `x^(2·lane·S) mod P(x)` with `S = S₀ / 2^level` points per segment (two
/// generator outputs per point). Lane 0's polynomial is `1`: no jump.
/// Word-major so that one vector load gives a word for all lanes.
static JUMPS: [[[u64; LANES]; 4]; LEVELS] = jump_table();

const fn jump_table() -> [[[u64; LANES]; 4]; LEVELS] {
    let mut table = [[[0_u64; LANES]; 4]; LEVELS];
    let mut level = 0;
    while level < LEVELS {
        // One segment is 2·S outputs, a power of two.
        let outputs = 2 * (SEGMENT >> level);
        let step = x_pow_pow2(outputs.trailing_zeros());
        let mut poly = [1_u64, 0, 0, 0];
        let mut lane = 0;
        while lane < LANES {
            let mut w = 0;
            while w < 4 {
                table[level][w][lane] = poly[w];
                w += 1;
            }
            poly = mul_mod(poly, step);
            lane += 1;
        }
        level += 1;
    }
    table
}

/// The jump polynomials transposed for SIMD: bit `lane` of
/// `JUMP_MASKS[level][i]` is the coefficient of `xⁱ` in lane `lane`'s
/// polynomial `JUMPS[level][·][lane]`, so step `i` of a jump xors the
/// stepped state into the lanes selected by one mask byte.
static JUMP_MASKS: [[u8; 256]; LEVELS] = jump_masks();

const fn jump_masks() -> [[u8; 256]; LEVELS] {
    let table = jump_table();
    let mut masks = [[0_u8; 256]; LEVELS];
    let mut level = 0;
    while level < LEVELS {
        let mut i = 0;
        while i < 256 {
            let mut lane = 0;
            while lane < LANES {
                let bit = (table[level][i / 64][lane] >> (i % 64)) & 1;
                masks[level][i] |= (bit as u8) << lane;
                lane += 1;
            }
            i += 1;
        }
        level += 1;
    }
    masks
}

/// The xoshiro256 state transition of one generator (no output).
#[inline(always)]
fn advance(s: &mut [u64; 4]) {
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
}

/// One xoshiro256++ output of a single generator, then its transition:
/// exactly [`rand_xoshiro::Xoshiro256PlusPlus`]'s `next_u64`.
#[inline(always)]
fn next_scalar(s: &mut [u64; 4]) -> u64 {
    let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
    advance(s);
    out
}

/// [`LANES`] generators, word-major: `s[w][lane]` is word `w` of a lane.
type LaneStates = [[u64; LANES]; 4];

/// The state of lane `lane`.
#[inline(always)]
fn lane_state(lanes: &LaneStates, lane: usize) -> [u64; 4] {
    [
        lanes[0][lane],
        lanes[1][lane],
        lanes[2][lane],
        lanes[3][lane],
    ]
}

/// The states `A^(2·j·S) base` of the segments `j = 0 .. LANES` of segment
/// length `S = S₀ / 2^level`: 256 steps of `base`, each xor-ed into the
/// lanes whose jump polynomial has that coefficient set.
#[inline(always)]
fn jump_lanes(base: [u64; 4], level: usize) -> LaneStates {
    let table = &JUMPS[level];
    let mut lanes = [[0_u64; LANES]; 4];
    let mut s = base;
    for i in 0..256 {
        let bits = &table[i / 64];
        let shift = i % 64;
        for lane in 0..LANES {
            let mask = ((bits[lane] >> shift) & 1).wrapping_neg();
            for w in 0..4 {
                lanes[w][lane] ^= s[w] & mask;
            }
        }
        advance(&mut s);
    }
    lanes
}

/// One xoshiro256++ output of every lane, then every lane's transition.
#[inline(always)]
fn next_lanes(s: &mut LaneStates) -> [u64; LANES] {
    let mut out = [0_u64; LANES];
    for lane in 0..LANES {
        let (s0, s1, s2, s3) = (s[0][lane], s[1][lane], s[2][lane], s[3][lane]);
        out[lane] = s0.wrapping_add(s3).rotate_left(23).wrapping_add(s0);
        let t = s1 << 17;
        let s2 = s2 ^ s0;
        let s3 = s3 ^ s1;
        let s1 = s1 ^ s2;
        let s0 = s0 ^ s3;
        s[0][lane] = s0;
        s[1][lane] = s1;
        s[2][lane] = s2 ^ t;
        s[3][lane] = s3.rotate_left(45);
    }
    out
}

/// 2⁻⁵³, the grid spacing of [`crate::uniform`].
const TWO_POW_MINUS_53: f64 = 1.0 / (1_u64 << 53) as f64;

/// `(z >> 11) · 2⁻⁵³` exactly, as [`crate::uniform`] computes it.
/// `NATIVE`: convert the 53-bit integer with a (packed) int→double
/// instruction; otherwise the exact two-mantissa construction of the module
/// docs (integer and add/subtract only, so it vectorises without AVX-512DQ).
#[inline(always)]
fn unit<const NATIVE: bool>(z: u64) -> f64 {
    if NATIVE {
        // < 2⁵³, so the signed conversion is exact (and one instruction).
        ((z >> 11) as i64) as f64 * TWO_POW_MINUS_53
    } else {
        // 2³¹ + hi·2⁻²¹ and 2⁻¹ + lo·2⁻⁵³.
        let hi = f64::from_bits((z >> 43) | 0x41E0_0000_0000_0000);
        let lo = f64::from_bits(((z >> 11) & 0xFFFF_FFFF) | 0x3FE0_0000_0000_0000);
        (hi - 2_147_483_648.5) + lo
    }
}

/// Hits among `points` points of every lane, advancing the lanes.
#[inline(always)]
fn run_lanes<const NATIVE: bool>(s: &mut LaneStates, points: u64) -> u64 {
    let mut hits = [0_u64; LANES];
    for _ in 0..points {
        let zx = next_lanes(s);
        let zy = next_lanes(s);
        for lane in 0..LANES {
            let x = unit::<NATIVE>(zx[lane]);
            let y = unit::<NATIVE>(zy[lane]);
            hits[lane] += u64::from(x * x + y * y <= 1.0);
        }
    }
    hits.iter().sum()
}

/// Hits among the first `len ≤ CHUNK_SAMPLES` points of the stream whose
/// state is `base`: greedy blocks of [`LANES`] segments, started by `jump`
/// (such as [`jump_lanes`]) and counted by `run` (such as [`run_lanes`]),
/// then single points.
#[inline(always)]
fn chunk_hits(
    base: [u64; 4],
    len: u64,
    mut jump: impl FnMut([u64; 4], usize) -> LaneStates,
    mut run: impl FnMut(&mut LaneStates, u64) -> u64,
) -> u64 {
    let mut state = base;
    let mut remaining = len;
    let mut hits = 0;
    for level in 0..LEVELS {
        let segment = SEGMENT >> level;
        if remaining >= LANES as u64 * segment {
            let mut lanes = jump(state, level);
            hits += run(&mut lanes, segment);
            // The last lane ended where the block ends.
            state = lane_state(&lanes, LANES - 1);
            remaining -= LANES as u64 * segment;
        }
    }
    for _ in 0..remaining {
        let x = (next_scalar(&mut state) >> 11) as f64 * TWO_POW_MINUS_53;
        let y = (next_scalar(&mut state) >> 11) as f64 * TWO_POW_MINUS_53;
        hits += u64::from(x * x + y * y <= 1.0);
    }
    hits
}

/// [`chunk_hits`] with the portable lane loop (which the compiler keeps
/// mostly scalar on baseline x86-64: it has no 64-bit rotates or compares;
/// the int→double conversion is the plain one, exact below 2⁵³).
fn chunk_hits_scalar(base: [u64; 4], len: u64) -> u64 {
    chunk_hits(base, len, jump_lanes, run_lanes::<true>)
}

/// [`chunk_hits`] with the explicit AVX2 lane loop ([`avx2::run_lanes`]):
/// left to itself the compiler keeps the generator scalar on AVX2, which
/// has no vector rotate.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn chunk_hits_avx2(base: [u64; 4], len: u64) -> u64 {
    chunk_hits(
        base,
        len,
        |state, level| avx2::jump_lanes(state, level),
        |lanes, points| avx2::run_lanes(lanes, points),
    )
}

/// [`chunk_hits`] with the explicit AVX-512 lane loop
/// ([`avx512::run_lanes`]; the compiler's own vectorisation of
/// [`run_lanes`] is correct but shuffles registers and counts with two
/// instructions where one will do, about 35 % slower).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
fn chunk_hits_avx512(base: [u64; 4], len: u64) -> u64 {
    chunk_hits(
        base,
        len,
        |state, level| avx512::jump_lanes(state, level),
        |lanes, points| avx512::run_lanes(lanes, points),
    )
}

/// The lane loop written with AVX-512 intrinsics: one zmm register per
/// state word holds all [`LANES`] lanes. Per 8 points, 27 vector
/// instructions: two generator outputs of 9 each (`vpaddq`, `vprolq`,
/// `vpaddq`; `vpsllq`, three 3-way xors as `vpternlogq`, `vpxorq`,
/// `vprolq`), `vpsrlq` + `vcvtqq2pd` per coordinate, two `vmulpd`, a
/// `vaddpd`, a compare into a mask register and a masked `vpaddq` of 1.
///
/// The coordinates are left unscaled: with `X = z >> 11` (so `x = X·2⁻⁵³`),
/// `fl(x·x) = fl(X·X)·2⁻¹⁰⁶` exactly (scaling by a power of two commutes
/// with rounding while nothing underflows, and the smallest non-zero square
/// is 2⁻¹⁰⁶), and likewise for the sum, so `x·x + y·y ≤ 1` is decided by
/// `X·X + Y·Y ≤ 2¹⁰⁶` with the same outcome for every point.
#[cfg(target_arch = "x86_64")]
mod avx512 {
    use std::arch::x86_64::{
        __m512i, _CMP_LE_OQ, _mm512_add_epi64, _mm512_add_pd, _mm512_cmp_pd_mask,
        _mm512_cvtepi64_pd, _mm512_loadu_epi64, _mm512_mask_add_epi64, _mm512_mask_xor_epi64,
        _mm512_mul_pd, _mm512_reduce_add_epi64, _mm512_rol_epi64, _mm512_set1_epi64,
        _mm512_set1_pd, _mm512_setzero_si512, _mm512_slli_epi64, _mm512_srli_epi64,
        _mm512_storeu_epi64, _mm512_ternarylogic_epi64, _mm512_xor_si512,
    };

    use super::{JUMP_MASKS, LANES, LaneStates, advance};

    /// `vpternlogq` truth table of `a ^ b ^ c`.
    const XOR3: i32 = 0x96;

    /// xoshiro256++: the output of all lanes, then their transition.
    #[inline]
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
    fn next(s: &mut [__m512i; 4]) -> __m512i {
        let [s0, s1, s2, s3] = *s;
        let out = _mm512_add_epi64(_mm512_rol_epi64::<23>(_mm512_add_epi64(s0, s3)), s0);
        let t = _mm512_slli_epi64::<17>(s1);
        // s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 45).
        let new_s1 = _mm512_ternarylogic_epi64::<XOR3>(s1, s2, s0);
        let new_s0 = _mm512_ternarylogic_epi64::<XOR3>(s0, s3, s1);
        let new_s2 = _mm512_ternarylogic_epi64::<XOR3>(s2, s0, t);
        let new_s3 = _mm512_rol_epi64::<45>(_mm512_xor_si512(s3, s1));
        *s = [new_s0, new_s1, new_s2, new_s3];
        out
    }

    /// [`super::jump_lanes`] with the lane selection in a mask register:
    /// per step of the base generator, four broadcasts and four masked xors.
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
    pub(super) fn jump_lanes(base: [u64; 4], level: usize) -> LaneStates {
        let mut acc = [_mm512_setzero_si512(); 4];
        let mut s = base;
        for &mask in &JUMP_MASKS[level] {
            for (reg, word) in acc.iter_mut().zip(s) {
                *reg = _mm512_mask_xor_epi64(*reg, mask, *reg, _mm512_set1_epi64(word as i64));
            }
            advance(&mut s);
        }
        let mut lanes = [[0_u64; LANES]; 4];
        for (reg, word) in acc.iter().zip(lanes.iter_mut()) {
            // SAFETY: `word` is 8 u64 = 64 writable bytes; storeu needs no
            // alignment.
            unsafe { _mm512_storeu_epi64(word.as_mut_ptr().cast(), *reg) };
        }
        lanes
    }

    /// Hits among `points` points of each of the [`LANES`] lanes, advancing
    /// the lanes: the same count as [`super::run_lanes`].
    #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx512bw")]
    pub(super) fn run_lanes(lanes: &mut LaneStates, points: u64) -> u64 {
        const _: () = assert!(LANES == 8);
        let mut s = [_mm512_setzero_si512(); 4];
        for (reg, word) in s.iter_mut().zip(lanes.iter()) {
            // SAFETY: `word` is 8 initialised u64 = 64 readable bytes;
            // loadu has no alignment requirement.
            *reg = unsafe { _mm512_loadu_epi64(word.as_ptr().cast()) };
        }
        let limit = _mm512_set1_pd(2f64.powi(106));
        let one = _mm512_set1_epi64(1);
        let mut count = _mm512_setzero_si512();
        for _ in 0..points {
            let x = _mm512_cvtepi64_pd(_mm512_srli_epi64::<11>(next(&mut s)));
            let y = _mm512_cvtepi64_pd(_mm512_srli_epi64::<11>(next(&mut s)));
            let r2 = _mm512_add_pd(_mm512_mul_pd(x, x), _mm512_mul_pd(y, y));
            let hit = _mm512_cmp_pd_mask::<_CMP_LE_OQ>(r2, limit);
            count = _mm512_mask_add_epi64(count, hit, count, one);
        }
        for (reg, word) in s.iter().zip(lanes.iter_mut()) {
            // SAFETY: `word` is 8 u64 = 64 writable bytes; storeu needs no
            // alignment.
            unsafe { _mm512_storeu_epi64(word.as_mut_ptr().cast(), *reg) };
        }
        _mm512_reduce_add_epi64(count) as u64
    }
}

/// The lane loop written with AVX2 intrinsics: the [`LANES`] lanes as two
/// halves of four `u64` (one ymm register per state word and half), rotates
/// as two shifts and an or, the exact two-mantissa conversion of the module
/// docs, and hits counted by subtracting the all-ones compare masks.
#[cfg(target_arch = "x86_64")]
mod avx2 {
    use std::arch::x86_64::{
        __m256d, __m256i, _CMP_LE_OQ, _mm256_add_epi64, _mm256_add_pd, _mm256_and_si256,
        _mm256_blend_epi32, _mm256_castpd_si256, _mm256_castsi256_pd, _mm256_cmp_pd,
        _mm256_cmpeq_epi64, _mm256_loadu_si256, _mm256_mul_pd, _mm256_or_si256, _mm256_set_epi64x,
        _mm256_set1_epi64x, _mm256_set1_pd, _mm256_setzero_si256, _mm256_slli_epi64,
        _mm256_srli_epi64, _mm256_storeu_si256, _mm256_sub_epi64, _mm256_sub_pd, _mm256_xor_si256,
    };

    use super::{JUMP_MASKS, LANES, LaneStates, advance};

    /// Four lanes' state, one register per word.
    type Half = [__m256i; 4];

    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn rotl<const L: i32, const R: i32>(x: __m256i) -> __m256i {
        _mm256_or_si256(_mm256_slli_epi64::<L>(x), _mm256_srli_epi64::<R>(x))
    }

    /// xoshiro256++: the output of four lanes, then their transition.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn next(s: &mut Half) -> __m256i {
        let [s0, s1, s2, s3] = *s;
        let out = _mm256_add_epi64(rotl::<23, 41>(_mm256_add_epi64(s0, s3)), s0);
        let t = _mm256_slli_epi64::<17>(s1);
        let s2 = _mm256_xor_si256(s2, s0);
        let s3 = _mm256_xor_si256(s3, s1);
        let s1 = _mm256_xor_si256(s1, s2);
        let s0 = _mm256_xor_si256(s0, s3);
        *s = [s0, s1, _mm256_xor_si256(s2, t), rotl::<45, 19>(s3)];
        out
    }

    /// `(z >> 11) · 2⁻⁵³` exactly: `(hi_d − (2³¹ + 2⁻¹)) + lo_d`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    fn unit(z: __m256i) -> __m256d {
        let hi = _mm256_or_si256(
            _mm256_srli_epi64::<43>(z),
            _mm256_set1_epi64x(0x41E0_0000_0000_0000),
        );
        // Low 32 bits from z >> 11, high 32 bits from the exponent of 2⁻¹.
        let lo = _mm256_blend_epi32::<0b1010_1010>(
            _mm256_srli_epi64::<11>(z),
            _mm256_set1_epi64x(0x3FE0_0000_0000_0000),
        );
        let hi = _mm256_sub_pd(_mm256_castsi256_pd(hi), _mm256_set1_pd(2_147_483_648.5));
        _mm256_add_pd(hi, _mm256_castsi256_pd(lo))
    }

    /// [`super::jump_lanes`] with branch-free lane selection: the mask byte
    /// is broadcast, and-ed with each lane's bit and compared, giving
    /// all-ones in the selected lanes.
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn jump_lanes(base: [u64; 4], level: usize) -> LaneStates {
        let lane_bits = [
            _mm256_set_epi64x(8, 4, 2, 1),
            _mm256_set_epi64x(128, 64, 32, 16),
        ];
        let mut acc: [Half; 2] = [[_mm256_setzero_si256(); 4]; 2];
        let mut s = base;
        for &mask in &JUMP_MASKS[level] {
            let mask = _mm256_set1_epi64x(i64::from(mask));
            for (half, bits) in acc.iter_mut().zip(lane_bits) {
                let select = _mm256_cmpeq_epi64(_mm256_and_si256(mask, bits), bits);
                for (reg, word) in half.iter_mut().zip(s) {
                    let word = _mm256_and_si256(_mm256_set1_epi64x(word as i64), select);
                    *reg = _mm256_xor_si256(*reg, word);
                }
            }
            advance(&mut s);
        }
        let mut lanes = [[0_u64; LANES]; 4];
        for (h, half) in acc.iter().enumerate() {
            for (reg, word) in half.iter().zip(lanes.iter_mut()) {
                // SAFETY: `word[4 * h..]` is 4 u64 = 32 writable bytes.
                unsafe { _mm256_storeu_si256(word[4 * h..].as_mut_ptr().cast(), *reg) };
            }
        }
        lanes
    }

    /// Hits among `points` points of each of the [`LANES`] lanes, advancing
    /// the lanes: the same count as [`super::run_lanes`].
    #[target_feature(enable = "avx2,fma")]
    pub(super) fn run_lanes(lanes: &mut LaneStates, points: u64) -> u64 {
        const _: () = assert!(LANES == 8);
        let mut halves: [Half; 2] = [[_mm256_setzero_si256(); 4]; 2];
        for (h, half) in halves.iter_mut().enumerate() {
            for (reg, word) in half.iter_mut().zip(lanes.iter()) {
                // SAFETY: `word[4 * h..]` holds 4 (h = 0, 1) initialised u64,
                // 32 readable bytes; loadu has no alignment requirement.
                *reg = unsafe { _mm256_loadu_si256(word[4 * h..].as_ptr().cast()) };
            }
        }
        let one = _mm256_set1_pd(1.0);
        let mut counts = [_mm256_setzero_si256(); 2];
        for _ in 0..points {
            for (half, count) in halves.iter_mut().zip(counts.iter_mut()) {
                let x = unit(next(half));
                let y = unit(next(half));
                let r2 = _mm256_add_pd(_mm256_mul_pd(x, x), _mm256_mul_pd(y, y));
                // All ones (−1) where x² + y² ≤ 1.
                let hit = _mm256_castpd_si256(_mm256_cmp_pd::<_CMP_LE_OQ>(r2, one));
                *count = _mm256_sub_epi64(*count, hit);
            }
        }
        let mut total = [0_u64; 4];
        let sum = _mm256_add_epi64(counts[0], counts[1]);
        // SAFETY: `total` is 32 writable bytes; storeu needs no alignment.
        unsafe { _mm256_storeu_si256(total.as_mut_ptr().cast(), sum) };
        for (h, half) in halves.iter().enumerate() {
            for (reg, word) in half.iter().zip(lanes.iter_mut()) {
                // SAFETY: `word[4 * h..]` is 4 u64 = 32 writable bytes.
                unsafe { _mm256_storeu_si256(word[4 * h..].as_mut_ptr().cast(), *reg) };
            }
        }
        total.iter().sum()
    }
}

/// Hits among the first `len ≤ CHUNK_SAMPLES` points `(x, y)` of the stream
/// whose xoshiro256 state is `base`, using the hot loop compiled for `isa`
/// (which must be supported: the [`crate::Pi`] kernel stores only an `Isa`
/// that passed [`Isa::require`]).
pub(crate) fn count_hits(isa: Isa, base: [u64; 4], len: u64) -> u64 {
    debug_assert!(len <= CHUNK_SAMPLES && isa.is_supported());
    match isa {
        Isa::Scalar => chunk_hits_scalar(base, len),
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `isa` passed `Isa::require` when the kernel was built (or
        // is `Isa::selected()`), so this CPU has AVX2 and FMA.
        Isa::Avx2 => unsafe { chunk_hits_avx2(base, len) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above, the CPU has AVX-512 F/DQ/VL/BW.
        Isa::Avx512 => unsafe { chunk_hits_avx512(base, len) },
        #[cfg(not(target_arch = "x86_64"))]
        _ => chunk_hits_scalar(base, len),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::{seed_words, stream, uniform};
    use rand_core::{RngCore, SeedableRng};

    #[test]
    fn char_poly_gives_the_published_jump_constant() {
        // rand_xoshiro's Xoshiro256PlusPlus::jump() applies x^(2¹²⁸) mod P.
        assert_eq!(
            x_pow_pow2(128),
            [
                0x180e_c6d3_3cfd_0aba,
                0xd5a6_1266_f0c9_392c,
                0xa958_2618_e03f_c9aa,
                0x39ab_dc45_29b1_661c
            ]
        );
        let words = seed_words(3, 4);
        let mut jumped = crate::Rng::from_seed(words_to_seed(words));
        jumped.jump();
        let mut mine = [[0_u64; LANES]; 4];
        let poly = x_pow_pow2(128);
        let mut s = words;
        for i in 0..256 {
            if (poly[i / 64] >> (i % 64)) & 1 == 1 {
                for w in 0..4 {
                    mine[w][0] ^= s[w];
                }
            }
            advance(&mut s);
        }
        let mut lane = lane_state(&mine, 0);
        for _ in 0..8 {
            assert_eq!(next_scalar(&mut lane), jumped.next_u64());
        }
    }

    fn words_to_seed(words: [u64; 4]) -> [u8; 32] {
        let mut bytes = [0_u8; 32];
        for (dst, word) in bytes.chunks_exact_mut(8).zip(words) {
            dst.copy_from_slice(&word.to_le_bytes());
        }
        bytes
    }

    #[test]
    fn next_scalar_is_xoshiro256plusplus() {
        let mut rng = stream(9, 2);
        let mut s = seed_words(9, 2);
        for _ in 0..100 {
            assert_eq!(next_scalar(&mut s), rng.next_u64());
        }
    }

    #[test]
    fn every_lane_starts_where_its_segment_starts() {
        // Level 3 (segments of 1024 points = 2048 outputs) keeps this quick.
        let level = 3;
        let outputs = 2 * (SEGMENT >> level);
        let base = seed_words(5, 7);
        let mut lanes = jump_lanes(base, level);
        let mut rng = stream(5, 7);
        for lane in 0..LANES {
            let mut s = lane_state(&lanes, lane);
            assert_eq!(next_scalar(&mut s), rng.next_u64(), "lane {lane}");
            for _ in 1..outputs {
                rng.next_u64();
            }
        }
        // And the lanes advance in lock step like the stream.
        let out = next_lanes(&mut lanes);
        let mut s = lane_state(&lanes, 0);
        let mut rng = stream(5, 7);
        assert_eq!(out[0], rng.next_u64());
        assert_eq!(next_scalar(&mut s), rng.next_u64());
    }

    #[test]
    fn simd_jumps_equal_the_portable_jump_at_every_level() {
        let base = seed_words(8, 1);
        for level in 0..LEVELS {
            let portable = jump_lanes(base, level);
            assert_eq!(lane_state(&portable, 0), base);
            #[cfg(target_arch = "x86_64")]
            for isa in Isa::supported() {
                let simd = match isa {
                    Isa::Scalar => continue,
                    // SAFETY: `isa` is in `Isa::supported()`: AVX2 and FMA.
                    Isa::Avx2 => unsafe { avx2::jump_lanes(base, level) },
                    // SAFETY: as above, AVX-512 F/DQ/VL/BW.
                    Isa::Avx512 => unsafe { avx512::jump_lanes(base, level) },
                };
                assert_eq!(simd, portable, "{isa}, level {level}");
            }
        }
    }

    #[test]
    fn both_conversions_are_uniform_bit_for_bit() {
        let mut rng = stream(1, 1);
        let mut s = seed_words(1, 1);
        let edge = [0, 1 << 11, (1 << 11) - 1, 1 << 43, u64::MAX, u64::MAX << 11];
        for z in edge
            .into_iter()
            .chain((0..10_000).map(|_| next_scalar(&mut s)))
        {
            let expected = (z >> 11) as f64 * TWO_POW_MINUS_53;
            assert_eq!(unit::<true>(z).to_bits(), expected.to_bits(), "{z:#x}");
            assert_eq!(unit::<false>(z).to_bits(), expected.to_bits(), "{z:#x}");
        }
        let z = seed_words(1, 1);
        let mut s = z;
        assert_eq!(unit::<false>(next_scalar(&mut s)), uniform(&mut rng));
    }

    /// The textbook count of the first `len` points of `stream(seed, chunk)`.
    fn sequential_hits(seed: u64, chunk: u64, len: u64) -> u64 {
        let mut rng = stream(seed, chunk);
        (0..len)
            .filter(|_| {
                let x = uniform(&mut rng);
                let y = uniform(&mut rng);
                x * x + y * y <= 1.0
            })
            .count() as u64
    }

    #[test]
    fn every_isa_counts_like_the_sequential_stream() {
        // A full chunk, and lengths that exercise every level and the tail.
        let lengths = [
            CHUNK_SAMPLES,
            CHUNK_SAMPLES - 1,
            40_000,
            8 * 64,
            8 * 64 - 1,
            4_097,
            3,
            1,
            0,
        ];
        for len in lengths {
            let expected = sequential_hits(17, 3, len);
            for isa in Isa::supported() {
                assert_eq!(
                    count_hits(isa, seed_words(17, 3), len),
                    expected,
                    "{isa}, {len}"
                );
            }
        }
    }
}
