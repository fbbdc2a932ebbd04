"""The optimiser's quadratic programme solved by cvxpy: the peer of
`crates/analysis/examples/optimize_qp.rs` on the very same matrices.

    python optimize_cvxpy.py INPUT.json REPEAT
prints `cvxpy-<solver> <name> <median seconds> <objective value> <solver-only seconds>` for
CLARABEL (the solver derisk calls, through cvxpy's modelling layer) and OSQP. The model is
built once; each repeat calls `solve()`, which includes cvxpy's canonicalisation, as a
user of cvxpy pays it.
"""

import json
import statistics
import sys
import time

import cvxpy as cp
import numpy as np
import scipy.sparse as sp


def matrices(d):
    n = d["variables"]

    def stack(rows):
        r, c, v, b = [], [], [], []
        for i, (coefs, rhs) in enumerate(rows):
            for j, x in coefs:
                r.append(i)
                c.append(j)
                v.append(x)
            b.append(rhs)
        return sp.csr_matrix((v, (r, c)), shape=(len(rows), n)), np.array(b)

    return n, np.array(d["diag"]), np.array(d["q"]), stack(d["eq"]), stack(d["le"])


def main():
    path, repeat = sys.argv[1], int(sys.argv[2])
    name = path.rsplit("/", 1)[-1].removesuffix(".json")
    n, diag, q, (aeq, beq), (ale, ble) = matrices(json.load(open(path)))
    x = cp.Variable(n)
    objective = cp.Minimize(0.5 * cp.sum(cp.multiply(diag, cp.square(x))) + q @ x)
    problem = cp.Problem(objective, [aeq @ x == beq, ale @ x <= ble])
    for solver in ["CLARABEL", "OSQP"]:
        times, solver_times = [], []
        for _ in range(repeat):
            t = time.perf_counter()
            kwargs = {"eps_abs": 1e-9, "eps_rel": 1e-9, "max_iter": 200000} if solver == "OSQP" else {}
            problem.solve(solver=solver, **kwargs)
            times.append(time.perf_counter() - t)
            solver_times.append(problem.solver_stats.solve_time or float("nan"))
        print(
            f"cvxpy-{solver.lower()} {name} {statistics.median(times):.6f} {problem.value:.9f} "
            f"{statistics.median(solver_times):.6f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
