/* mpy-bench.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the benchmarks share: the 1,048,576-block dump of the core and render benchmarks, and
 * the median of a set of timings.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MPY_BENCH_N_BLOCKS (1024 * 1024)
#define MPY_BENCH_N_LINES  (MPY_BENCH_N_BLOCKS / 64)

char   *mpy_bench_build_dump    (const char *dir,
                                 const char *fixture);
char   *mpy_bench_build_dump_of (const char *dir,
                                 const char *fixture,
                                 gsize       n_blocks);
double  mpy_bench_median        (double     *values,
                                 guint       n);

G_END_DECLS
