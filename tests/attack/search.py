"""The exact search: in every space of unknowns, is there a group G of 1..k-1 respondents whose total (of an item,
a score, favourable answers, ...; for the count space: whose size, for a group defined by unit, layer and language)
is a linear combination of the published rows?

G's total is such a combination exactly when its target vector y_G lies in the row space of the published rows M,
that is when N y_G = 0 for a basis N of M's null space. Respondents whose columns are identical in M (and whose
target weights are equal) are in G together or not at all, so they are merged into atoms first; G is then a union
of at most k-1 atoms of total size <= k-1, found by meet-in-the-middle over sums of fingerprints (two random
combinations of N's rows) of one or two atoms.

Arithmetic is exact, modulo primes below 2^24 (integer rows; score rows scaled to integers). A rank over GF(p) can
only be lower than over the rationals when p divides every maximal minor of M (for a prime drawn from a few
million, far less likely than a hardware fault); a lower rank could only hide a breach if it happened for both
primes the search uses (the first searches, the second confirms every candidate). A fingerprint collision can only
propose a candidate, which the second prime then rejects.
"""

import random
from dataclasses import dataclass

import numpy as np

from tests.attack.resolve import Row, Space

PRIMES = (16777213, 16777199)  # the two largest primes below 2^24


def _is_prime(p: int) -> bool:
    return p > 1 and all(p % q for q in range(2, int(p ** 0.5) + 1))


assert all(_is_prime(p) for p in PRIMES)


def rref(m: np.ndarray, p: int) -> tuple[np.ndarray, list[int]]:
    """The reduced row echelon form of `m` over GF(p): its nonzero rows and their pivot columns."""
    a = np.mod(m, p).astype(np.int64)
    rows, cols = a.shape
    pivots: list[int] = []
    r = 0
    for c in range(cols):
        if r == rows:
            break
        nz = np.nonzero(a[r:, c])[0]
        if not len(nz):
            continue
        i = r + int(nz[0])
        if i != r:
            a[[r, i]] = a[[i, r]]
        a[r] = (a[r] * pow(int(a[r, c]), p - 2, p)) % p
        factors = a[:, c].copy()
        factors[r] = 0
        hit = np.nonzero(factors)[0]
        if len(hit):
            a[hit] = (a[hit] - (factors[hit, None] * a[r][None, :]) % p) % p
        pivots.append(c)
        r += 1
    return a[:r], pivots


def in_row_space(reduced: np.ndarray, pivots: list[int], y: np.ndarray, p: int) -> bool:
    y = np.mod(y, p).astype(np.int64)
    for i, c in enumerate(pivots):
        if y[c]:
            y = (y - (y[c] * reduced[i]) % p) % p
    return not y.any()


def fingerprints(reduced: np.ndarray, pivots: list[int], cols: int, p: int, rng: random.Random) -> np.ndarray:
    """(2, cols): two random vectors of M's null space, as linear forms; y is in the row space only if both
    vanish on it."""
    free = np.array([c for c in range(cols) if c not in set(pivots)], dtype=np.int64)
    out = np.zeros((2, cols), dtype=np.int64)
    for t in range(2):
        w = np.array([rng.randrange(1, p) for _ in free], dtype=np.int64)
        out[t, free] = w
        if len(pivots) and len(free):
            acc = np.zeros(len(pivots), dtype=np.int64)
            for start in range(0, len(free), 512):  # products < 2^48: sums of 512 stay below 2^63
                part = reduced[:, free[start:start + 512]] @ w[start:start + 512]
                acc = (acc + part % p) % p
            out[t, pivots] = (-acc) % p
    return out


def zero_subsets(h: np.ndarray, sizes: np.ndarray, most: int, p: int, cap: int) -> list[tuple[int, ...]]:
    """Sets of at most four candidates (rows of `h`, fingerprints mod p) with sizes adding up to 1..`most` whose
    fingerprints add up to zero."""
    m = len(h)
    key = [int(a) * p + int(b) for a, b in h]
    found: list[tuple[int, ...]] = [(i,) for i in range(m) if key[i] == 0 and sizes[i] <= most]
    by_key: dict[int, list[int]] = {}
    for i in range(m):
        by_key.setdefault(key[i], []).append(i)
    pair_sums: dict[int, list[tuple[int, int]]] = {}
    for i in range(m):
        for j in range(i + 1, m):
            if sizes[i] + sizes[j] > most:
                continue
            s = ((h[i] + h[j]) % p)
            sk = int(s[0]) * p + int(s[1])
            if sk == 0:
                found.append((i, j))
            pair_sums.setdefault(sk, []).append((i, j))
            nk = int((-s[0]) % p) * p + int((-s[1]) % p)
            for c in by_key.get(nk, []):  # three
                if c > j and sizes[i] + sizes[j] + sizes[c] <= most:
                    found.append((i, j, c))
            if len(found) >= cap:
                return found[:cap]
    for sk, pairs in pair_sums.items():  # four: two disjoint pairs
        nk = int((-(sk // p)) % p) * p + int((-(sk % p)) % p)
        for i, j in pairs:
            for c, d in pair_sums.get(nk, []):
                if j < c and sizes[i] + sizes[j] + sizes[c] + sizes[d] <= most:
                    found.append((i, j, c, d))
        if len(found) >= cap:
            break
    return found[:cap]


@dataclass
class Breach:
    space: Space
    target: str  # "count", "score", "item:<j>", "pooled", "value"
    respondents: tuple[int, ...]
    rows: list[tuple[float, Row]]  # a combination giving the group's total: (coefficient, row)
    total: float  # what the combination gives, from the published values
    truth: float  # the group's true total

    @property
    def size(self) -> int:
        return len(self.respondents)


@dataclass
class Problem:
    """One space's published rows, over the atoms of its respondents."""

    space: Space
    rows: list[Row]  # distinct rows
    matrix: np.ndarray  # rows x (atoms * width), integers
    atoms: list[np.ndarray]  # respondent indices of each atom
    width: int
    readings: dict[int, set[int]]  # id of a kept row -> the readings that published it

    @classmethod
    def build(cls, space: Space, rows: list[Row], signature: np.ndarray | None = None) -> "Problem | None":
        """`signature`: per respondent, what else must be equal for two respondents to share an atom (the weights
        of their targets)."""
        unique: dict[bytes, Row] = {}
        readings: dict[int, set[int]] = {}
        for row in rows:
            if row.coef.any():
                kept_row = unique.setdefault(row.coef.tobytes(), row)
                readings.setdefault(id(kept_row), set()).add(row.reading)
        if not unique:
            return None
        kept = list(unique.values())
        width = 1 if kept[0].coef.ndim == 1 else kept[0].coef.shape[1]
        stack = np.stack([r.coef.reshape(r.coef.shape[0], width) for r in kept])  # rows x n x width
        n = stack.shape[1]
        blocks = stack.transpose(1, 0, 2).reshape(n, -1)  # per respondent, its coefficients in every row
        present = np.nonzero(blocks.any(axis=1))[0]
        groups: dict[bytes, list[int]] = {}
        for r in present:
            extra = b"" if signature is None else signature[r].tobytes()
            groups.setdefault(blocks[r].tobytes() + extra, []).append(int(r))
        atoms = [np.array(g) for g in groups.values()]
        reps = [int(a[0]) for a in atoms]
        matrix = stack[:, reps, :].reshape(len(kept), -1)
        return cls(space, kept, matrix, atoms, width, readings)


def search(problem: Problem, targets: dict[str, np.ndarray], k: int, rng: random.Random, *,
           closure: np.ndarray | None = None, cap: int = 50) -> list[tuple[str, tuple[int, ...]]]:
    """Groups of 1..k-1 respondents whose total of a target is in the row space: (target, respondents).

    `targets`: per target name, (respondents, width) weights of the unknowns in a respondent's total (0 where the
    respondent does not hold it). `closure`: per respondent a code; a group must hold every respondent of a code
    or none (the count space: groups defined by unit, layer and language)."""
    p = PRIMES[0]
    reduced, pivots = rref(problem.matrix, p)
    cols = problem.matrix.shape[1]
    full = len(pivots) == cols  # every unknown determined: every group is breached
    forms = fingerprints(reduced, pivots, cols, p, rng)
    atoms = problem.atoms
    # candidates: unions of atoms (closed under `closure` for counts)
    if closure is None:
        units = [[i] for i in range(len(atoms))]
    else:
        parent = list(range(len(atoms)))

        def find(x: int) -> int:
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        first: dict[int, int] = {}
        for i, a in enumerate(atoms):
            for code in set(closure[a].tolist()):
                if code in first:
                    parent[find(i)] = find(first[code])
                else:
                    first[code] = i
        merged: dict[int, list[int]] = {}
        for i in range(len(atoms)):
            merged.setdefault(find(i), []).append(i)
        present = np.zeros(len(closure), dtype=bool)
        present[np.concatenate(atoms)] = True
        units = []
        for u in merged.values():  # a group holds all respondents of its codes: each must be in some row
            codes = np.unique(closure[np.concatenate([atoms[i] for i in u])])
            if present[np.isin(closure, codes)].all():
                units.append(u)
    sizes_all = np.array([sum(len(atoms[i]) for i in u) for u in units])
    small = [i for i, size in enumerate(sizes_all) if size < k]
    found: list[tuple[str, tuple[int, ...]]] = []
    second: tuple[np.ndarray, list[int]] | None = None
    for name, weights in targets.items():
        vectors = []
        for i in small:
            y = np.zeros((len(atoms), problem.width), dtype=np.int64)
            for a in units[i]:
                y[a] = weights[atoms[a][0]]
            vectors.append(y.reshape(-1))
        if not vectors:
            continue
        ys = np.stack(vectors)
        holders = np.nonzero(ys.any(axis=1))[0]  # groups are made of respondents who hold the unknown
        ys = ys[holders]
        h = np.zeros((len(ys), 2), dtype=np.int64) if full else (ys @ forms.T) % p
        for combo in zero_subsets(h, sizes_all[small][holders], k - 1, p, cap):
            y = ys[list(combo)].sum(axis=0)
            if not in_row_space(reduced, pivots, y, p):
                continue
            if second is None:
                second = rref(problem.matrix, PRIMES[1])
            if not in_row_space(*second, y, PRIMES[1]):
                continue
            members = tuple(sorted(int(r) for i in combo for a in units[small[holders[i]]] for r in atoms[a]))
            found.append((name, members))
    return found


def search_groups(matrix: np.ndarray, sizes: np.ndarray, k: int, cap: int = 20) -> list[np.ndarray]:
    """Unions of atoms (unit x layer x language, empty ones included) with 1..k-1 respondents whose size is a
    linear combination of the published counts: binary a with M^T lambda = a, 1 <= sizes . a <= k-1, by integer
    programming (HiGHS), each solution confirmed exactly modulo both primes, then cut off (its respondents must
    differ) and searched again."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    m = np.unique(matrix[matrix.any(axis=1)], axis=0)
    if not len(m) or sizes.sum() == 0:
        return []
    rows, atoms = m.shape
    reduced = [rref(m, p) for p in PRIMES]
    # variables: lambda (rows, free), a (atoms, binary)
    equal = LinearConstraint(np.hstack([m.T.astype(np.float64), -np.eye(atoms)]), 0, 0)
    size = LinearConstraint(np.concatenate([np.zeros(rows), sizes.astype(np.float64)])[None, :], 1, k - 1)
    constraints = [equal, size]
    integrality = np.concatenate([np.zeros(rows), np.ones(atoms)])
    bounds = Bounds(np.concatenate([np.full(rows, -np.inf), np.zeros(atoms)]),
                    np.concatenate([np.full(rows, np.inf), np.ones(atoms)]))
    real = sizes > 0
    found: list[np.ndarray] = []
    for _ in range(cap):
        result = milp(np.zeros(rows + atoms), constraints=constraints, integrality=integrality, bounds=bounds)
        if result.status != 0 or result.x is None:
            break
        a = np.rint(result.x[rows:]).astype(np.int64)
        if all(in_row_space(r, pv, a, p) for (r, pv), p in zip(reduced, PRIMES, strict=True)) and \
                1 <= int(sizes @ a) < k:
            found.append(a)
        # cut: the next solution must differ in a non-empty atom
        cut = np.zeros(rows + atoms)
        chosen = real & (a == 1)
        cut[rows:][chosen] = -1
        cut[rows:][real & (a == 0)] = 1
        constraints.append(LinearConstraint(cut[None, :], 1 - int(chosen.sum()), np.inf))
    return found
