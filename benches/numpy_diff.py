"""NumPy as a differential oracle for ndprof (see benches/numpy_diff).

`gen DIR` writes the inputs and DIR/manifest.txt (one case per line, for
benches/diff/main.rs); `check DIR` runs every case on NumPy and sets its
result against ndprof's DIR/out/<case>.npy (or .err): dtype and shape
exactly, integers and bools exactly, floats to 4 ulps with NaN equal to NaN
and the sign of zero compared. Known, documented differences are counted
apart; any other difference makes the exit status 1.
"""
import itertools
import os
import sys
import warnings

import numpy as np

NAMES = ['bool', 'int8', 'int16', 'int32', 'int64', 'uint8', 'uint16',
         'uint32', 'uint64', 'float32', 'float64']
BINARY = ['add', 'subtract', 'multiply', 'true_divide', 'floor_divide',
          'remainder', 'power', 'maximum', 'minimum']
COMPARE = ['equal', 'not_equal', 'less', 'less_equal', 'greater', 'greater_equal']
UNARY = ['negative', 'absolute', 'square', 'sqrt', 'exp', 'log', 'sin', 'cos']
REDUCE = ['sum', 'mean', 'min', 'max', 'argmin', 'argmax']
SCALARS = {'i:3': 3, 'i:-1': -1, 'i:300': 300, 'i:0': 0, 'f:2.5': 2.5,
           'f:-0.0': -0.0, 'b:true': True, 'u:18446744073709551615': 2**64 - 1}
ARANGE = [(0, 10, 3), (10, 0, -3), (0, 1, 0.1), (0.5, 5, 1.5), (-3, 3, 1),
          (0, 0, 1), (5, 0, 1), (-2.5, 2.5, 0.5), (1, 300, 37), (126, 130, 1),
          (250, 260, 1), (1, -3, -1), (1e8, 1e8 + 40, 3.3), (0, 2, 1), (1, 3, 1)]
LINSPACE = [(0, 1, 5), (0, 10, 0), (3, 7, 1), (-5, 5, 7), (1, 0, 4), (0, 255, 4), (-1, 1, 3)]


def edge(name):
    """Values at the edges of a dtype: limits, zeros of both signs, NaN, inf."""
    dt = np.dtype(name)
    if dt.kind == 'b':
        return np.array([False, True])
    if dt.kind in 'iu':
        i = np.iinfo(dt)
        v = {int(i.min), int(i.min) + 1, 0, 1, 2, 3, 7, int(i.max) - 1, int(i.max)}
        if dt.kind == 'i':
            v |= {-1, -2, -7}
        return np.array(sorted(v), dtype=dt)
    f = np.finfo(dt)
    return np.array([np.nan, np.inf, -np.inf, -0.0, 0.0, 0.5, -1.5, 2.0, 3.0,
                     -7.0, f.max, f.tiny, 1e5, 2.5], dtype=dt)


def in_place(op, a, b):
    """NumPy's `op(a, b, out=a)` on a copy of `a` (same_kind casting)."""
    c = a.copy()
    getattr(np, op)(c, b, out=c)
    return c


def assigned(x, i, v):
    """A copy of `x` with `x[i] = v` (NumPy's checks on Python scalars)."""
    y = x.copy()
    y[i] = v
    return y


def copied_into(t, region, v):
    """NumPy's `np.copyto(t[region], v, casting='same_kind')` on a copy of `t`."""
    t = t.copy()
    np.copyto(t[region], v, casting='same_kind')
    return t


def cases():
    """(kind, name, manifest args, files to write, NumPy's computation)."""
    out = []
    for s, v in SCALARS.items():
        out.append(('full', f'full_{s}', ['3', s], {}, lambda v=v: np.full(3, v)))
    for n in NAMES:
        e = f'e_{n}.npy'
        x = edge(n)
        files = {e: x}
        for op in UNARY:
            out.append(('un', f'un_{n}_{op}', [op, e], files, lambda op=op, x=x: getattr(np, op)(x)))
            out.append(('un', f'unview_{n}_{op}', [op, e + '@::-2'], files, lambda op=op, x=x: getattr(np, op)(x[::-2])))
        for f in REDUCE:
            out.append(('red', f'red_{n}_{f}', [f, e], files, lambda f=f, x=x: np.asarray(getattr(np, f)(x)).reshape(-1 if f.startswith('arg') else ())))
            m = x.reshape(2, -1) if len(x) % 2 == 0 else x.reshape(1, -1)
            mf = f'm_{n}.npy'
            for ax in (0, 1):
                out.append(('red', f'red_{n}_{f}{ax}', [f, mf, str(ax)], {mf: m}, lambda f=f, m=m, ax=ax: getattr(np, f)(m, axis=ax)))
            for shape in ((0,), (2, 0), (0, 2)):
                z = np.zeros(shape, dtype=n)
                zf = f'z_{n}_{"x".join(map(str, shape))}.npy'
                out.append(('red', f'red_{n}_{f}_empty{zf[2:-4]}', [f, zf], {zf: z}, lambda f=f, z=z: np.asarray(getattr(np, f)(z)).reshape(-1 if f.startswith('arg') else ())))
        for s, v in SCALARS.items():
            for op in BINARY:
                out.append(('scalar', f'sc_{n}_{s}_{op}', [op, e, s, 'right'], files, lambda op=op, x=x, v=v: getattr(np, op)(x, v)))
                out.append(('scalar', f'scl_{n}_{s}_{op}', [op, e, s, 'left'], files, lambda op=op, x=x, v=v: getattr(np, op)(v, x)))
            for op in BINARY:
                out.append(('inplacescalar', f'isc_{n}_{s}_{op}', [op, e, s], files, lambda op=op, x=x, v=v: in_place(op, x, v)))
            for op in COMPARE:
                out.append(('cmpscalar', f'cs_{n}_{s}_{op}', [op, e, s], files, lambda op=op, x=x, v=v: getattr(np, op)(x, v)))
        stores = dict(SCALARS, **{s: float(s[2:]) if s[0] == 'f' else int(s[2:])
                                  for s in ('f:nan', 'f:inf', 'f:-1e300', 'i:-129', 'i:256')})
        for s, v in stores.items():
            out.append(('set', f'set_{n}_{s}', [e, '1', s], files, lambda x=x, v=v: assigned(x, 1, v)))
        for i, (a, b, st) in enumerate(ARANGE):
            out.append(('arange', f'arange_{n}_{i}', [repr(float(a)), repr(float(b)), repr(float(st)), n], {}, lambda a=a, b=b, st=st, n=n: np.arange(float(a), float(b), float(st), dtype=n)))
        for i, (a, b, k) in enumerate(LINSPACE):
            out.append(('linspace', f'linspace_{n}_{i}', [repr(float(a)), repr(float(b)), str(k), n], {}, lambda a=a, b=b, k=k, n=n: np.linspace(float(a), float(b), k, dtype=n)))
        for n2 in NAMES:
            out.append(('cast', f'cast_{n}_{n2}', [e, n2], files, lambda x=x, n2=n2: x.astype(n2)))
            y = edge(n2)
            a, b = np.repeat(x, len(y)), np.tile(y, len(x))
            pf = {f'pa_{n}_{n2}.npy': a, f'pb_{n}_{n2}.npy': b}
            pa, pb = list(pf)
            for op in BINARY:
                out.append(('bin', f'bin_{n}_{n2}_{op}', [op, pa, pb], pf, lambda op=op, a=a, b=b: getattr(np, op)(a, b)))
                # Strided operands take other kernels: reversed, every other.
                out.append(('bin', f'binview_{n}_{n2}_{op}', [op, pa + '@::-2', pb + '@::2'], pf,
                            lambda op=op, a=a, b=b: getattr(np, op)(a[::-2], b[::2])))
            for op in BINARY:
                out.append(('inplace', f'inplace_{n}_{n2}_{op}', [op, pa, pb], pf, lambda op=op, a=a, b=b: in_place(op, a, b)))
            for op in COMPARE:
                out.append(('cmp', f'cmp_{n}_{n2}_{op}', [op, pa, pb], pf, lambda op=op, a=a, b=b: getattr(np, op)(a, b)))
            out.append(('dot', f'dot_{n}_{n2}', [pa, pb], pf, lambda a=a, b=b: np.dot(a, b)))
            # A 0-d array operand is no Python scalar: it takes part in the
            # promotion with its dtype (NEP 50).
            z = np.asarray(y[len(y) // 2])
            zf = {f'zd_{n2}.npy': z, e: x}
            for op in BINARY:
                out.append(('bin', f'bin0d_{n}_{n2}_{op}', [op, e, f'zd_{n2}.npy'], zf, lambda op=op, x=x, z=z: getattr(np, op)(x, z)))
            r23 = (np.ones(6, n) if n == 'bool' else np.arange(1, 7, dtype=n)).reshape(2, 3)
            r32 = (np.ones(6, n2) if n2 == 'bool' else np.arange(1, 7, dtype=n2)).reshape(3, 2)
            mf = {f'r23_{n}.npy': r23, f'r32_{n2}.npy': r32}
            ra, rb = list(mf)
            out.append(('matmul', f'matmul_{n}_{n2}', [ra, rb], mf, lambda a=r23, b=r32: a @ b))
            out.append(('matmul', f'matmul_{n}_{n2}_vec', [ra, rb + '@:,0:1@ravel'], mf, lambda a=r23, b=r32: a @ b[:, 0]))
            # a[1:3] = b (b broadcast over the region) as NumPy's copyto
            # with same_kind casting, which ndprof's set_slice documents.
            t = (np.ones(6, n) if n == 'bool' else np.arange(6, dtype=n)).reshape(2, 3)
            sf = {f'st_{n}.npy': t, f'sv_{n2}.npy': np.resize(y, 3).reshape(1, -1)}
            st, sv = list(sf)
            out.append(('setslice', f'setslice_{n}_{n2}', [st, ':,0:3', sv], sf, lambda t=t, v=sf[sv]: copied_into(t, (slice(None), slice(0, 3)), v)))
            out.append(('concat', f'concat0_{n}_{n2}', ['0', ra, rb + '@T'], mf, lambda a=r23, b=r32: np.concatenate([a, b.T], 0)))
            out.append(('matmul', f'matmul_{n}_{n2}_vecmat', [ra + '@0:1,:@ravel', rb], mf, lambda a=r23, b=r32: a[0] @ b))
            out.append(('dot', f'dot_{n}_{n2}_matvec', [ra, rb + '@:,1:2@ravel'], mf, lambda a=r23, b=r32: np.dot(a, b[:, 1])))
            out.append(('append', f'append_{n}_{n2}', [e, f'e_{n2}.npy'], {e: x, f'e_{n2}.npy': y}, lambda x=x, y=y: np.append(x, y)))
    # Views that are not contiguous, with NaNs and signed zeros in them.
    r = np.random.default_rng(1)
    g = r.normal(size=(6, 8))
    g[1, 3] = g[4, 0] = np.nan
    g[2, :] = np.round(g[2, :])
    gi = r.integers(-2**62, 2**62, size=(6, 8))
    files = {'g.npy': g, 'gi.npy': gi, 'gy.npy': r.normal(size=8)}
    views = {'T': g.T, '::2,-1::-3': g[::2, -1::-3], '1:5,7:0:-2': g[1:5, 7:0:-2]}
    for k, (spec, v) in enumerate(views.items()):
        ref = f'g.npy@{spec}'
        out.append(('copy', f'view{k}_copy', [ref], files, lambda v=v: np.ascontiguousarray(v)))
        out.append(('ravel', f'view{k}_ravel', [ref], files, lambda v=v: v.ravel()))
        out.append(('un', f'view{k}_square', ['square', ref], files, lambda v=v: np.square(v)))
        out.append(('bin', f'view{k}_add', ['add', ref, ref], files, lambda v=v: v + v))
        out.append(('dot', f'view{k}_dot', [ref, ref + '@T'], files, lambda v=v: np.dot(v, v.T)))
        out.append(('concat', f'view{k}_concat1', ['1', ref, ref], files, lambda v=v: np.concatenate([v, v], 1)))
        out.append(('append', f'view{k}_append', [ref, ref], files, lambda v=v: np.append(v, v)))
        for f in REDUCE:
            out.append(('red', f'view{k}_{f}', [f, ref], files, lambda f=f, v=v: np.asarray(getattr(np, f)(v)).reshape(-1 if f.startswith('arg') else ())))
            for ax in (0, 1):
                out.append(('red', f'view{k}_{f}{ax}', [f, ref, str(ax)], files, lambda f=f, v=v, ax=ax: getattr(np, f)(v, axis=ax)))
    # Reductions over many values (positive, so sums do not cancel): the
    # summation order shows within 4 ulps (NumPy sums pairwise).
    for dt in ('float32', 'float64', 'int64', 'uint8', 'int32'):
        big = (r.uniform(0, 1000, size=100_003) if dt.startswith('float')
               else r.integers(0, np.iinfo(dt).max, size=100_003, endpoint=True)).astype(dt)
        bf = f'big_{dt}.npy'
        mat = big[:100_000].reshape(250, 400)
        files2 = {bf: big, f'bigm_{dt}.npy': mat}
        for f in REDUCE:
            out.append(('red', f'big_{dt}_{f}', [f, bf], files2, lambda f=f, big=big: np.asarray(getattr(np, f)(big)).reshape(-1 if f.startswith('arg') else ())))
            for ax in (0, 1):
                out.append(('red', f'bigm_{dt}_{f}{ax}', [f, f'bigm_{dt}.npy', str(ax)], files2, lambda f=f, mat=mat, ax=ax: getattr(np, f)(mat, axis=ax)))
    # Shapes and views: reshape, broadcast_to, permute (valid and not), and
    # slices past the ends (NumPy clamps them).
    h = np.arange(24.0).reshape(2, 3, 4)
    files['h.npy'] = h
    dims = lambda t: 'x'.join(map(str, t)) or '-'
    for shape in [(24,), (4, 6), (2, 12), (3, 8), (1, 24, 1), (5, 5), (0,), (2, 3, 4, 1)]:
        out.append(('reshape', f'reshape_{dims(shape)}', ['h.npy', dims(shape)], files, lambda shape=shape: h.reshape(shape)))
        out.append(('reshape', f'reshape_view_{dims(shape)}', ['h.npy@T', dims(shape)], files, lambda shape=shape: h.T.reshape(shape)))
    for shape in [(2, 2, 3, 4), (3, 4), (2, 3, 4), (5, 2, 3, 4), (2, 1, 4), (0, 2, 3, 4)]:
        out.append(('broadcast', f'broadcast_{dims(shape)}', ['h.npy', dims(shape)], files, lambda shape=shape: np.broadcast_to(h, shape)))
    out.append(('broadcast', 'broadcast_col', ['h.npy@0:1,:,0:1', '2x3x4'], files, lambda: np.broadcast_to(h[0:1, :, 0:1], (2, 3, 4))))
    for axes in [(0, 1, 2), (2, 0, 1), (1, 2, 0), (0, 0, 1), (0, 1), (0, 1, 3)]:
        out.append(('permute', f'permute_{dims(axes)}', ['h.npy', dims(axes)], files, lambda axes=axes: np.transpose(h, axes)))
    for spec, view in [('0:1,1:100,-100:2', h[0:1, 1:100, -100:2]), ('::-1,::-2,3:0:-1', h[::-1, ::-2, 3:0:-1]),
                       ('5:,:,:', h[5:, :, :]), ('-1:,-1:,-1:', h[-1:, -1:, -1:]), ('1:1,:,:', h[1:1]),
                       (':,2:0,:', h[:, 2:0, :])]:
        out.append(('copy', f'slice_{spec}', [f'h.npy@{spec}'], files, lambda view=view: np.ascontiguousarray(view)))
    out.append(('bin', 'bcast_col_row', ['subtract', 'g.npy@:,0:1', 'gy.npy'], files, lambda: g[:, 0:1] - files['gy.npy']))
    out.append(('bin', 'bcast_bad', ['add', 'g.npy', 'g.npy@:,0:1@T'], files, lambda: g + g[:, 0:1].T))
    out.append(('matmul', 'matmul_int_wraps', ['gi.npy', 'gi.npy@T'], files, lambda: gi @ gi.T))
    return out


def known(name, got, want):
    """A documented difference, or None."""
    if name.startswith(('un_', 'unview_')) and want is not None and want.dtype == np.float16:
        return 'no float16: ndprof computes in float32'
    if name.startswith('cast_') and name.split('_')[1] in ('float32', 'float64'):
        return 'float to int of NaN, inf or out of range: NumPy\'s value is platform-defined'
    if name.startswith('cs_bool_u:') and got is not None and want is None:
        return ('a bool array against a Python int past int64: NumPy raises OverflowError '
                '(bool takes int64 for a Python int); ndprof compares exactly')
    if name.startswith('dot_') and got is not None and want is not None and want.dtype.kind == 'f':
        return 'float dot of huge mixed integers: cancellation, order-dependent'
    return None


def gen(d):
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, 'manifest.txt'), 'w') as m:
        written = set()
        for kind, name, args, files, _ in cases():
            for f, a in files.items():
                if f not in written:
                    np.save(os.path.join(d, f), a)
                    written.add(f)
            m.write(' '.join([kind, name] + args) + '\n')


def same(got, want):
    if got.dtype != want.dtype:
        return f'dtype {got.dtype} != NumPy {want.dtype}'
    if got.shape != want.shape:
        return f'shape {got.shape} != NumPy {want.shape}'
    g, w = got.ravel(), want.ravel()
    if w.dtype.kind == 'f':
        ok = (g == w) | (np.isnan(g) & np.isnan(w))
        ok |= np.isclose(g, w, rtol=4 * np.finfo(w.dtype).eps, atol=0)
        ok &= ~((g == 0) & (w == 0) & (np.signbit(g) != np.signbit(w)))
    else:
        ok = g == w
    if not np.all(ok):
        i = np.nonzero(~ok)[0]
        return f'{len(i)} values differ, first at {i[0]}: {g[i[0]]!r} != NumPy {w[i[0]]!r}'
    return None


def check(d):
    warnings.simplefilter('ignore')
    bad, known_n, n = [], {}, 0
    for kind, name, args, files, fn in cases():
        n += 1
        try:
            with np.errstate(all='ignore'):
                want, werr = np.asarray(fn()), None
        except Exception as e:  # NumPy refuses: ndprof must too
            want, werr = None, f'{type(e).__name__}: {e}'
        path = os.path.join(d, 'out', name)
        if os.path.exists(path + '.err'):
            got, gerr = None, open(path + '.err').read()
        elif os.path.exists(path + '.npy'):
            got, gerr = np.load(path + '.npy'), None
        else:
            bad.append(f'{name}: no result from ndprof')
            continue
        if werr and gerr:
            continue
        diff = (f'ndprof failed ({gerr}) where NumPy gave {want.dtype} {want.ravel()[:4]}' if gerr
                else f'NumPy failed ({werr}) where ndprof gave {got.dtype} {got.ravel()[:4]}' if werr
                else same(got, want))
        if diff is None:
            continue
        why = known(name, got, want)
        if why:
            known_n[why] = known_n.get(why, 0) + 1
        else:
            bad.append(f'{name}: {diff}')
    print(f'{n} cases against NumPy {np.__version__}: {n - len(bad) - sum(known_n.values())} agree, '
          f'{sum(known_n.values())} known differences, {len(bad)} unexpected')
    for why, k in known_n.items():
        print(f'  known ({k}): {why}')
    for b in bad:
        print('  DIFFERS', b)
    return 1 if bad else 0


if __name__ == '__main__':
    what, d = sys.argv[1], sys.argv[2]
    sys.exit(gen(d) or 0 if what == 'gen' else check(d))
