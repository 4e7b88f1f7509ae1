"""Working stand-ins for the few functions of a missing library that constructors call to make
initial values: scipy.linalg's decompositions, done with numpy. Glow's invertible 1×1
convolution (``InvConv2dLU``, copied into many flow models) starts from ``la.qr`` of a random
matrix and stores ``la.lu`` of the result as its parameters, so without scipy the model would not
build; with these it builds with the same shapes (and values of the same kind). Any other use of
the missing library is still the error that names it (see ``stand_ins``).
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _qr(a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    if pivoting:
        raise NotImplementedError("scipy.linalg.qr(pivoting=True)")
    numpy_mode = {"full": "complete", "economic": "reduced", "r": "r"}[mode]
    result = np.linalg.qr(np.asarray(a), mode=numpy_mode)
    return result if mode == "r" else tuple(result)


def _lu(a, permute_l=False, overwrite_a=False, check_finite=True, p_indices=False):
    """``a = p @ l @ u``, by Gaussian elimination with partial pivoting (scipy's convention)."""
    u = np.array(a, dtype=np.result_type(np.asarray(a).dtype, np.float32))
    rows, columns = u.shape
    steps = min(rows, columns)
    lower = np.eye(rows, steps, dtype=u.dtype)
    order = np.arange(rows)
    for k in range(steps):
        pivot = k + int(np.argmax(np.abs(u[k:, k])))
        if pivot != k:
            u[[k, pivot]], order[[k, pivot]] = u[[pivot, k]], order[[pivot, k]]
            lower[[k, pivot], :k] = lower[[pivot, k], :k]
        if u[k, k] != 0:
            factors = u[k + 1:, k] / u[k, k]
            lower[k + 1:, k] = factors
            u[k + 1:] -= np.outer(factors, u[k])
    upper = np.triu(u[:steps])
    if p_indices:
        return np.argsort(order), lower, upper
    permutation = np.eye(rows, dtype=u.dtype)[order].T
    return (permutation @ lower, upper) if permute_l else (permutation, lower, upper)


def _svd(a, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd"):
    return np.linalg.svd(np.asarray(a), full_matrices=full_matrices, compute_uv=compute_uv)


def _inv(a, overwrite_a=False, check_finite=True):
    return np.linalg.inv(np.asarray(a))


def _det(a, overwrite_a=False, check_finite=True):
    return np.linalg.det(np.asarray(a))


SUBSTITUTES: dict[str, Any] = {
    f"scipy.linalg.{name}": function
    for name, function in {"qr": _qr, "lu": _lu, "svd": _svd, "inv": _inv, "det": _det}.items()
}


def substitute(dotted: str) -> Any | None:
    """The working stand-in for a missing library's function (``scipy.linalg.qr``), if there is one."""
    return SUBSTITUTES.get(dotted)
