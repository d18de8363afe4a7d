"""Culture-gap assessment service."""

import os

# One BLAS thread per process, set before numpy is first imported (an explicit setting wins): the statistics
# multiply and invert small matrices, where OpenBLAS's extra threads only add hand-offs, and on a busy machine
# (several workers, a shared VM) waking them costs milliseconds a call -- a 5 x 5 inverse took 10 ms, not 6 us.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
