"""Products (matmul, dot, tensordot, einsum, outer, inner, vdot) against NumPy float64,
backward against finite differences."""
import numpy as np
import pytest

from nnlite import ops
from nnlite.backend.tape import Tape
from nnlite.backend.tensor import Tensor
from op_gradcheck import check_grad

RNG = np.random.default_rng(3)


def r(*shape):
    return RNG.standard_normal(shape)


MATMUL_SHAPES = [((3, 4), (4, 5)), ((4,), (4, 5)), ((3, 4), (4,)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (5, 4, 2)),
                 ((4,), (2, 4, 3)), ((2, 3, 4), (4,))]


@pytest.mark.parametrize("sa,sb", MATMUL_SHAPES, ids=str)
def test_matmul_forward_and_backward(sa, sb):
    a, b = r(*sa), r(*sb)
    np.testing.assert_allclose(ops.matmul(a, b), np.matmul(a, b), rtol=1e-12, atol=1e-12)
    check_grad(ops.matmul, a, b)


@pytest.mark.parametrize("ta,tb", [(False, True), (True, False), (True, True)])
def test_matmul_gemm_backward_through_transposed_views(ta, tb):
    # transpose() gives Fortran-ordered views, which reach GEMM as transpose flags
    a = r(4, 3) if ta else r(3, 4)
    b = r(5, 4) if tb else r(4, 5)
    check_grad(lambda p, q: ops.matmul(ops.transpose(p) if ta else p,
                                       ops.transpose(q) if tb else q), a, b)


def test_matmul_float32_gradient_is_float32():
    a = Tensor(r(3, 4).astype(np.float32))
    w = Tensor(r(4, 2).astype(np.float32))
    with Tape() as tape:
        tape.watch([a, w])
        y = a @ w
    ga, gw = tape.gradient(y, [a, w])
    assert ga.dtype == np.float32 and gw.dtype == np.float32
    np.testing.assert_allclose(gw, np.asarray(a).T.astype(np.float64) @ np.ones((3, 2)), rtol=1e-5)


def test_matmul_scalar_raises():
    with pytest.raises(ValueError, match="at least one dimension"):
        ops.matmul(np.ones(3), 2.0)


def test_matmul_batch_mismatch_raises():
    with pytest.raises(ValueError, match="matmul"):
        ops.matmul(np.ones((2, 3, 4)), np.ones((3, 4, 5)))


DOT_SHAPES = [((), (3,)), ((3,), (3,)), ((2, 3), (3, 4)), ((2, 3, 4), (4,)), ((2, 3, 4), (5, 4, 2))]


@pytest.mark.parametrize("sa,sb", DOT_SHAPES, ids=str)
def test_dot_forward_and_backward(sa, sb):
    a, b = r(*sa), r(*sb)
    np.testing.assert_allclose(ops.dot(a, b), np.dot(a, b), rtol=1e-12, atol=1e-12)
    check_grad(ops.dot, a, b)


TENSORDOT = [((3, 4, 5), (4, 5, 2), 2), ((3, 4), (4, 2), 1), ((3, 4), (2, 5), 0),
             ((3, 4, 5), (5, 2, 3), ([0, 2], [2, 0])), ((3, 4), (2, 4), (1, 1))]


@pytest.mark.parametrize("sa,sb,axes", TENSORDOT, ids=str)
def test_tensordot_forward_and_backward(sa, sb, axes):
    a, b = r(*sa), r(*sb)
    np.testing.assert_allclose(ops.tensordot(a, b, axes), np.tensordot(a, b, axes), rtol=1e-12,
                               atol=1e-12)
    check_grad(lambda p, q: ops.tensordot(p, q, axes), a, b)


def test_tensordot_mismatch_raises_with_shapes():
    with pytest.raises(ValueError, match=r"tensordot.*\(3, 4\).*\(5, 2\)"):
        ops.tensordot(r(3, 4), r(5, 2), axes=1)


EINSUM = [("ij,jk->ik", [(3, 4), (4, 5)]), ("ij,ij->i", [(3, 4), (3, 4)]), ("ij->ji", [(3, 4)]),
          ("ij->", [(3, 4)]), ("bij,bjk->bik", [(2, 3, 4), (2, 4, 5)]), ("i,j->ij", [(3,), (4,)]),
          ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("ij,jk,kl->il", [(2, 3), (3, 4), (4, 2)]),
          ("...ij,...jk->...ik", [(2, 3, 4), (4, 5)]), ("ij,kj", [(3, 4), (2, 4)]),
          ("ijk->ik", [(2, 3, 4)]), ("i...->...", [(3, 1, 2)]), ("bi,i->b", [(1, 3), (3,)])]


@pytest.mark.parametrize("subs,shapes", EINSUM, ids=lambda v: v if isinstance(v, str) else "")
def test_einsum_forward_and_backward(subs, shapes):
    arrays = [r(*s) for s in shapes]
    np.testing.assert_allclose(ops.einsum(subs, *arrays), np.einsum(subs, *arrays), rtol=1e-12,
                               atol=1e-12)
    check_grad(lambda *ts: ops.einsum(subs, *ts), *arrays)


def test_einsum_ellipsis_broadcasting_gradient():
    check_grad(lambda p, q: ops.einsum("...ij,...jk->...ik", p, q), r(1, 3, 4), r(2, 4, 2))


def test_einsum_bad_subscripts_raise():
    with pytest.raises(ValueError, match="einsum"):
        ops.einsum("ij,jk->ik", r(3, 4), r(5, 2))


@pytest.mark.parametrize("op,ref,sa,sb", [(ops.outer, np.outer, (3,), (2, 2)),
                                          (ops.inner, np.inner, (2, 3), (4, 3)),
                                          (ops.inner, np.inner, (3,), (3,)),
                                          (ops.vdot, np.vdot, (2, 3), (3, 2))])
def test_outer_inner_vdot_forward_and_backward(op, ref, sa, sb):
    a, b = r(*sa), r(*sb)
    np.testing.assert_allclose(op(a, b), ref(a, b), rtol=1e-12)
    check_grad(op, a, b)


def test_matmul_fan_out_gradient():
    a = Tensor(r(3, 3))
    with Tape() as tape:
        tape.watch(a)
        y = ops.matmul(a, a)
    expected = np.ones((3, 3)) @ np.asarray(a).T + np.asarray(a).T @ np.ones((3, 3))
    np.testing.assert_allclose(tape.gradient(y, a), expected, rtol=1e-12)
