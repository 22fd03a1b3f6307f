"""NumPy (and, when installed, Numba) versions of the published cases.

The bench crate's `report --python` runs this script once per case, just
before it times the same case in Rust, and prints the times side by side. Each case is
the idea of the book's fast Python version, written here from the problem
definitions in PROBLEMS.md. Output: one JSON object per line.

Exit code 3 (with a message on stderr) means NumPy is missing.
Install both tools with:  python3 -m pip install numpy numba
"""

import argparse
import json
import math
import sys
import time

try:
    import numpy as np
except ImportError:
    print("numpy is not installed: python3 -m pip install numpy numba", file=sys.stderr)
    sys.exit(3)

try:
    import numba
    from numba import njit, prange
except ImportError:
    numba = None


def timed(fn, repeat):
    fn()  # warm-up (and Numba's compilation)
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    times.sort()
    return result, times


# ---------- Julia ----------
def julia_coords(w):
    """The published coordinate lists, built by repeated addition."""
    x1, x2, y1, y2 = -1.8, 1.8, -1.8, 1.8
    x_step = (x2 - x1) / w
    y_step = (y1 - y2) / w
    xs, ys = [], []
    y = y2
    while y > y1:
        ys.append(y)
        y += y_step
    x = x1
    while x < x2:
        xs.append(x)
        x += x_step
    return np.array(xs[:w]), np.array(ys[:w])


def julia_numpy(xs, ys, cr, ci, max_iter):
    zr = np.tile(xs, len(ys))
    zi = np.repeat(ys, len(xs))
    counts = np.zeros(zr.shape, dtype=np.int64)
    active = np.arange(zr.size)
    for _ in range(max_iter):
        r, i = zr[active], zi[active]
        inside = r * r + i * i < 4.0
        active = active[inside]
        counts[active] += 1
        r, i = r[inside], i[inside]
        zr[active] = r * r - i * i + cr
        zi[active] = 2.0 * r * i + ci
        if active.size == 0:
            break
    return counts


if numba is not None:

    @njit(parallel=True, fastmath=False)
    def julia_numba(xs, ys, cr, ci, max_iter):
        counts = np.zeros((len(ys), len(xs)), dtype=np.int64)
        for j in prange(len(ys)):
            for i in range(len(xs)):
                zr, zi = xs[i], ys[j]
                n = 0
                while n < max_iter and zr * zr + zi * zi < 4.0:
                    zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                    n += 1
                counts[j, i] = n
        return counts


# ---------- Plate ----------
def plate_numpy(terms=15, points=101):
    """The separable algorithm: sine tables and two matrix products."""
    a = b = 1.0
    h, E, nu, P, xi, eta = 0.05, 69e9, 0.35, 10e3, 0.5, 0.5
    D = h**3 * E / (12 * (1 - nu**2))
    m = np.arange(1, terms + 1)[:, None]
    n = np.arange(1, terms + 1)[None, :]
    amn = 4 * P * np.sin(m * np.pi * xi / a) * np.sin(n * np.pi * eta / b) / (a * b)
    coef = amn / (np.pi**4 * D) / (m**2 / a**2 + n**2 / b**2) ** 2
    x = np.linspace(0, a, points)
    y = np.linspace(0, b, points)
    sx = np.sin(np.arange(1, terms + 1)[:, None] * np.pi * x[None, :] / a)
    sy = np.sin(y[:, None] * np.arange(1, terms + 1)[None, :] * np.pi / b)
    w = sy @ coef.T @ sx
    return w, P * a**2 / D


if numba is not None:

    @njit(parallel=True)
    def plate_numba(terms, points):
        a = b = 1.0
        h, E, nu, P, xi, eta = 0.05, 69e9, 0.35, 10e3, 0.5, 0.5
        D = h**3 * E / (12 * (1 - nu**2))
        x = np.linspace(0, a, points)
        y = np.linspace(0, b, points)
        w = np.zeros((points, points))
        for j in prange(points):
            for i in range(points):
                s = 0.0
                for m in range(1, terms + 1):
                    for n in range(1, terms + 1):
                        amn = 4 * P * math.sin(m * math.pi * xi / a) * math.sin(n * math.pi * eta / b) / (a * b)
                        s += (amn / (math.pi**4 * D) / (m**2 / a**2 + n**2 / b**2) ** 2
                              * math.sin(m * math.pi * x[i] / a) * math.sin(n * math.pi * y[j] / b))
                w[j, i] = s
        return w


# ---------- Particles ----------
def particles_numpy(x, y, ang, nsteps, timestep=1e-5):
    x, y = x.copy(), y.copy()
    t = timestep * ang
    for _ in range(nsteps):
        norm = np.sqrt(x * x + y * y)
        vx = -y / norm
        vy = x / norm
        x, y = x + t * vx, y + t * vy
    return x, y


if numba is not None:

    @njit(parallel=True)
    def particles_numba(x, y, ang, nsteps, timestep=1e-5):
        x, y = x.copy(), y.copy()
        for p in prange(len(x)):
            px, py, w = x[p], y[p], ang[p]
            for _ in range(nsteps):
                norm = math.sqrt(px * px + py * py)
                vx = -py / norm
                vy = px / norm
                px, py = px + timestep * w * vx, py + timestep * w * vy
            x[p], y[p] = px, py
        return x, y


# ---------- Distance matrix ----------
def distance_numpy(x, y):
    return np.sqrt((x[None, :] - x[:, None]) ** 2 + (y[None, :] - y[:, None]) ** 2)


if numba is not None:

    @njit(parallel=True)
    def distance_numba(x, y):
        n = len(x)
        out = np.empty((n, n))
        for i in prange(n):
            for j in range(n):
                dx = x[j] - x[i]
                dy = y[j] - y[i]
                out[i, j] = math.sqrt(dx * dx + dy * dy)
        return out


# ---------- Diffusion ----------
def diffusion_numpy(grid, steps, D=1.0, dt=0.1):
    u = grid.copy()
    nxt = np.empty_like(u)
    for _ in range(steps):
        nxt[:] = u
        nxt *= -4
        nxt += np.roll(u, 1, 0)
        nxt += np.roll(u, -1, 0)
        nxt += np.roll(u, 1, 1)
        nxt += np.roll(u, -1, 1)
        nxt *= D * dt
        nxt += u
        u, nxt = nxt, u
    return u


if numba is not None:

    @njit(parallel=True)
    def diffusion_numba(grid, steps, D=1.0, dt=0.1):
        # Periodic wrap resolved once per row and for the two edge columns,
        # so the inner loop is a plain stencil Numba can vectorise.
        u = grid.copy()
        nxt = np.empty_like(u)
        nx, ny = u.shape
        k = D * dt
        for _ in range(steps):
            for i in prange(nx):
                up = i - 1 if i > 0 else nx - 1
                down = i + 1 if i < nx - 1 else 0
                nxt[i, 0] = u[i, 0] + k * (u[down, 0] + u[up, 0] + u[i, 1] + u[i, ny - 1] - 4.0 * u[i, 0])
                for j in range(1, ny - 1):
                    nxt[i, j] = u[i, j] + k * (u[down, j] + u[up, j] + u[i, j + 1] + u[i, j - 1] - 4.0 * u[i, j])
                nxt[i, ny - 1] = u[i, ny - 1] + k * (u[down, ny - 1] + u[up, ny - 1] + u[i, 0]
                                                      + u[i, ny - 2] - 4.0 * u[i, ny - 1])
            u, nxt = nxt, u
        return u


def diffusion_initial(n):
    grid = np.zeros((n, n))
    lo, hi = int(0.4 * n), int(0.5 * n)
    grid[lo:hi, lo:hi] = 0.005
    return grid


# ---------- Monte Carlo ----------
def pi_numpy(samples, seed=42):
    rng = np.random.default_rng(seed)
    hits = 0
    chunk = 1_000_000
    done = 0
    while done < samples:
        k = min(chunk, samples - done)
        x = rng.uniform(-1, 1, k)
        y = rng.uniform(-1, 1, k)
        hits += int(np.count_nonzero(x * x + y * y <= 1.0))
        done += k
    return 4.0 * hits / samples


if numba is not None:

    @njit(parallel=True)
    def pi_numba(samples):
        hits = 0
        for _ in prange(samples):
            x = np.random.uniform(-1.0, 1.0)
            y = np.random.uniform(-1.0, 1.0)
            if x * x + y * y <= 1.0:
                hits += 1
        return 4.0 * hits / samples


def emit(case, tool, times, answer):
    print(json.dumps({
        "case": case,
        "tool": tool,
        "median_s": times[len(times) // 2],
        "min_s": times[0],
        "answer": answer,
    }), flush=True)


PUBLISHED = ["julia", "plate", "particles", "distance", "diffusion", "montecarlo"]
LARGE = ["julia_large", "particles_large", "plate_large", "diffusion_large",
         "montecarlo_large", "distance_large"]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cases", default=",".join(PUBLISHED),
                        help="comma-separated keys: " + ", ".join(PUBLISHED + LARGE))
    parser.add_argument("--large", action="store_true",
                        help="also every larger speed-target case (Numba; NumPy for the plate)")
    args = parser.parse_args()
    cases = set(args.cases.split(",")) | (set(LARGE) if args.large else set())
    unknown = cases - set(PUBLISHED + LARGE)
    if unknown:
        parser.error("unknown case(s): " + ", ".join(sorted(unknown)))
    r = args.repeat
    tools = ["numpy"] + (["numba"] if numba is not None else [])
    print(json.dumps({"tools": tools, "numpy": np.__version__,
                      "numba": None if numba is None else numba.__version__}), flush=True)

    if "julia" in cases:
        xs, ys = julia_coords(1000)
        c = (-0.62772, -0.42193)
        counts, t = timed(lambda: julia_numpy(xs, ys, c[0], c[1], 300), max(1, r // 2))
        emit("julia", "numpy", t, {"sum": int(counts.sum())})
        if numba is not None:
            counts, t = timed(lambda: julia_numba(xs, ys, c[0], c[1], 300), r)
            emit("julia", "numba", t, {"sum": int(counts.sum())})

    if "plate" in cases:
        (w, scale), t = timed(lambda: plate_numpy(), r * 10)
        emit("plate", "numpy", t, {"w_max_mm": float(np.abs(w).max() * 1e3)})
        if numba is not None:
            w, t = timed(lambda: plate_numba(15, 101), r * 10)
            emit("plate", "numba", t, {"w_max_mm": float(np.abs(w).max() * 1e3)})

    if "particles" in cases:
        rng = np.random.default_rng(42)
        x, y, ang = (rng.uniform(-1, 1, 1000) for _ in range(3))
        nsteps = int(0.1 / 1e-5)
        (px, py), t = timed(lambda: particles_numpy(x, y, ang, nsteps), 1)
        emit("particles", "numpy", t, {"sum_x": float(px.sum())})
        if numba is not None:
            (px, py), t = timed(lambda: particles_numba(x, y, ang, nsteps), r)
            emit("particles", "numba", t, {"sum_x": float(px.sum())})

    if "distance" in cases:
        rng = np.random.default_rng(42)
        x, y = rng.random(10_000), rng.random(10_000)
        d, t = timed(lambda: distance_numpy(x, y), 1)
        emit("distance", "numpy", t, {"sum": float(d.sum())})
        del d
        if numba is not None:
            d, t = timed(lambda: distance_numba(x, y), r)
            emit("distance", "numba", t, {"sum": float(d.sum())})
            del d

    if "diffusion" in cases:
        grid = diffusion_initial(512)
        u, t = timed(lambda: diffusion_numpy(grid, 500), 1)
        emit("diffusion", "numpy", t, {"sum": float(u.sum())})
        if numba is not None:
            u, t = timed(lambda: diffusion_numba(grid, 500), r)
            emit("diffusion", "numba", t, {"sum": float(u.sum())})

    if "montecarlo" in cases:
        est, t = timed(lambda: pi_numpy(1_000_000), r)
        emit("montecarlo", "numpy", t, {"estimate": est})
        if numba is not None:
            est, t = timed(lambda: pi_numba(1_000_000), r)
            emit("montecarlo", "numba", t, {"estimate": est})

    large_cases(cases, r)


def large_cases(cases, r):
    """The speed issue's larger cases in `cases`, with the best tool for each."""
    if numba is not None:
        if "julia_large" in cases:
            xs, ys = julia_coords(4001)
            counts, t = timed(lambda: julia_numba(xs, ys, -0.62772, -0.42193, 1000), r)
            emit("julia_large", "numba", t, {"sum": int(counts.sum())})
        if "particles_large" in cases:
            rng = np.random.default_rng(42)
            x, y, ang = (rng.uniform(-1, 1, 100_000) for _ in range(3))
            (px, py), t = timed(lambda: particles_numba(x, y, ang, int(0.01 / 1e-5)), r)
            emit("particles_large", "numba", t, {"sum_x": float(px.sum())})
        if "diffusion_large" in cases:
            u, t = timed(lambda: diffusion_numba(diffusion_initial(2048), 200), r)
            emit("diffusion_large", "numba", t, {"sum": float(u.sum())})
        if "montecarlo_large" in cases:
            est, t = timed(lambda: pi_numba(100_000_000), r)
            emit("montecarlo_large", "numba", t, {"estimate": est})
        if "distance_large" in cases:
            rng = np.random.default_rng(42)
            x, y = rng.random(5000), rng.random(5000)
            d, t = timed(lambda: distance_numba(x, y), r)
            emit("distance_large", "numba", t, {"sum": float(d.sum())})
            del d
    if "plate_large" in cases:
        (w, scale), t = timed(lambda: plate_numpy(100, 1001), r)
        emit("plate_large", "numpy", t, {"w_max_mm": float(np.abs(w).max() * 1e3)})


if __name__ == "__main__":
    main()
