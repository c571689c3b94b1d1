/* mpy-kind-scan.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Which scan path this CPU runs, and the check-and-copy of a block line's kind characters. */

#include "mpy-kind-scan-private.h"

#ifdef MPY_SCAN_HAVE_SSE2
#include <tmmintrin.h>
#endif

/* 1 for each kind character as the map stores it. */
static const guint8 stored_kind[256] = {
  ['.'] = 1, ['='] = 1, ['h'] = 1, ['T'] = 1, ['L'] = 1, ['D'] = 1, ['S'] = 1, ['A'] = 1,
  ['F'] = 1, ['B'] = 1, ['M'] = 1, ['m'] = 1,
};

gboolean
_mpy_scan_path_available (MpyScanPath path)
{
  switch (path)
    {
    case MPY_SCAN_BYTES:
    case MPY_SCAN_WORDS:
      return TRUE;
    case MPY_SCAN_SSE2:
#if defined(MPY_SCAN_HAVE_SSE2) && (defined(__GNUC__) || defined(__clang__))
      return __builtin_cpu_supports ("popcnt");
#else
      return FALSE;
#endif
    case MPY_SCAN_SSSE3:
#if defined(MPY_SCAN_HAVE_SSE2) && (defined(__GNUC__) || defined(__clang__))
      return __builtin_cpu_supports ("popcnt") && __builtin_cpu_supports ("ssse3");
#else
      return FALSE;
#endif
    case MPY_SCAN_AVX2:
#if defined(MPY_SCAN_HAVE_SSE2) && (defined(__GNUC__) || defined(__clang__))
      return __builtin_cpu_supports ("popcnt") && __builtin_cpu_supports ("ssse3")
             && __builtin_cpu_supports ("avx2");
#else
      return FALSE;
#endif
    case MPY_N_SCAN_PATHS:
    default:
      return FALSE;
    }
}

MpyScanPath
_mpy_scan_path_best (void)
{
  static gsize best = 0;   /* path + 1 */

  if (g_once_init_enter (&best))
    g_once_init_leave (&best, (_mpy_scan_path_available (MPY_SCAN_AVX2) ? MPY_SCAN_AVX2
                               : _mpy_scan_path_available (MPY_SCAN_SSSE3) ? MPY_SCAN_SSSE3
                               : _mpy_scan_path_available (MPY_SCAN_SSE2) ? MPY_SCAN_SSE2
                               : MPY_SCAN_WORDS) + 1);
  return (MpyScanPath) (best - 1);
}

static gboolean
copy_line_bytes (const char *s,
                 gsize       n,
                 guint8     *out)
{
  guint8 ok = 1;

  for (gsize i = 0; i < n; i++)
    ok &= stored_kind[(guchar) s[i]];
  memcpy (out, s, n);
  return ok != 0;
}

/* Eight characters at a time: a word of eight '.' or eight '=' (the long runs of a map) needs
 * no look-up. */
static gboolean
copy_line_words (const char *s,
                 gsize       n,
                 guint8     *out)
{
  const guint64 dots = G_GUINT64_CONSTANT (0x2e2e2e2e2e2e2e2e);
  const guint64 eqs = G_GUINT64_CONSTANT (0x3d3d3d3d3d3d3d3d);
  guint8 ok = 1;
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 v;

      memcpy (&v, s + i, 8);
      if (v == dots || v == eqs)
        continue;
      for (guint k = 0; k < 8; k++)
        ok &= stored_kind[(guchar) s[i + k]];
    }
  for (; i < n; i++)
    ok &= stored_kind[(guchar) s[i]];
  memcpy (out, s, n);
  return ok != 0;
}

#ifdef MPY_SCAN_HAVE_SSE2
/* One 16-character vector: all ones where the character is a stored kind. */
static inline __m128i
stored_kinds_sse2 (__m128i v)
{
  __m128i a = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('.')),
                            _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('=')));
  __m128i b = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('h')),
                            _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('T')));
  __m128i c = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('L')),
                            _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('D')));
  __m128i d = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('S')),
                            _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('A')));
  __m128i e = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('F')),
                            _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('B')));
  __m128i f = _mm_or_si128 (_mm_cmpeq_epi8 (v, _mm_set1_epi8 ('M')),
                            _mm_cmpeq_epi8 (v, _mm_set1_epi8 ('m')));

  return _mm_or_si128 (_mm_or_si128 (_mm_or_si128 (a, b), _mm_or_si128 (c, d)),
                       _mm_or_si128 (e, f));
}

static gboolean
copy_line_sse2 (const char *s,
                gsize       n,
                guint8     *out)
{
  __m128i all = _mm_set1_epi8 (-1);
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (s + i));

      _mm_storeu_si128 ((__m128i *) (gpointer) (out + i), v);
      all = _mm_and_si128 (all, stored_kinds_sse2 (v));
    }
  if (_mm_movemask_epi8 (all) != 0xffff)
    {
      memcpy (out + i, s + i, n - i);
      return FALSE;
    }
  return copy_line_bytes (s + i, n - i, out + i);
}

/* A character c is a stored kind when bit (c >> 4) − 2 of by_low[c & 15] is set (the kinds'
 * high nibbles are 2 to 6; by_high gives that bit, and nothing for the others). */
static const guint8 by_low[16] = {
  [0x1] = 0x04, [0x2] = 0x04, [0x3] = 0x08, [0x4] = 0x0c, [0x6] = 0x04, [0x8] = 0x10,
  [0xc] = 0x04, [0xd] = 0x16, [0xe] = 0x01,
};   /* A B S D/T F h L =/M/m . */
static const guint8 by_high[16] = { [2] = 0x01, [3] = 0x02, [4] = 0x04, [5] = 0x08, [6] = 0x10 };

__attribute__ ((target ("ssse3")))
static gboolean
copy_line_ssse3 (const char *s,
                 gsize       n,
                 guint8     *out)
{
  const __m128i low = _mm_loadu_si128 ((const __m128i *) (gconstpointer) by_low);
  const __m128i high = _mm_loadu_si128 ((const __m128i *) (gconstpointer) by_high);
  const __m128i nibble = _mm_set1_epi8 (0x0f);
  __m128i bad = _mm_setzero_si128 ();
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    {
      __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (s + i));
      __m128i a = _mm_shuffle_epi8 (low, _mm_and_si128 (v, nibble));
      __m128i b = _mm_shuffle_epi8 (high, _mm_and_si128 (_mm_srli_epi16 (v, 4), nibble));

      _mm_storeu_si128 ((__m128i *) (gpointer) (out + i), v);
      bad = _mm_or_si128 (bad, _mm_cmpeq_epi8 (_mm_and_si128 (a, b), _mm_setzero_si128 ()));
    }
  if (_mm_movemask_epi8 (bad) != 0)
    {
      memcpy (out + i, s + i, n - i);
      return FALSE;
    }
  return copy_line_bytes (s + i, n - i, out + i);
}
#endif

gboolean
_mpy_kind_copy_line (MpyScanPath  path,
                     const char  *s,
                     gsize        n,
                     guint8      *out)
{
  switch (path)
    {
#ifdef MPY_SCAN_HAVE_SSE2
    case MPY_SCAN_SSE2:
      return copy_line_sse2 (s, n, out);
    case MPY_SCAN_SSSE3:
    case MPY_SCAN_AVX2:
      return copy_line_ssse3 (s, n, out);
#endif
    case MPY_SCAN_WORDS:
      return copy_line_words (s, n, out);
    case MPY_SCAN_BYTES:
    case MPY_N_SCAN_PATHS:
    default:
      return copy_line_bytes (s, n, out);
    }
}
