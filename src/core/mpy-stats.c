/* mpy-stats.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-stats.h"
#include "mpy-kind-scan-private.h"
#include "mpy-snapshot-private.h"

#include <string.h>

/* The reference: one block at a time. */
static void
compute_map_bytes (const guint8  *kinds,
                   const MpyArea *areas,
                   guint          n_areas,
                   guint          bytes_per_block,
                   MpyStats      *stats)
{
  /* Counters live in locals, not in *stats: the kinds are bytes, which may
   * alias anything, so the compiler would store every update to memory. */
  gsize head_counts[256] = { 0 };   /* objects by head kind; [0]: headless */
  gsize hist[MPY_HISTOGRAM_BUCKETS] = { 0 };
  gsize n_blocks = 0, free_blocks = 0, holes = 0, two = 0, largest = 0;
  gsize run_max = 0, run_start = 0, n_objects = 0;
  guint64 run_address = 0;

  memset (stats, 0, sizeof *stats);
  stats->bytes_per_block = bytes_per_block;

  for (guint a = 0; a < n_areas; a++)
    {
      const guint8 *p;
      gsize n = areas[a].n_blocks;
      gsize i = 0;

      if (n == 0)   /* (kinds may be NULL when the whole map is empty) */
        continue;
      p = kinds + areas[a].first_block;

      n_blocks += n;
      while (i < n)
        {
          guint8 c = p[i];
          gsize j = i + 1, len;
          guint bucket;

          if (c == MPY_KIND_FREE)
            {
              while (j < n && p[j] == MPY_KIND_FREE)
                j++;
              len = j - i;
              free_blocks += len;
              holes++;
              if (len > run_max)
                {
                  run_max = len;
                  run_start = areas[a].first_block + i;
                  run_address = areas[a].base + (guint64) i * bytes_per_block;
                }
              i = j;
              continue;
            }

          /* An object: a head and its tails, or tails with no head before them. */
          while (j < n && p[j] == MPY_KIND_TAIL)
            j++;
          len = j - i;
          head_counts[c == MPY_KIND_TAIL ? 0 : c]++;
          bucket = g_bit_storage (len) - 1;
          hist[MIN (bucket, MPY_HISTOGRAM_BUCKETS - 1)]++;
          two += len == 2;
          largest = MAX (largest, len);
          i = j;
        }
    }

  for (guint b = 0; b < MPY_HISTOGRAM_BUCKETS; b++)
    {
      stats->histogram[b] = hist[b];
      n_objects += hist[b];
    }
  stats->n_blocks = n_blocks;
  stats->free_blocks = free_blocks;
  stats->free_holes = holes;
  stats->n_objects = n_objects;
  stats->one_block_objects = hist[0];
  stats->two_block_objects = two;
  stats->largest_object = largest;
  stats->largest_free_run = run_max;
  stats->largest_free_run_start = run_start;
  stats->largest_free_run_address = run_address;

  for (int k = 0; k < MPY_N_KINDS; k++)
    {
      guint8 c = (guint8) mpy_kinds[k];

      if (c == MPY_KIND_FREE)
        stats->kind_blocks[k] = free_blocks;
      else if (c == MPY_KIND_TAIL)   /* every used block that is not a head */
        stats->kind_blocks[k] = n_blocks - free_blocks - (n_objects - head_counts[0]);
      else
        {
          stats->kind_blocks[k] = head_counts[c];
          stats->kind_objects[k] = head_counts[c];
        }
    }
  stats->used_blocks = n_blocks - free_blocks - head_counts[MPY_KIND_MARKED];
  if (free_blocks > 0)
    stats->fragmentation = 1.0 - (double) run_max / (double) free_blocks;
}

/* ---------- 64 blocks at a time ----------
 *
 * Each word of 64 blocks becomes bit masks: free ('.'), tail ('='), continuation (a tail
 * that carries on an object) and object start (a head, or a tail right after a free block or
 * at the start of its area: a headless object). Object sizes come from the masks: an object
 * of at least k blocks is a start followed by k − 1 continuations, tested for k = 2, 3, 4, 8
 * with shifted ANDs over this word and the next; only objects of 4 blocks or more, and free
 * runs that could be the longest, are measured one by one. */

typedef struct {
  gsize   hist[MPY_HISTOGRAM_BUCKETS];   /* objects of 8 blocks or more only */
  gsize   objects, len2, len3, len4, len8;   /* objects of at least 1, 2, 3, 4, 8 blocks */
  gsize   largest;                       /* largest measured object (all of ≥ 4 blocks while
                                          * it is < 8, then those of ≥ 8) */
  gsize   free_blocks, tail_blocks, holes, run_max, run_start;
  guint64 run_address;
} WordStats;

static G_ALWAYS_INLINE inline guint
popcount (gboolean sse2,
          guint64  x)
{
#if defined(MPY_SCAN_HAVE_SSE2) && (defined(__GNUC__) || defined(__clang__))
  if (sse2)
    return (guint) __builtin_popcountll (x);   /* POPCNT: the caller is built for it */
#endif
  return _mpy_popcount64_words (x);
}

/* The masks of p[0..avail), avail ≤ 64; the bits from avail on are clear. */
static G_ALWAYS_INLINE inline void
masks_at (gboolean      sse2,
          const guint8 *p,
          gsize         avail,
          guint64      *free_mask,
          guint64      *tail_mask)
{
  guint8 buf[64];

  if (avail < 64)
    {
      memset (buf, 0, sizeof buf);   /* NUL is neither free nor tail */
      memcpy (buf, p, avail);
      p = buf;
    }
#ifdef MPY_SCAN_HAVE_SSE2
  if (sse2)
    {
      _mpy_kind_masks_sse2 (p, free_mask, tail_mask);
      return;
    }
#endif
  _mpy_kind_masks_words (p, free_mask, tail_mask);
}

/* The ones of the 128-bit window hi:lo from bit @s (< 64) on: 128 − s when all are ones. */
static inline guint
ones_from (guint64 lo,
           guint64 hi,
           guint   s)
{
  guint64 a = s ? (lo >> s) | (hi << (64 - s)) : lo;
  guint64 b = hi >> s;

  if (~a != 0)
    return _mpy_ctz64 (~a);
  if (~b == 0)
    return 128;
  return 64 + _mpy_ctz64 (~b);
}

/* How many blocks from @at on (up to @n) are @free ? free : tail: a run that goes on past the
 * two words the masks looked at. */
static G_ALWAYS_INLINE inline gsize
run_on (gboolean      sse2,
        const guint8 *p,
        gsize         at,
        gsize         n,
        gboolean      free)
{
  gsize len = 0;

  while (at < n)
    {
      guint64 f, t, m;

      masks_at (sse2, p + at, MIN (n - at, 64), &f, &t);
      m = free ? f : t;
      if (~m != 0)
        return len + _mpy_ctz64 (~m);
      len += 64;
      at += 64;
    }
  return len;
}

static G_ALWAYS_INLINE inline guint
bucket_of (gsize len)
{
  return MIN (g_bit_storage (len) - 1, MPY_HISTOGRAM_BUCKETS - 1);
}

static G_ALWAYS_INLINE inline void
area_words (gboolean      sse2,
            const guint8 *p,
            gsize         n,
            gsize         first_block,
            guint64       base,
            guint         bytes_per_block,
            WordStats    *ws)
{
  gsize n_words = (n + 63) / 64;
  guint64 f, t, v, d, prev_free = 0;

  masks_at (sse2, p, MIN (n, 64), &f, &t);
  v = n >= 64 ? G_MAXUINT64 : ((guint64) 1 << n) - 1;
  d = t & ~((f << 1) | 1);   /* a tail first in its area has no head */

  for (gsize w = 0; w < n_words; w++)
    {
      gsize at = w * 64;
      guint64 fn = 0, tn = 0, vn = 0, dn = 0;
      guint64 s, fs, it, d1lo, d1hi, a1lo, a1hi, a2lo, a2hi, b2lo, b3lo;

      if (w + 1 < n_words)
        {
          gsize left = n - at - 64;

          masks_at (sse2, p + at + 64, MIN (left, 64), &fn, &tn);
          vn = left >= 64 ? G_MAXUINT64 : ((guint64) 1 << left) - 1;
          dn = tn & ~((fn << 1) | (f >> 63));
        }

      /* Objects: starts, and runs of continuations after them (d1: the next block goes on). */
      s = (v & ~f & ~t) | (t & ~d);
      d1lo = (d >> 1) | (dn << 63);
      d1hi = dn >> 1;
      a1lo = d1lo & ((d1lo >> 1) | (d1hi << 63));   /* the next 2 go on */
      a1hi = d1hi & (d1hi >> 1);
      b2lo = a1lo & ((d1lo >> 2) | (d1hi << 62));   /* the next 3 */
      a2lo = a1lo & ((a1lo >> 2) | (a1hi << 62));   /* the next 4 */
      a2hi = a1hi & (a1hi >> 2);
      b3lo = b2lo & ((a2lo >> 3) | (a2hi << 61));   /* the next 7 */
      ws->objects += popcount (sse2, s);
      ws->len2 += popcount (sse2, s & d1lo);
      ws->len3 += popcount (sse2, s & a1lo);
      ws->len4 += popcount (sse2, s & b2lo);
      for (it = s & (ws->largest < 8 ? b2lo : b3lo); it != 0; it &= it - 1)
        {
          guint k = _mpy_ctz64 (it);
          gsize len = ones_from (d1lo, d1hi, k);

          if (len == 127 - k)   /* (bit 127 of d1 is beyond the two words) */
            len += run_on (sse2, p, at + 128, n, FALSE);
          len++;
          if (len >= 8)
            {
              ws->len8++;
              ws->hist[bucket_of (len)]++;
            }
          ws->largest = MAX (ws->largest, len);
        }

      /* Free runs: only those that could be longer than the longest so far are measured. */
      ws->free_blocks += popcount (sse2, f);
      ws->tail_blocks += popcount (sse2, t);
      fs = f & ~((f << 1) | prev_free);
      if (fs != 0)
        {
          ws->holes += popcount (sse2, fs);
          for (guint j = 1; j <= MIN (ws->run_max, 7); j++)
            fs &= (f >> j) | (fn << (64 - j));
          for (; fs != 0; fs &= fs - 1)
            {
              guint k = _mpy_ctz64 (fs);
              gsize len = ones_from (f, fn, k);

              if (len == 128 - k)
                len += run_on (sse2, p, at + 128, n, TRUE);
              if (len > ws->run_max)
                {
                  ws->run_max = len;
                  ws->run_start = first_block + at + k;
                  ws->run_address = base + (guint64) (at + k) * bytes_per_block;
                }
            }
        }
      prev_free = f >> 63;
      f = fn;
      t = tn;
      v = vn;
      d = dn;
    }
}

/* Blocks of each head kind (indexed like mpy_kinds; '.' and '=' are left out). */
static void
count_heads_words (const guint8 *p,
                   gsize         n,
                   gsize         counts[MPY_N_KINDS])
{
  gsize by_char[256] = { 0 };

  for (gsize i = 0; i < n; i++)
    by_char[p[i]]++;
  for (int k = 2; k < MPY_N_KINDS; k++)
    counts[k] += by_char[(guchar) mpy_kinds[k]];
}

#ifdef MPY_SCAN_HAVE_SSE2
/* The same for five kinds: a byte counter per kind in each of 16 lanes, summed before it
 * overflows. (Five at a time keep every counter in a register.) */
static void
count_five_sse2 (const guint8 *p,
                 gsize         n,
                 const char    kinds[5],
                 gsize         sums[5])
{
  const __m128i zero = _mm_setzero_si128 ();
  const __m128i k0 = _mm_set1_epi8 (kinds[0]), k1 = _mm_set1_epi8 (kinds[1]);
  const __m128i k2 = _mm_set1_epi8 (kinds[2]), k3 = _mm_set1_epi8 (kinds[3]);
  const __m128i k4 = _mm_set1_epi8 (kinds[4]);
  gsize i = 0;

  while (n - i >= 16)
    {
      __m128i c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero;
      gsize stop = i + MIN ((n - i) / 16, 255) * 16;

      for (; i < stop; i += 16)
        {
          __m128i v = _mm_loadu_si128 ((const __m128i *) (gconstpointer) (p + i));

          c0 = _mm_sub_epi8 (c0, _mm_cmpeq_epi8 (v, k0));
          c1 = _mm_sub_epi8 (c1, _mm_cmpeq_epi8 (v, k1));
          c2 = _mm_sub_epi8 (c2, _mm_cmpeq_epi8 (v, k2));
          c3 = _mm_sub_epi8 (c3, _mm_cmpeq_epi8 (v, k3));
          c4 = _mm_sub_epi8 (c4, _mm_cmpeq_epi8 (v, k4));
        }
#define SUM(j, c) G_STMT_START { \
          __m128i sum = _mm_sad_epu8 (c, zero); \
          sums[j] += (gsize) _mm_cvtsi128_si32 (sum) + (gsize) _mm_cvtsi128_si32 (_mm_srli_si128 (sum, 8)); \
        } G_STMT_END
      SUM (0, c0); SUM (1, c1); SUM (2, c2); SUM (3, c3); SUM (4, c4);
#undef SUM
    }
  for (; i < n; i++)
    for (guint j = 0; j < 5; j++)
      sums[j] += p[i] == (guchar) kinds[j];
}

static void
count_heads_sse2 (const guint8 *p,
                  gsize         n,
                  gsize         counts[MPY_N_KINDS])
{
  static const char heads[10] = { 'h', 'T', 'L', 'D', 'S', 'A', 'F', 'B', 'M', 'm' };
  gsize sums[10] = { 0 };

  count_five_sse2 (p, n, heads, sums);
  count_five_sse2 (p, n, heads + 5, sums + 5);
  for (guint j = 0; j < G_N_ELEMENTS (heads); j++)
    counts[mpy_kind_get_index (heads[j])] += sums[j];
}
#endif

#ifdef MPY_SCAN_HAVE_SSE2
#include <immintrin.h>

/* count_five_sse2() 32 blocks at a time. */
__attribute__ ((target ("avx2")))
static void
count_five_avx2 (const guint8 *p,
                 gsize         n,
                 const char    kinds[5],
                 gsize         sums[5])
{
  const __m256i zero = _mm256_setzero_si256 ();
  const __m256i k0 = _mm256_set1_epi8 (kinds[0]), k1 = _mm256_set1_epi8 (kinds[1]);
  const __m256i k2 = _mm256_set1_epi8 (kinds[2]), k3 = _mm256_set1_epi8 (kinds[3]);
  const __m256i k4 = _mm256_set1_epi8 (kinds[4]);
  gsize i = 0;

  while (n - i >= 32)
    {
      __m256i c0 = zero, c1 = zero, c2 = zero, c3 = zero, c4 = zero;
      gsize stop = i + MIN ((n - i) / 32, 255) * 32;

      for (; i < stop; i += 32)
        {
          __m256i v = _mm256_loadu_si256 ((const __m256i *) (gconstpointer) (p + i));

          c0 = _mm256_sub_epi8 (c0, _mm256_cmpeq_epi8 (v, k0));
          c1 = _mm256_sub_epi8 (c1, _mm256_cmpeq_epi8 (v, k1));
          c2 = _mm256_sub_epi8 (c2, _mm256_cmpeq_epi8 (v, k2));
          c3 = _mm256_sub_epi8 (c3, _mm256_cmpeq_epi8 (v, k3));
          c4 = _mm256_sub_epi8 (c4, _mm256_cmpeq_epi8 (v, k4));
        }
#define SUM(j, c) G_STMT_START { \
          __m256i sad = _mm256_sad_epu8 (c, zero); \
          __m128i sum = _mm_add_epi32 (_mm256_castsi256_si128 (sad), _mm256_extracti128_si256 (sad, 1)); \
          sums[j] += (gsize) _mm_cvtsi128_si32 (sum) + (gsize) _mm_cvtsi128_si32 (_mm_srli_si128 (sum, 8)); \
        } G_STMT_END
      SUM (0, c0); SUM (1, c1); SUM (2, c2); SUM (3, c3); SUM (4, c4);
#undef SUM
    }
  for (; i < n; i++)
    for (guint j = 0; j < 5; j++)
      sums[j] += p[i] == (guchar) kinds[j];
}

static void
count_heads_avx2 (const guint8 *p,
                  gsize         n,
                  gsize         counts[MPY_N_KINDS])
{
  static const char heads[10] = { 'h', 'T', 'L', 'D', 'S', 'A', 'F', 'B', 'M', 'm' };
  gsize sums[10] = { 0 };

  count_five_avx2 (p, n, heads, sums);
  count_five_avx2 (p, n, heads + 5, sums + 5);
  for (guint j = 0; j < G_N_ELEMENTS (heads); j++)
    counts[mpy_kind_get_index (heads[j])] += sums[j];
}
#endif

static G_ALWAYS_INLINE inline void
compute_map_words_inline (gboolean       sse2,
                          gboolean       avx2,
                          const guint8  *kinds,
                          const MpyArea *areas,
                          guint          n_areas,
                          guint          bytes_per_block,
                          MpyStats      *stats)
{
  WordStats ws = { { 0 } };
  gsize head_blocks[MPY_N_KINDS] = { 0 };
  gsize n_blocks = 0;

  memset (stats, 0, sizeof *stats);
  stats->bytes_per_block = bytes_per_block;
  for (guint a = 0; a < n_areas; a++)
    {
      gsize n = areas[a].n_blocks;

      if (n == 0)   /* (kinds may be NULL when the whole map is empty) */
        continue;
      n_blocks += n;
      area_words (sse2, kinds + areas[a].first_block, n, areas[a].first_block, areas[a].base,
                  bytes_per_block, &ws);
#ifdef MPY_SCAN_HAVE_SSE2
      if (avx2)
        count_heads_avx2 (kinds + areas[a].first_block, n, head_blocks);
      else if (sse2)
        count_heads_sse2 (kinds + areas[a].first_block, n, head_blocks);
      else
#endif
        count_heads_words (kinds + areas[a].first_block, n, head_blocks);
    }

  ws.hist[0] = ws.objects - ws.len2;
  ws.hist[1] = ws.len2 - ws.len4;
  ws.hist[2] = ws.len4 - ws.len8;
  memcpy (stats->histogram, ws.hist, sizeof ws.hist);
  stats->n_blocks = n_blocks;
  stats->free_blocks = ws.free_blocks;
  stats->free_holes = ws.holes;
  stats->n_objects = ws.objects;
  stats->one_block_objects = ws.hist[0];
  stats->two_block_objects = ws.len2 - ws.len3;
  stats->largest_object = ws.largest > 0 ? ws.largest
                          : ws.len3 > 0 ? 3 : ws.len2 > 0 ? 2 : ws.objects > 0 ? 1 : 0;
  stats->largest_free_run = ws.run_max;
  stats->largest_free_run_start = ws.run_start;
  stats->largest_free_run_address = ws.run_address;
  for (int k = 0; k < MPY_N_KINDS; k++)
    {
      guint8 c = (guint8) mpy_kinds[k];

      if (c == MPY_KIND_FREE)
        stats->kind_blocks[k] = ws.free_blocks;
      else if (c == MPY_KIND_TAIL)
        stats->kind_blocks[k] = ws.tail_blocks;
      else
        stats->kind_blocks[k] = stats->kind_objects[k] = head_blocks[k];
    }
  stats->used_blocks = n_blocks - ws.free_blocks - head_blocks[mpy_kind_get_index (MPY_KIND_MARKED)];
  if (ws.free_blocks > 0)
    stats->fragmentation = 1.0 - (double) ws.run_max / (double) ws.free_blocks;
}

static void
compute_map_words (const guint8  *kinds,
                   const MpyArea *areas,
                   guint          n_areas,
                   guint          bytes_per_block,
                   MpyStats      *stats)
{
  compute_map_words_inline (FALSE, FALSE, kinds, areas, n_areas, bytes_per_block, stats);
}

#ifdef MPY_SCAN_HAVE_SSE2
__attribute__ ((target ("popcnt")))
static void
compute_map_sse2 (const guint8  *kinds,
                  const MpyArea *areas,
                  guint          n_areas,
                  guint          bytes_per_block,
                  MpyStats      *stats)
{
  compute_map_words_inline (TRUE, FALSE, kinds, areas, n_areas, bytes_per_block, stats);
}

__attribute__ ((target ("popcnt")))
static void
compute_map_avx2 (const guint8  *kinds,
                  const MpyArea *areas,
                  guint          n_areas,
                  guint          bytes_per_block,
                  MpyStats      *stats)
{
  compute_map_words_inline (TRUE, TRUE, kinds, areas, n_areas, bytes_per_block, stats);
}
#endif

void
_mpy_stats_compute_map_path (MpyScanPath    path,
                             const guint8  *kinds,
                             const MpyArea *areas,
                             guint          n_areas,
                             guint          bytes_per_block,
                             MpyStats      *stats)
{
  switch (path)
    {
#ifdef MPY_SCAN_HAVE_SSE2
    case MPY_SCAN_SSE2:
    case MPY_SCAN_SSSE3:   /* (the statistics have no use for PSHUFB) */
      g_return_if_fail (_mpy_scan_path_available (path));
      compute_map_sse2 (kinds, areas, n_areas, bytes_per_block, stats);
      return;
    case MPY_SCAN_AVX2:
      g_return_if_fail (_mpy_scan_path_available (path));
      compute_map_avx2 (kinds, areas, n_areas, bytes_per_block, stats);
      return;
#endif
    case MPY_SCAN_WORDS:
      compute_map_words (kinds, areas, n_areas, bytes_per_block, stats);
      return;
    case MPY_SCAN_BYTES:
    case MPY_N_SCAN_PATHS:
    default:
      compute_map_bytes (kinds, areas, n_areas, bytes_per_block, stats);
      return;
    }
}

void
_mpy_stats_compute_map (const guint8  *kinds,
                        const MpyArea *areas,
                        guint          n_areas,
                        guint          bytes_per_block,
                        MpyStats      *stats)
{
  _mpy_stats_compute_map_path (_mpy_scan_path_best (), kinds, areas, n_areas, bytes_per_block, stats);
}

void
_mpy_stats_exclude_missing (const guint8        *kinds,
                            const MpyArea       *areas,
                            guint                n_areas,
                            guint                bytes_per_block,
                            const MpyBlockRange *missing,
                            guint                n_missing,
                            MpyStats            *stats)
{
  gsize holes = 0, run_max = 0, run_start = 0, known_free = 0;
  guint64 run_address = 0;
  guint m = 0;

  if (n_missing == 0)
    return;
  for (guint a = 0; a < n_areas; a++)
    {
      gsize first = areas[a].first_block, end = first + areas[a].n_blocks;
      gsize i = first;

      while (i < end)
        {
          gsize j, stop = end;

          while (m < n_missing && missing[m].first_block + missing[m].n_blocks <= i)
            m++;
          if (m < n_missing && missing[m].first_block <= i)
            {
              i = MIN (missing[m].first_block + missing[m].n_blocks, end);   /* not received */
              continue;
            }
          if (m < n_missing && missing[m].first_block < end)
            stop = missing[m].first_block;
          if (kinds[i] != MPY_KIND_FREE)
            {
              i++;
              continue;
            }
          for (j = i + 1; j < stop && kinds[j] == MPY_KIND_FREE; j++)
            ;
          known_free += j - i;
          holes++;
          if (j - i > run_max)
            {
              run_max = j - i;
              run_start = i;
              run_address = areas[a].base + (guint64) (i - first) * bytes_per_block;
            }
          i = j;
        }
    }
  stats->free_holes = holes;
  stats->largest_free_run = run_max;
  stats->largest_free_run_start = run_start;
  stats->largest_free_run_address = run_address;
  stats->fragmentation = known_free > 0 ? 1.0 - (double) run_max / (double) known_free : 0.0;
}

/**
 * mpy_stats_compute:
 * @snapshot: a snapshot
 * @stats: (out caller-allocates): the statistics
 *
 * Fills @stats from the block map of @snapshot; all zero for a figures-only snapshot.
 */
void
mpy_stats_compute (MpySnapshot *snapshot,
                   MpyStats    *stats)
{
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (stats != NULL);

  /* The reader computed them once when it built the snapshot (it needs them
   * for the consistency verdict); snapshots are immutable. */
  *stats = _mpy_snapshot_get_data (snapshot)->stats;
}
