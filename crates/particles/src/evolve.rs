//! Particles in struct-of-arrays storage, the three stepping methods, and
//! the [`Evolve`] kernel.

use std::fmt;
use std::str::FromStr;

use kernels_core::{Backend, Error, Isa, Kernel, Result, Schedule, Vectorized, Work, validate};
use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// The fixed Euler time step of the published code.
///
/// ```
/// assert_eq!(particles::TIMESTEP, 0.00001);
/// ```
pub const TIMESTEP: f64 = 1e-5;

/// Particles per chunk handed to a thread. Chosen from nothing but this
/// constant, so chunk boundaries never depend on the thread count.
const CHUNK: usize = 64;

/// Flops of one Euler particle-step: `x·x`, `y·y`, `+`, `sqrt`, two
/// divisions, two multiplications by `t`, two additions.
const EULER_FLOPS_PER_STEP: u64 = 10;

/// Flops of one exact rotation: radius (4), angle (2), `sin` and `cos`
/// (counted as one each, nominally), the rotation (6).
const EXACT_FLOPS_PER_PARTICLE: u64 = 14;

/// Bytes per particle that must move: read x, y, ang_speed; write x, y.
const BYTES_PER_PARTICLE: u64 = 40;

/// Largest `x² + y²` an Euler evolution may reach, so that `x² + y²` stays
/// finite with a wide margin for rounding.
const R2_LIMIT: f64 = f64::MAX / 4.0;

/// `2^64` as a float: the first step count that does not fit in `u64`.
const STEPS_LIMIT: f64 = 18_446_744_073_709_551_616.0;

/// Number of Euler steps for the time span `dt`: `⌊dt / TIMESTEP⌋`, computed
/// as a float division then truncation, exactly as the published Python's
/// `int(dt / timestep)`. So `dt = 0.01` gives 999 steps (not 1000) and
/// `dt = 0.1` gives 10 000.
///
/// # Errors
/// Names `"dt"`: [`Error::NotFinite`] for NaN or ±∞, [`Error::OutOfRange`]
/// for `dt ≤ 0`, for a `dt` that gives zero steps (`dt < TIMESTEP`), and for
/// one whose step count does not fit in `u64`.
///
/// ```
/// use particles::steps_for;
/// assert_eq!(steps_for(0.01)?, 999);
/// assert_eq!(steps_for(0.1)?, 10_000);
/// assert_eq!(steps_for(1e-6).unwrap_err().parameter(), "dt");
/// # Ok::<(), kernels_core::Error>(())
/// ```
pub fn steps_for(dt: f64) -> Result<u64> {
    validate::positive("dt", dt)?;
    let quotient = dt / TIMESTEP;
    if quotient < 1.0 {
        return Err(Error::out_of_range(
            "dt",
            dt,
            "at least TIMESTEP = 1e-5 (one step)",
        ));
    }
    if quotient >= STEPS_LIMIT {
        return Err(Error::out_of_range(
            "dt",
            dt,
            "less than 2^64 · TIMESTEP (the step count must fit in u64)",
        ));
    }
    Ok(quotient as u64)
}

/// How a particle is moved along its circle.
///
/// ```
/// use particles::Method;
/// let m: Method = "hoisted".parse()?;
/// assert_eq!(m, Method::Hoisted);
/// assert_eq!(m.to_string(), "hoisted");
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Method {
    /// The published step, bit for bit: `norm = sqrt(x² + y²)`,
    /// `v = (−y, x)/norm`, `x += (TIMESTEP·ang_speed)·v_x`,
    /// `y += (TIMESTEP·ang_speed)·v_y`, both from the old `x, y`.
    /// Reproduces the published values to rounding.
    #[default]
    Textbook,
    /// The Cython chapter's hoisted step: `t = TIMESTEP·ang_speed` once per
    /// particle, then `(x, y) ← (x − t·y/norm, y + t·x/norm)`. Same
    /// mathematics, different rounding (≈ 1e-16 apart after 10 000 steps).
    Hoisted,
    /// The exact rotation the Euler steps approximate: angle
    /// `ang_speed·T / r` with `T = nsteps·TIMESTEP`. Keeps the radius (the
    /// Euler methods grow it), costs one step per particle instead of
    /// `nsteps`, and differs from the published values by up to 1.2e-5.
    ///
    /// `T` is the span the Euler methods actually integrate, so all three
    /// methods describe the same motion for any `dt`. For the published
    /// `dt = 0.1`, `10 000 · 1e-5 == 0.1` exactly in `f64`, so this is the
    /// stated rotation by `ang_speed·dt / r` (p2 then misses the published
    /// Euler value by 1.16e-5); for `dt = 0.01` it rotates over 999 steps,
    /// `T = 0.00999`.
    Exact,
}

impl Method {
    /// All methods, in the order reports list them.
    ///
    /// ```
    /// use particles::Method;
    /// let names: Vec<&str> = Method::ALL.into_iter().map(Method::name).collect();
    /// assert_eq!(names, ["textbook", "hoisted", "exact"]);
    /// for method in Method::ALL {
    ///     assert_eq!(method.name().parse::<Method>()?, method);
    /// }
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub const ALL: [Method; 3] = [Method::Textbook, Method::Hoisted, Method::Exact];

    /// The lower-case name used on command lines and in reports.
    ///
    /// ```
    /// assert_eq!(particles::Method::Exact.name(), "exact");
    /// ```
    #[must_use]
    pub const fn name(self) -> &'static str {
        match self {
            Method::Textbook => "textbook",
            Method::Hoisted => "hoisted",
            Method::Exact => "exact",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Method {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        Method::ALL
            .into_iter()
            .find(|method| method.name() == s)
            .ok_or_else(|| Error::out_of_range("method", s, "one of textbook, hoisted, exact"))
    }
}

/// A set of particles rotating about the origin, stored as a struct of
/// arrays (`x`, `y` and `ang_speed` each contiguous) so the stepping loops
/// run over plain slices.
///
/// Invariants, checked by every constructor: at least one particle, equal
/// lengths, finite values, and every position away from the origin with
/// `x² + y²` a finite, normal double (a particle at the origin has no
/// direction to move in).
///
/// ```
/// use particles::{Method, Particles};
/// use kernels_core::Parallel;
///
/// let mut ps = Particles::published_test();
/// ps.evolve::<Parallel>(0.1, Method::Textbook)?;
/// assert!((ps.x()[0] - 0.2102698450356825).abs() < 1e-5);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Particles {
    x: Vec<f64>,
    y: Vec<f64>,
    ang_speed: Vec<f64>,
}

impl Particles {
    /// Particles from their coordinates and angular speeds.
    ///
    /// # Errors
    /// * [`Error::OutOfRange`] `"particles"` when there are none;
    /// * [`Error::ShapeMismatch`] `"y"` or `"ang_speed"` when a length differs
    ///   from `x.len()`;
    /// * [`Error::NotFinite`] `"x"`, `"y"` or `"ang_speed"` for NaN or ±∞;
    /// * [`Error::OutOfRange`] `"particle position"` for a particle at the
    ///   origin, or so close to it (or so far away) that `x² + y²` is not a
    ///   finite normal double.
    ///
    /// ```
    /// use particles::Particles;
    /// let ps = Particles::new(vec![1.0, 0.0], vec![0.0, 2.0], vec![1.0, -1.0])?;
    /// assert_eq!(ps.len(), 2);
    /// let err = Particles::new(vec![0.0], vec![0.0], vec![1.0]).unwrap_err();
    /// assert_eq!(err.parameter(), "particle position");
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn new(x: Vec<f64>, y: Vec<f64>, ang_speed: Vec<f64>) -> Result<Particles> {
        let n = x.len();
        validate::at_least("particles", n, 1)?;
        for (name, len) in [("y", y.len()), ("ang_speed", ang_speed.len())] {
            same_len_as_x(name, len, n)?;
        }
        for (name, values) in [("x", &x), ("y", &y), ("ang_speed", &ang_speed)] {
            for &value in values {
                validate::finite(name, value)?;
            }
        }
        for (i, (&xi, &yi)) in x.iter().zip(&y).enumerate() {
            let r2 = xi * xi + yi * yi;
            if !(r2.is_finite() && r2 >= f64::MIN_POSITIVE) {
                return Err(Error::out_of_range(
                    "particle position",
                    format_args!("({xi}, {yi}) at index {i}"),
                    "a point away from the origin whose x² + y² is a finite, normal double",
                ));
            }
        }
        Ok(Particles { x, y, ang_speed })
    }

    /// Particles from `(x, y, ang_speed)` triples, the published notation.
    ///
    /// # Errors
    /// As [`Particles::new`].
    ///
    /// ```
    /// use particles::Particles;
    /// let ps = Particles::from_triples(&[(0.3, 0.5, 1.0), (0.0, -0.5, -1.0)])?;
    /// assert_eq!(ps.y(), &[0.5, -0.5]);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn from_triples(triples: &[(f64, f64, f64)]) -> Result<Particles> {
        Particles::new(
            triples.iter().map(|t| t.0).collect(),
            triples.iter().map(|t| t.1).collect(),
            triples.iter().map(|t| t.2).collect(),
        )
    }

    /// `n` particles with `x`, `y` and `ang_speed` uniform in `[-1, 1)`, as
    /// the published benchmark draws them. The stream is
    /// `Xoshiro256PlusPlus::seed_from_u64(seed)`, drawing `x, y, ang_speed`
    /// per particle (53-bit uniform floats), so a seed always gives the same
    /// particles. A position at the origin (probability 2⁻¹⁰⁶) is redrawn.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] `"n"` for `n = 0`, [`Error::TooLarge`] `"n"`
    /// when the three arrays could not be allocated.
    ///
    /// ```
    /// use particles::Particles;
    /// let a = Particles::random(1000, 7)?;
    /// assert_eq!(a, Particles::random(1000, 7)?);
    /// assert!(a.ang_speed().iter().all(|w| (-1.0..1.0).contains(w)));
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn random(n: usize, seed: u64) -> Result<Particles> {
        validate::grid_len::<f64>("n", n, 3)?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut uniform = || 2.0 * unit_f64(&mut rng) - 1.0;
        let (mut x, mut y, mut ang_speed) = (
            Vec::with_capacity(n),
            Vec::with_capacity(n),
            Vec::with_capacity(n),
        );
        for _ in 0..n {
            let (mut xi, mut yi) = (uniform(), uniform());
            while xi == 0.0 && yi == 0.0 {
                (xi, yi) = (uniform(), uniform());
            }
            x.push(xi);
            y.push(yi);
            ang_speed.push(uniform());
        }
        Particles::new(x, y, ang_speed)
    }

    /// The three particles of the published test: `(0.3, 0.5, +1)`,
    /// `(0.0, -0.5, -1)`, `(-0.1, -0.4, +3)`. See [`crate::published`] for
    /// the expected positions after `evolve(0.1)`.
    ///
    /// ```
    /// let ps = particles::Particles::published_test();
    /// assert_eq!(ps.ang_speed(), &[1.0, -1.0, 3.0]);
    /// ```
    #[must_use]
    pub fn published_test() -> Particles {
        Particles {
            x: vec![0.3, 0.0, -0.1],
            y: vec![0.5, -0.5, -0.4],
            ang_speed: vec![1.0, -1.0, 3.0],
        }
    }

    /// The x coordinates.
    ///
    /// ```
    /// assert_eq!(particles::Particles::published_test().x(), &[0.3, 0.0, -0.1]);
    /// ```
    #[must_use]
    pub fn x(&self) -> &[f64] {
        &self.x
    }

    /// The y coordinates.
    ///
    /// ```
    /// assert_eq!(particles::Particles::published_test().y(), &[0.5, -0.5, -0.4]);
    /// ```
    #[must_use]
    pub fn y(&self) -> &[f64] {
        &self.y
    }

    /// The angular speeds.
    ///
    /// ```
    /// assert_eq!(particles::Particles::published_test().ang_speed()[2], 3.0);
    /// ```
    #[must_use]
    pub fn ang_speed(&self) -> &[f64] {
        &self.ang_speed
    }

    /// Number of particles (at least one).
    ///
    /// ```
    /// assert_eq!(particles::Particles::published_test().len(), 3);
    /// ```
    #[must_use]
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// Always `false`: constructors reject an empty set.
    ///
    /// ```
    /// assert!(!particles::Particles::published_test().is_empty());
    /// ```
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Each particle's distance from the origin, `sqrt(x² + y²)`.
    ///
    /// ```
    /// let ps = particles::Particles::from_triples(&[(3.0, 4.0, 1.0)])?;
    /// assert_eq!(ps.radii(), vec![5.0]);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn radii(&self) -> Vec<f64> {
        self.x
            .iter()
            .zip(&self.y)
            .map(|(x, y)| (x * x + y * y).sqrt())
            .collect()
    }

    /// The particles as `(x, y, ang_speed)` triples.
    ///
    /// ```
    /// let ps = particles::Particles::published_test();
    /// assert_eq!(ps.to_triples()[1], (0.0, -0.5, -1.0));
    /// ```
    #[must_use]
    pub fn to_triples(&self) -> Vec<(f64, f64, f64)> {
        (0..self.len())
            .map(|i| (self.x[i], self.y[i], self.ang_speed[i]))
            .collect()
    }

    /// Evolves in place over the time span `dt` (that is
    /// [`steps_for`]`(dt)` steps) with `method`, on backend `B` with the
    /// static schedule. The same as [`Evolve`], without the copy.
    ///
    /// # Errors
    /// Names `"dt"`: as [`steps_for`], and [`Error::OutOfRange`] when the
    /// span would carry a particle so far out that `x² + y²` overflows
    /// (see [`Particles::evolve_steps`]). On error the particles are unchanged.
    ///
    /// ```
    /// use kernels_core::Serial;
    /// use particles::{Method, Particles};
    /// let mut ps = Particles::published_test();
    /// ps.evolve::<Serial>(0.1, Method::Exact)?;
    /// let r = (0.3_f64 * 0.3 + 0.5 * 0.5).sqrt();
    /// assert!((ps.radii()[0] - r).abs() < 1e-15);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn evolve<B: Backend>(&mut self, dt: f64, method: Method) -> Result<()> {
        let steps = steps_for(dt)?;
        self.check_span("dt", dt, steps, method)?;
        self.advance::<B>(steps, method, Schedule::Static, Isa::selected());
        Ok(())
    }

    /// Evolves in place by exactly `steps` Euler steps of [`TIMESTEP`] (for
    /// [`Method::Exact`]: by the time span `steps·TIMESTEP`), on backend `B`
    /// with `schedule`. Zero steps leave the particles unchanged.
    ///
    /// Particles are independent, so each chunk of particles runs all of its
    /// steps before the next: the same numbers, bit for bit, as the published
    /// loop with the steps outside and the particles inside.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] `"steps"` when the Euler methods would carry a
    /// particle so far out that `x² + y²` overflows (after `k` steps it is
    /// `r₀² + k·(TIMESTEP·ang_speed)²`, required to stay below `f64::MAX / 4`),
    /// or the exact rotation angle `ang_speed·steps·TIMESTEP / r` is not
    /// finite. On error the particles are unchanged.
    ///
    /// ```
    /// use kernels_core::{Parallel, Schedule, Serial};
    /// use particles::{Method, Particles};
    /// let mut a = Particles::random(500, 1)?;
    /// let mut b = a.clone();
    /// a.evolve_steps::<Serial>(100, Method::Hoisted, Schedule::Static)?;
    /// b.evolve_steps::<Parallel>(100, Method::Hoisted, Schedule::Dynamic)?;
    /// assert_eq!(a, b);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn evolve_steps<B: Backend>(
        &mut self,
        steps: u64,
        method: Method,
        schedule: Schedule,
    ) -> Result<()> {
        self.check_span("steps", steps, steps, method)?;
        self.advance::<B>(steps, method, schedule, Isa::selected());
        Ok(())
    }

    /// Checks that `steps` steps of `method` keep every number finite;
    /// errors name `name` with the caller's `value`.
    fn check_span(
        &self,
        name: &'static str,
        value: impl fmt::Display,
        steps: u64,
        method: Method,
    ) -> Result<()> {
        let span = steps as f64 * TIMESTEP;
        let ok = |(&x, &y, &w): (&f64, &f64, &f64)| {
            let r2 = x * x + y * y;
            match method {
                Method::Textbook | Method::Hoisted => {
                    let t = TIMESTEP * w;
                    r2 + steps as f64 * (t * t) <= R2_LIMIT
                }
                Method::Exact => (w * span / r2.sqrt()).is_finite(),
            }
        };
        let all_ok = self
            .x
            .iter()
            .zip(&self.y)
            .zip(&self.ang_speed)
            .map(|((x, y), w)| (x, y, w))
            .all(ok);
        if steps == 0 || all_ok {
            Ok(())
        } else {
            Err(Error::out_of_range(
                name,
                value,
                "a span over which x² + y² (Euler) or the rotation angle (exact) stays finite",
            ))
        }
    }

    /// The one routine that moves particles: chunks of [`CHUNK`] particles on
    /// backend `B`, each running [`evolve_chunk`]. Cannot fail once
    /// [`Particles::check_span`] has passed.
    fn advance<B: Backend>(&mut self, steps: u64, method: Method, schedule: Schedule, isa: Isa) {
        if steps == 0 {
            return;
        }
        B::for_each_chunk(
            (&mut self.x[..], &mut self.y[..], &self.ang_speed[..]),
            CHUNK,
            schedule,
            |_, (x, y, ang_speed): (&mut [f64], &mut [f64], &[f64])| {
                evolve_chunk(x, y, ang_speed, steps, method, isa);
            },
        );
    }
}

/// Checks that the array `name` has `len` entries, like `x` (`n`), naming
/// it in an [`Error::ShapeMismatch`] otherwise.
pub(crate) fn same_len_as_x(name: &'static str, len: usize, n: usize) -> Result<()> {
    if len == n {
        Ok(())
    } else {
        Err(Error::ShapeMismatch {
            name,
            expected: format!("[{n}] (the length of x)"),
            found: format!("[{len}]"),
        })
    }
}

/// A uniform double in `[0, 1)` from the top 53 bits of one draw.
pub(crate) fn unit_f64(rng: &mut Xoshiro256PlusPlus) -> f64 {
    const SCALE: f64 = 1.0 / (1_u64 << 53) as f64;
    (rng.next_u64() >> 11) as f64 * SCALE
}

/// Moves one chunk of particles by `steps` steps of `method`, with the hot
/// loop compiled for `isa` (which the caller checked is supported).
fn evolve_chunk(
    x: &mut [f64],
    y: &mut [f64],
    ang_speed: &[f64],
    steps: u64,
    method: Method,
    isa: Isa,
) {
    match method {
        Method::Textbook => euler_chunk::<false>(x, y, ang_speed, steps, isa),
        Method::Hoisted => euler_chunk::<true>(x, y, ang_speed, steps, isa),
        // sin and cos stay scalar libm calls: a vector sin/cos would round
        // differently, and this method costs one step per particle anyway.
        Method::Exact => exact_chunk(x, y, ang_speed, steps as f64 * TIMESTEP),
    }
}

/// The published Euler step for one particle, `t = TIMESTEP·ang_speed`.
#[inline(always)]
fn textbook_step(x: f64, y: f64, t: f64) -> (f64, f64) {
    let norm = (x * x + y * y).sqrt();
    let v_x = -y / norm;
    let v_y = x / norm;
    (x + t * v_x, y + t * v_y)
}

/// The hoisted Euler step for one particle, `t = TIMESTEP·ang_speed`.
#[inline(always)]
fn hoisted_step(x: f64, y: f64, t: f64) -> (f64, f64) {
    let norm = (x * x + y * y).sqrt();
    (x - t * y / norm, y + t * x / norm)
}

/// Runs the Euler steps with the code of `isa`. AVX-512 has its own loop
/// ([`crate::fma_exact`]) that moves both divisions off the divide/square-root
/// unit onto the FMA units, still correctly rounded. AVX2 and the SSE2
/// baseline run [`euler_lanes`] with 16 (four ymm vectors) or 8 (four xmm
/// vectors) particles per group: four independent vectors keep the divider
/// busy while each one waits out the ~60-cycle latency of its own step.
fn euler_chunk<const HOISTED: bool>(
    x: &mut [f64],
    y: &mut [f64],
    ang_speed: &[f64],
    steps: u64,
    isa: Isa,
) {
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `isa` came through `Isa::require` or `Isa::selected`, so
        // this CPU has AVX-512 F/DQ/VL/BW.
        Isa::Avx512 => unsafe { crate::fma_exact::euler_avx512::<HOISTED>(x, y, ang_speed, steps) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `isa` came through `Isa::require` or `Isa::selected`, so
        // this CPU has AVX2 and FMA.
        Isa::Avx2 => unsafe { euler_avx2::<HOISTED>(x, y, ang_speed, steps) },
        _ => euler_lanes::<8, HOISTED>(x, y, ang_speed, steps),
    }
}

/// [`euler_lanes`] compiled for AVX2 (FMA enabled for code generation only:
/// no `mul_add` is written, and Rust never fuses on its own).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn euler_avx2<const HOISTED: bool>(x: &mut [f64], y: &mut [f64], ang_speed: &[f64], steps: u64) {
    euler_lanes::<16, HOISTED>(x, y, ang_speed, steps);
}

/// Runs `f` on the particles in groups of exactly `W`, copied into arrays:
/// `x`, `y` and the time factors `t = TIMESTEP·ang_speed`, written back
/// afterwards. Unused lanes of a last, partial group copy the group's first
/// particle: they follow its path, so they never take a slow path it would
/// not take anyway, and are never written back.
#[inline(always)]
pub(crate) fn for_each_group<const W: usize>(
    x: &mut [f64],
    y: &mut [f64],
    ang_speed: &[f64],
    mut f: impl FnMut(&mut [f64; W], &mut [f64; W], &[f64; W]),
) {
    let groups = x
        .chunks_mut(W)
        .zip(y.chunks_mut(W))
        .zip(ang_speed.chunks(W));
    for ((xs, ys), ws) in groups {
        let k = xs.len();
        let mut gx = [xs[0]; W];
        let mut gy = [ys[0]; W];
        let mut gt = [TIMESTEP * ws[0]; W];
        gx[..k].copy_from_slice(xs);
        gy[..k].copy_from_slice(ys);
        for (t, w) in gt.iter_mut().zip(ws) {
            *t = TIMESTEP * w;
        }
        f(&mut gx, &mut gy, &gt);
        xs.copy_from_slice(&gx[..k]);
        ys.copy_from_slice(&gy[..k]);
    }
}

/// The hot loop: Euler steps for a chunk of particles, `W` particles at a
/// time ([`for_each_group`]). Within a group the step loop is outside and
/// the lane loop inside, so the `W` independent sqrt/divide chains overlap
/// and map onto SIMD lanes (the fixed-size lane loop is vectorised by the
/// compiler for the enclosing function's instruction set: the same IEEE
/// operations in the same order, so every width gives the same bits).
#[inline(always)]
fn euler_lanes<const W: usize, const HOISTED: bool>(
    x: &mut [f64],
    y: &mut [f64],
    ang_speed: &[f64],
    steps: u64,
) {
    for_each_group::<W>(x, y, ang_speed, |gx, gy, gt| {
        for _ in 0..steps {
            for lane in 0..W {
                let (nx, ny) = if HOISTED {
                    hoisted_step(gx[lane], gy[lane], gt[lane])
                } else {
                    textbook_step(gx[lane], gy[lane], gt[lane])
                };
                gx[lane] = nx;
                gy[lane] = ny;
            }
        }
    });
}

/// Exact rotation of a chunk of particles over the time span `span`.
fn exact_chunk(x: &mut [f64], y: &mut [f64], ang_speed: &[f64], span: f64) {
    for ((x, y), w) in x.iter_mut().zip(y.iter_mut()).zip(ang_speed) {
        let r = (*x * *x + *y * *y).sqrt();
        let angle = w * span / r;
        let (s, c) = (angle.sin(), angle.cos());
        (*x, *y) = (*x * c - *y * s, *x * s + *y * c);
    }
}

/// The rotating-particles kernel: evolve a copy of `particles` over `dt` with
/// `method`. Output: the evolved particles.
///
/// Work is counted in *particle-steps* (`n · nsteps`; for [`Method::Exact`]
/// the particle-steps it stands in for), with 10 flops per Euler
/// particle-step (`x·x`, `y·y`, `+`, `sqrt`, 2 divisions, 2 multiplications,
/// 2 additions) or 14 per particle for the exact rotation (sin and cos
/// counted as one each), and 40 bytes per particle (state stays in registers
/// across steps). The default schedule is static: every particle costs the
/// same. The Euler hot loop runs with the kernel's [`Isa`] (see
/// [`Vectorized`]); every [`Isa`] gives the same bits. [`Particles::evolve`]
/// and [`Particles::evolve_steps`] use [`Isa::selected`].
///
/// ```
/// use kernels_core::{Kernel, Parallel, Serial};
/// use particles::{Evolve, Method, Particles};
///
/// let kernel = Evolve::new(Particles::random(1000, 42)?, 0.01, Method::Textbook)?;
/// let out = kernel.run::<Parallel>();
/// assert_eq!(out, kernel.run::<Serial>());
/// assert_eq!(kernel.work(&out).items, 1000 * 999);
/// # Ok::<(), kernels_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Evolve {
    particles: Particles,
    dt: f64,
    steps: u64,
    method: Method,
    isa: Isa,
}

impl Evolve {
    /// A kernel evolving `particles` over the span `dt` with `method`.
    ///
    /// # Errors
    /// Names `"dt"`: as [`steps_for`]; [`Error::OutOfRange`] when the
    /// span would overflow `x² + y²` or the rotation angle (see
    /// [`Particles::evolve_steps`]) or when the flop count
    /// `10 · n · nsteps` does not fit in `u64`.
    ///
    /// ```
    /// use particles::{Evolve, Method, Particles};
    /// let kernel = Evolve::new(Particles::published_test(), 0.1, Method::Hoisted)?;
    /// assert_eq!(kernel.steps(), 10_000);
    /// let err = Evolve::new(Particles::published_test(), -1.0, Method::Hoisted).unwrap_err();
    /// assert_eq!(err.parameter(), "dt");
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    pub fn new(particles: Particles, dt: f64, method: Method) -> Result<Evolve> {
        let steps = steps_for(dt)?;
        let countable = (particles.len() as u64)
            .checked_mul(steps)
            .and_then(|items| items.checked_mul(EULER_FLOPS_PER_STEP))
            .is_some();
        if !countable {
            return Err(Error::out_of_range(
                "dt",
                dt,
                "a span whose flop count 10 · n · nsteps fits in u64",
            ));
        }
        particles.check_span("dt", dt, steps, method)?;
        Ok(Evolve {
            particles,
            dt,
            steps,
            method,
            isa: Isa::selected(),
        })
    }

    /// The particles before evolving.
    ///
    /// ```
    /// use particles::{Evolve, Method, Particles};
    /// let kernel = Evolve::new(Particles::published_test(), 0.1, Method::Textbook)?;
    /// assert_eq!(kernel.particles().len(), 3);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn particles(&self) -> &Particles {
        &self.particles
    }

    /// The time span as given.
    ///
    /// ```
    /// use particles::{Evolve, Method, Particles};
    /// let kernel = Evolve::new(Particles::published_test(), 0.01, Method::Textbook)?;
    /// assert_eq!(kernel.dt(), 0.01);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn dt(&self) -> f64 {
        self.dt
    }

    /// The number of steps, [`steps_for`]`(dt)`.
    ///
    /// ```
    /// use particles::{Evolve, Method, Particles};
    /// let kernel = Evolve::new(Particles::published_test(), 0.01, Method::Textbook)?;
    /// assert_eq!(kernel.steps(), 999);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// The stepping method.
    ///
    /// ```
    /// use particles::{Evolve, Method, Particles};
    /// let kernel = Evolve::new(Particles::published_test(), 0.1, Method::Exact)?;
    /// assert_eq!(kernel.method(), Method::Exact);
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    #[must_use]
    pub fn method(&self) -> Method {
        self.method
    }
}

impl Vectorized for Evolve {
    /// The instruction set the Euler hot loop runs with ([`Isa::selected`]
    /// unless changed). Every level gives the same bits.
    ///
    /// ```
    /// use kernels_core::{Isa, Vectorized};
    /// use particles::{Evolve, Method, Particles};
    /// let kernel = Evolve::new(Particles::published_test(), 0.1, Method::Textbook)?;
    /// assert_eq!(kernel.isa(), Isa::selected());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn isa(&self) -> Isa {
        self.isa
    }

    /// The same kernel with its hot loop compiled for `isa`.
    ///
    /// # Errors
    /// [`Error::OutOfRange`] `"isa"` when this CPU does not support `isa`.
    ///
    /// ```
    /// use kernels_core::{Isa, Kernel, Serial, Vectorized};
    /// use particles::{Evolve, Method, Particles};
    /// let kernel = Evolve::new(Particles::random(100, 1)?, 0.001, Method::Textbook)?;
    /// let scalar = kernel.clone().with_isa(Isa::Scalar)?;
    /// assert_eq!(kernel.run::<Serial>(), scalar.run::<Serial>());
    /// # Ok::<(), kernels_core::Error>(())
    /// ```
    fn with_isa(self, isa: Isa) -> Result<Evolve> {
        Ok(Evolve {
            isa: isa.require()?,
            ..self
        })
    }
}

impl Kernel for Evolve {
    type Output = Particles;

    fn run_with<B: Backend>(&self, schedule: Schedule) -> Particles {
        let mut particles = self.particles.clone();
        particles.advance::<B>(self.steps, self.method, schedule, self.isa);
        particles
    }

    fn default_schedule(&self) -> Schedule {
        Schedule::Static
    }

    fn work(&self, _: &Particles) -> Work {
        let n = self.particles.len() as u64;
        let items = n * self.steps;
        let flops = match self.method {
            Method::Textbook | Method::Hoisted => items * EULER_FLOPS_PER_STEP,
            Method::Exact => n * EXACT_FLOPS_PER_PARTICLE,
        };
        Work::new(items, "particle-steps")
            .with_flops(flops)
            .with_bytes(n * BYTES_PER_PARTICLE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn published_step_counts() {
        assert_eq!(steps_for(0.01), Ok(999));
        assert_eq!(steps_for(0.1), Ok(10_000));
        assert_eq!(steps_for(TIMESTEP), Ok(1));
        // As in Python, int(1.0 / 1e-5) == 99999: 1e-5 is slightly above 1/100000.
        assert_eq!(steps_for(1.0), Ok(99_999));
    }

    #[test]
    fn published_span_is_exactly_dt() {
        // So the exact method rotates by ang_speed·dt/r for the published case.
        assert_eq!(10_000_f64 * TIMESTEP, 0.1);
    }

    #[test]
    fn a_zero_time_factor_leaves_a_particle_in_place() {
        let (x, y) = textbook_step(1.0, 0.0, 0.0);
        assert_eq!((x, y), (1.0, 0.0));
        let (x, y) = hoisted_step(1.0, 0.0, 0.0);
        assert_eq!((x, y), (1.0, 0.0));
    }

    #[test]
    fn one_textbook_step_by_hand() {
        // (3, 4), r = 5, v = (-0.8, 0.6), t = 0.5.
        assert_eq!(textbook_step(3.0, 4.0, 0.5), (3.0 - 0.4, 4.0 + 0.3));
    }

    #[test]
    fn partial_lane_groups_are_written_back() {
        // 11 particles: one full group of 8 and a partial group of 3 (for
        // AVX2 and AVX-512: one partial group); 35: partial groups at every
        // width.
        for n in [11, 35] {
            let x0: Vec<f64> = (1..=n).map(f64::from).collect();
            let w = vec![1.0; x0.len()];
            for isa in Isa::supported() {
                let (mut x, mut y) = (x0.clone(), vec![0.0; x0.len()]);
                euler_chunk::<false>(&mut x, &mut y, &w, 1, isa);
                for (i, (xi, yi)) in x.iter().zip(&y).enumerate() {
                    assert_eq!(*xi, (i + 1) as f64, "{isa}");
                    assert_eq!(*yi, TIMESTEP, "{isa}");
                }
            }
        }
    }

    #[test]
    fn work_counts_particle_steps() {
        let kernel = Evolve::new(Particles::published_test(), 0.1, Method::Textbook).unwrap();
        let work = kernel.work(&kernel.run::<kernels_core::Serial>());
        assert_eq!(work.items, 30_000);
        assert_eq!(work.flops, 300_000);
        assert_eq!(work.bytes, 120);
        let exact = Evolve::new(Particles::published_test(), 0.1, Method::Exact).unwrap();
        assert_eq!(exact.work(&exact.particles).flops, 42);
    }

    #[test]
    fn unit_floats_are_in_range() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(0);
        for _ in 0..1000 {
            let u = unit_f64(&mut rng);
            assert!((0.0..1.0).contains(&u));
        }
    }
}
