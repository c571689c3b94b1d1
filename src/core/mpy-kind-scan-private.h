/* mpy-kind-scan-private.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Kind characters 64 at a time, as bit masks (bit i: block i), for the reader's block lines
 * and the statistics. Each fast path has a plain twin that gives the same answer one byte at
 * a time; tests/core runs all of them against each other on random and adversarial input. */

#pragma once

#include <glib.h>

#include <string.h>

#if defined(__SSE2__) && (defined(__x86_64__) || defined(__i386__))
#include <emmintrin.h>
#define MPY_SCAN_HAVE_SSE2 1
#endif

G_BEGIN_DECLS

/**
 * MpyScanPath:
 * @MPY_SCAN_BYTES: one block at a time (the reference)
 * @MPY_SCAN_WORDS: 64-bit words, on any CPU
 * @MPY_SCAN_SSE2: SSE2 compares (x86-64 baseline) and POPCNT; only where the CPU has POPCNT
 * @MPY_SCAN_SSSE3: as @MPY_SCAN_SSE2, and a block line's characters checked by two table
 *   look-ups (PSHUFB) per 16 instead of twelve compares; where the CPU has SSSE3 and POPCNT
 * @MPY_SCAN_AVX2: as @MPY_SCAN_SSSE3, and the blocks of each kind counted 32 at a time
 *
 * How the map is scanned. Every path gives exactly the same results.
 */
typedef enum {
  MPY_SCAN_BYTES,
  MPY_SCAN_WORDS,
  MPY_SCAN_SSE2,
  MPY_SCAN_SSSE3,
  MPY_SCAN_AVX2,
  MPY_N_SCAN_PATHS,
} MpyScanPath;

/* The fastest path this CPU runs. */
MpyScanPath _mpy_scan_path_best      (void);
gboolean    _mpy_scan_path_available (MpyScanPath path);

static inline guint
_mpy_ctz64 (guint64 x)   /* x != 0 */
{
#if defined(__GNUC__) || defined(__clang__)
  return (guint) __builtin_ctzll (x);
#else
  guint n = 0;

  while (!(x & 1))
    x >>= 1, n++;
  return n;
#endif
}

/* A population count without the POPCNT instruction (which x86-64's baseline lacks:
 * __builtin_popcountll would be a library call there). */
static inline guint
_mpy_popcount64_words (guint64 x)
{
  x = x - ((x >> 1) & G_GUINT64_CONSTANT (0x5555555555555555));
  x = (x & G_GUINT64_CONSTANT (0x3333333333333333))
      + ((x >> 2) & G_GUINT64_CONSTANT (0x3333333333333333));
  x = (x + (x >> 4)) & G_GUINT64_CONSTANT (0x0f0f0f0f0f0f0f0f);
  return (guint) ((x * G_GUINT64_CONSTANT (0x0101010101010101)) >> 56);
}

/* Bit k of the result: byte k of @v equals the byte repeated in @pattern (no false positives:
 * the carry of one byte never reaches the next). */
static inline guint
_mpy_eq_bits8 (guint64 v,
               guint64 pattern)
{
  const guint64 low7 = G_GUINT64_CONSTANT (0x7f7f7f7f7f7f7f7f);
  guint64 x = v ^ pattern;
  guint64 zero = ~(((x & low7) + low7) | x) & ~low7;   /* 0x80 in each byte that was equal */

  /* Gathers the eight high bits into one byte, byte k to bit k. */
  return (guint) (((zero >> 7) * G_GUINT64_CONSTANT (0x0102040810204080)) >> 56);
}

/* @p[0..64): bit i of *free / *tail is set when p[i] is '.' / '='. */
static inline void
_mpy_kind_masks_words (const guint8 *p,
                       guint64      *free_mask,
                       guint64      *tail_mask)
{
  const guint64 dots = G_GUINT64_CONSTANT (0x2e2e2e2e2e2e2e2e);
  const guint64 eqs = G_GUINT64_CONSTANT (0x3d3d3d3d3d3d3d3d);
  guint64 f = 0, t = 0;

  for (guint k = 0; k < 8; k++)
    {
      guint64 v;

      memcpy (&v, p + 8 * k, 8);
#if G_BYTE_ORDER == G_BIG_ENDIAN
      v = GUINT64_SWAP_LE_BE (v);
#endif
      f |= (guint64) _mpy_eq_bits8 (v, dots) << (8 * k);
      t |= (guint64) _mpy_eq_bits8 (v, eqs) << (8 * k);
    }
  *free_mask = f;
  *tail_mask = t;
}

#ifdef MPY_SCAN_HAVE_SSE2
static inline guint64
_mpy_movemask64 (__m128i a,
                 __m128i b,
                 __m128i c,
                 __m128i d)
{
  return (guint64) (guint16) _mm_movemask_epi8 (a)
         | (guint64) (guint16) _mm_movemask_epi8 (b) << 16
         | (guint64) (guint16) _mm_movemask_epi8 (c) << 32
         | (guint64) (guint16) _mm_movemask_epi8 (d) << 48;
}

static inline void
_mpy_kind_masks_sse2 (const guint8 *p,
                      guint64      *free_mask,
                      guint64      *tail_mask)
{
  const __m128i dot = _mm_set1_epi8 ('.'), eq = _mm_set1_epi8 ('=');
  __m128i v0 = _mm_loadu_si128 ((const __m128i *) (gconstpointer) p);
  __m128i v1 = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (p + 16));
  __m128i v2 = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (p + 32));
  __m128i v3 = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (p + 48));

  *free_mask = _mpy_movemask64 (_mm_cmpeq_epi8 (v0, dot), _mm_cmpeq_epi8 (v1, dot),
                                _mm_cmpeq_epi8 (v2, dot), _mm_cmpeq_epi8 (v3, dot));
  *tail_mask = _mpy_movemask64 (_mm_cmpeq_epi8 (v0, eq), _mm_cmpeq_epi8 (v1, eq),
                                _mm_cmpeq_epi8 (v2, eq), _mm_cmpeq_epi8 (v3, eq));
}
#endif

/* Copies @n (≤ 64) characters of a block line to @out; TRUE when every one is a kind
 * character as stored ('.', '=', h T L D S A F B M m), so that nothing needs a closer look. */
gboolean _mpy_kind_copy_line (MpyScanPath  path,
                              const char  *s,
                              gsize        n,
                              guint8      *out);

G_END_DECLS
