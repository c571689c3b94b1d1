/* mpy-dump-reader.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "mpy-dump-reader.h"
#include "mpy-file-loader.h"
#include "mpy-snapshot-private.h"
#include "mpy-stats.h"

#include <string.h>

G_DEFINE_QUARK (mpy-reader-error-quark, mpy_reader_error)

#define MAX_FILE_SIZE       (256u * 1024 * 1024)
#define MAX_NUMBER          (G_GUINT64_CONSTANT (1) << 48)
#define MAX_TOTAL_BLOCKS    ((gsize) 1 << 28)   /* per read: bounds what abbreviations may expand to */
#define MAX_DUMP_BLOCKS     ((gsize) 1 << 26)   /* per dump: 64 Mi blocks, 1 GiB of heap at 16 bytes */
#define MAX_DUMPS           100000   /* bounds memory on adversarial input */
#define MAX_GAP_REPORTS     3
#define MAX_UNCHECKED_GAP   65536    /* blocks a gap may span when no GC total bounds it */
#define MAX_REASONS         8
#define MASK_5              0xfffffu

/* One block line, or one `(N lines all free)` (digits 0), in reading order. */
typedef struct {
  guint64 offset;       /* as printed */
  gsize   index;        /* block index inside its area, counted from the lines */
  gsize   src;          /* index of its first block in Reader.kinds as read */
  gsize   n;            /* blocks it holds */
  gsize   target;       /* block index inside its area, placed by the offset */
  guint   line;         /* 1-based line number in the input */
  guint   area;
  guint8  digits;       /* 5 or 8; 0 for an abbreviation */
  gboolean cut_short;   /* < 64 blocks, and not the last line of its area */
} LineRec;

typedef struct {
  const char *text;
  gsize       length;
  gsize       line_start;
  GPtrArray  *dumps;
  gsize       blocks_budget;

  /* A `mem:` line waiting for its `stack:` line. */
  gboolean    pending_mem;
  gsize       pending_mem_start;
  guint64     pending_figures[3];
  guint32     pending_set;
  char       *pending_reason;

  /* The dump being read. */
  gboolean    in_dump;
  gsize       dump_start;
  gsize       dump_end;
  guint64     figures[MPY_N_FIGURES];
  guint32     figures_set;
  gboolean    have_gc_line;
  gboolean    have_blocks_line;
  GArray     *areas;          /* MpyArea */
  gboolean    area_open;
  gboolean    area_missing_header;
  guint8     *kinds;
  gsize       n_kinds;
  gsize       kinds_cap;
  gboolean    over_block_limit;   /* block lines past MAX_DUMP_BLOCKS were dropped */
  GArray     *lines;          /* LineRec */
  gboolean    prev_short;     /* the area's previous line had < 64 blocks */
  guint       prev_short_rec;   /* its index in lines */
  GPtrArray  *reasons;        /* char*, reasons for the damage verdict */
  guint       n_extra_reasons;
  GArray     *missing;        /* MpyBlockRange: lines not received, filled with free blocks */
} Reader;

static const guint8 hex_value[256] = {
  ['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
  ['7'] = 8, ['8'] = 9, ['9'] = 10, ['a'] = 11, ['b'] = 12, ['c'] = 13,
  ['d'] = 14, ['e'] = 15, ['f'] = 16,
};  /* value + 1; 0 = not a lowercase hex digit */

#define CHAR_INVALID   1
#define CHAR_NORMALISE 2
static guint8 char_flags[256];

static void
init_char_flags (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      for (guint c = 0; c < 256; c++)
        {
          guint8 k = _mpy_kind_from_char[c];

          char_flags[c] = k == 0 ? CHAR_INVALID : k != c ? CHAR_NORMALISE : 0;
        }
      g_once_init_leave (&done, 1);
    }
}

G_GNUC_PRINTF (2, 3) static void
add_reason (Reader     *r,
            const char *format,
            ...)
{
  va_list args;

  if (r->reasons->len >= MAX_REASONS)
    {
      r->n_extra_reasons++;
      return;
    }
  va_start (args, format);
  g_ptr_array_add (r->reasons, g_strdup_vprintf (format, args));
  va_end (args);
}

static inline gboolean
has_prefix (const char *s,
            gsize       n,
            const char *prefix,
            gsize       prefix_len)
{
  return n >= prefix_len && memcmp (s, prefix, prefix_len) == 0;
}
#define HAS_PREFIX(s, n, lit) has_prefix ((s), (n), (lit), sizeof (lit) - 1)

typedef enum {
  NUM_OK,
  NUM_NONE,
  NUM_ABSURD,
} NumResult;

/* Reads a decimal number at s[*i]; stops at MAX_NUMBER (absurd) without overflowing. */
static NumResult
parse_decimal (const char *s,
               gsize       n,
               gsize      *i,
               guint64    *value)
{
  guint64 v = 0;
  gsize start = *i;
  gboolean absurd = FALSE;

  while (*i < n && s[*i] >= '0' && s[*i] <= '9')
    {
      if (!absurd)
        {
          v = v * 10 + (guint64) (s[*i] - '0');
          if (v > MAX_NUMBER)
            absurd = TRUE;
        }
      (*i)++;
    }
  if (*i == start)
    return NUM_NONE;
  *value = v;
  return absurd ? NUM_ABSURD : NUM_OK;
}

typedef struct {
  const char *literal;
  int         figure;     /* MpyFigure, or -1 for none */
} Field;

/* Parses "literal number literal number …" from s[*i]. The first @n_required
 * fields must be there; later ones are optional but all-or-nothing each.
 * Figures go to @figures/@set; problems become damage reasons. */
static void
parse_fields (Reader      *r,
              const char  *s,
              gsize        n,
              gsize        i,
              guint        line_no,
              const Field *fields,
              guint        n_fields,
              guint        n_required,
              guint64     *figures,
              guint32     *set,
              char       **reason_out)
{
  g_autofree char *reason = NULL;

  for (guint f = 0; f < n_fields; f++)
    {
      gsize lit_len = strlen (fields[f].literal);
      guint64 value = 0;
      gsize num_start;
      NumResult res;

      if (!has_prefix (s + i, n - i, fields[f].literal, lit_len))
        {
          if (f >= n_required && i == n)
            break;
          if (reason == NULL)   /* the first problem on the line is the one to report */
            reason = g_strdup_printf ("line %u, column %zu: expected “%s”%s",
                                      line_no, i + 1, fields[f].literal,
                                      i == n ? " but the line ends (cut off?)" : "");
          goto out;
        }
      i += lit_len;
      num_start = i;
      res = parse_decimal (s, n, &i, &value);
      if (res == NUM_NONE)
        {
          if (reason == NULL)
            reason = g_strdup_printf ("line %u, column %zu: expected a number after “%s”",
                                      line_no, i + 1, fields[f].literal);
          goto out;
        }
      if (res == NUM_ABSURD)
        {
          if (reason == NULL)
            reason = g_strdup_printf ("line %u, column %zu: the number after “%s” is too large to be real",
                                      line_no, num_start + 1, fields[f].literal);
          continue;
        }
      if (fields[f].figure >= 0)
        {
          figures[fields[f].figure] = value;
          *set |= 1u << fields[f].figure;
        }
    }
  if (reason == NULL && i < n)
    reason = g_strdup_printf ("line %u, column %zu: unexpected text after the figures",
                              line_no, i + 1);
out:
  if (reason_out)
    *reason_out = g_steal_pointer (&reason);
  else if (reason)
    add_reason (r, "%s", reason);
}

static const Field mem_fields[] = {
  { "mem: total=", MPY_FIGURE_MEM_TOTAL },
  { ", current=", MPY_FIGURE_MEM_CURRENT },
  { ", peak=", MPY_FIGURE_MEM_PEAK },
};
static const Field stack_fields[] = {
  { "stack: ", MPY_FIGURE_STACK_USED },
  { " out of ", MPY_FIGURE_STACK_LIMIT },
};
static const Field gc_fields[] = {
  { "GC: total: ", MPY_FIGURE_GC_TOTAL },
  { ", used: ", MPY_FIGURE_GC_USED },
  { ", free: ", MPY_FIGURE_GC_FREE },
  { ", max new split: ", MPY_FIGURE_GC_MAX_NEW_SPLIT },
};
static const Field blocks_fields[] = {
  { "No. of 1-blocks: ", MPY_FIGURE_ONE_BLOCKS },
  { ", 2-blocks: ", MPY_FIGURE_TWO_BLOCKS },
  { ", max blk sz: ", MPY_FIGURE_MAX_BLOCK },
  { ", max free sz: ", MPY_FIGURE_MAX_FREE },
};

static void
reset_dump (Reader *r)
{
  r->in_dump = FALSE;
  memset (r->figures, 0, sizeof r->figures);
  r->figures_set = 0;
  r->have_gc_line = FALSE;
  r->have_blocks_line = FALSE;
  g_array_set_size (r->areas, 0);
  r->area_open = FALSE;
  r->area_missing_header = FALSE;
  r->kinds = NULL;
  r->n_kinds = 0;
  r->kinds_cap = 0;
  r->over_block_limit = FALSE;
  g_array_set_size (r->lines, 0);
  r->prev_short = FALSE;
  g_ptr_array_set_size (r->reasons, 0);
  r->n_extra_reasons = 0;
  g_array_set_size (r->missing, 0);
}

static void
clear_pending_mem (Reader *r)
{
  r->pending_mem = FALSE;
  g_clear_pointer (&r->pending_reason, g_free);
}

static void
ensure_kinds (Reader *r,
              gsize   extra)
{
  gsize need = r->n_kinds + extra;

  if (need <= r->kinds_cap)
    return;
  if (r->kinds_cap == 0 && (r->figures_set & (1u << MPY_FIGURE_GC_TOTAL)))
    {
      /* First guess from the header (16-byte blocks), bounded by the text
       * left: one character per block. Saves regrowing a large map. */
      guint64 guess = MIN (r->figures[MPY_FIGURE_GC_TOTAL] / 16, (guint64) (r->length - r->line_start));

      r->kinds_cap = (gsize) guess;
    }
  r->kinds_cap = MAX (r->kinds_cap, 4096);
  if (need <= r->kinds_cap)
    {
      r->kinds = g_realloc (r->kinds, r->kinds_cap);
      return;
    }
  /* Doubling, but never past what a dump may hold: a large abbreviation costs one byte per
   * block and no more. */
  r->kinds_cap = MAX (r->kinds_cap * 2, 4096);
  while (r->kinds_cap < need)
    r->kinds_cap *= 2;
  r->kinds_cap = MAX (MIN (r->kinds_cap, MAX_DUMP_BLOCKS + 64), need);
  r->kinds = g_realloc (r->kinds, r->kinds_cap);
}

static MpyArea *
current_area (Reader *r)
{
  return &g_array_index (r->areas, MpyArea, r->areas->len - 1);
}

static void
format_offset (char    *buf,
               gsize    size,
               guint64  offset,
               guint8   digits)
{
  if (digits == 5)
    g_snprintf (buf, size, "%05" G_GINT64_MODIFIER "x", offset & MASK_5);
  else
    g_snprintf (buf, size, "%08" G_GINT64_MODIFIER "x", offset);
}

/* Bytes per block from the offset steps: the smallest step per counted block
 * between two block lines of an area (a lost line only makes a step larger). */
static guint
bpb_from_offsets (Reader *r)
{
  guint64 best = 0;
  const LineRec *prev = NULL;

  for (guint k = 0; k < r->lines->len; k++)
    {
      const LineRec *cur = &g_array_index (r->lines, LineRec, k);
      guint64 d, b;

      if (cur->digits == 0)
        continue;
      if (prev == NULL || prev->area != cur->area || cur->index <= prev->index
          || prev->digits != cur->digits)
        {
          prev = cur;
          continue;
        }
      b = cur->index - prev->index;
      if (cur->digits == 5)
        d = b > 16384 ? 0 : (cur->offset - prev->offset) & MASK_5;   /* the step could have wrapped at 1 MiB */
      else
        d = cur->offset > prev->offset ? cur->offset - prev->offset : 0;
      prev = cur;
      if (d == 0 || d % b != 0)
        continue;
      if (best == 0 || d / b < best)
        best = d / b;
    }
  return best > 0 && best <= 4096 ? (guint) best : 0;
}

/* Where a block line's printed offset puts it in its area, given that the
 * lines before it end at block @pos. Returns FALSE if the offset cannot be a
 * block boundary. 5-digit offsets are compared modulo 1 MiB, so a skipped line
 * is found even where they wrap. */
static gboolean
target_of_line (const LineRec *rec,
                gsize          pos,
                guint64        origin,
                guint          bpb,
                gsize         *target,
                guint64       *expected)
{
  if (rec->digits == 8)
    {
      *expected = (guint64) pos * bpb;
      if (rec->offset % bpb != 0)
        return FALSE;
      *target = (gsize) (rec->offset / bpb);
      return TRUE;
    }
  else
    {
      guint64 e = (origin + (guint64) pos * bpb) & MASK_5;
      guint64 d = (rec->offset - e) & MASK_5;

      *expected = e;
      if (d % bpb != 0)
        return FALSE;
      if (d < (MASK_5 + 1) / 2)
        {
          *target = pos + (gsize) (d / bpb);
          return TRUE;
        }
      d = (MASK_5 + 1 - d) / bpb;   /* behind by d blocks */
      if (d > pos)
        return FALSE;
      *target = pos - (gsize) d;
      return TRUE;
    }
}

/* Places every block line at the index its offset gives (a lost line leaves a
 * gap, filled with free blocks and recorded in r->missing), names each gap and
 * each line out of order in the reasons, and rebuilds r->kinds and r->areas if
 * anything moved. @limit is the block count the header allows (0: unknown). */
static void
place_blocks (Reader *r,
              guint   bpb,
              guint64 limit)
{
  MpyArea *areas = (MpyArea *) (gpointer) r->areas->data;
  guint n_problems = 0, k = 0;
  gboolean moved = FALSE;
  gsize out_first = 0;

  for (guint a = 0; a < r->areas->len; a++)
    {
      gsize pos = 0;
      gboolean first = TRUE;
      guint64 origin = 0;   /* 5-digit offsets before v1.8.1 count from address 0 */

      for (; k < r->lines->len; k++)
        {
          LineRec *rec = &g_array_index (r->lines, LineRec, k);
          gsize target;
          guint64 expected;
          gboolean ok;
          char exp_s[24], act_s[24], last_s[24];
          g_autofree char *where = NULL;

          if (rec->area != a)
            break;
          rec->target = pos;
          if (rec->digits == 0)
            {
              pos += rec->n;
              continue;
            }
          if (first && rec->digits == 5)
            {
              guint64 d_rel = (rec->offset - (guint64) pos * bpb) & MASK_5;
              guint64 d_abs = (rec->offset - areas[a].base - (guint64) pos * bpb) & MASK_5;

              /* Before v1.8.1 the prefix was the address & 0xfffff: taken when the
               * first line matches it, or is nearer to it on firmware older than
               * v1.8.2 (no “max free sz”) whose first line was lost. */
              if (d_rel != 0 && (d_abs == 0 || (!(r->figures_set & (1u << MPY_FIGURE_MAX_FREE))
                                                && d_abs < d_rel)))
                origin = areas[a].base;
            }
          first = FALSE;
          ok = target_of_line (rec, pos, origin, bpb, &target, &expected);
          if (ok && target == pos)
            {
              pos += rec->n;
              continue;
            }
          if (ok && target > pos)
            {
              gsize gap = target - pos;
              gsize later = r->n_kinds - rec->src;   /* blocks read from here on */

              if (limit > 0)
                ok = (guint64) out_first + pos + gap + later <= limit;
              else
                ok = gap <= MAX_UNCHECKED_GAP;
              ok = ok && gap <= r->blocks_budget;
            }

          n_problems++;
          where = r->areas->len > 1
            ? g_strdup_printf (" in the area from %" G_GINT64_MODIFIER "x", areas[a].base)
            : g_strdup ("");
          format_offset (exp_s, sizeof exp_s, expected, rec->digits);
          format_offset (act_s, sizeof act_s, rec->offset, rec->digits);
          if (!ok)
            {
              /* A garbled offset: keep the line where the counting puts it. */
              if (n_problems <= MAX_GAP_REPORTS)
                add_reason (r, "line %u: offset %s does not fit%s (expected %s after the lines before it)",
                            rec->line, act_s, where, exp_s);
              pos += rec->n;
              continue;
            }
          moved = TRUE;
          if (target > pos)
            {
              gsize gap = target - pos, gap_at = pos;
              MpyBlockRange range;
              guint64 first_addr;
              LineRec *before = NULL;
              g_autofree char *cause = NULL;

              /* `(N lines all free)` follows the line printed before it: lines
               * lost just before it are missing in front of it. */
              for (guint j = k; j > 0; j--)
                {
                  LineRec *abbr = &g_array_index (r->lines, LineRec, j - 1);

                  if (abbr->area != a)
                    break;
                  if (abbr->digits != 0)
                    {
                      before = abbr;
                      break;
                    }
                  gap_at = abbr->target;
                  abbr->target += gap;
                }
              /* A line cut short: its end is (part of) the gap. */
              if (before != NULL && before->cut_short && before->target + before->n == gap_at)
                {
                  before->cut_short = FALSE;
                  cause = g_strdup_printf ("line %u has only %zu blocks, ", before->line, before->n);
                }
              expected -= (guint64) (pos - gap_at) * bpb;
              if (rec->digits == 5)
                expected &= MASK_5;
              format_offset (exp_s, sizeof exp_s, expected, rec->digits);
              range.first_block = out_first + gap_at;
              range.n_blocks = gap;
              first_addr = areas[a].base + (guint64) gap_at * bpb;

              r->blocks_budget -= range.n_blocks;
              g_array_append_val (r->missing, range);
              format_offset (last_s, sizeof last_s, expected + (guint64) range.n_blocks * bpb - 1,
                             rec->digits);
              if (n_problems <= MAX_GAP_REPORTS)
                add_reason (r, "blocks 0x%04zx–0x%04zx%s missing (%soffsets %s–%s not received, "
                            "line %u continues at %s), shown as free blocks at 0x%" G_GINT64_MODIFIER
                            "x–0x%" G_GINT64_MODIFIER "x so that later addresses stay right",
                            gap_at, gap_at + gap - 1, where, cause ? cause : "lines at ",
                            exp_s, last_s, rec->line, act_s,
                            first_addr, first_addr + (guint64) range.n_blocks * bpb - 1);
            }
          else if (n_problems <= MAX_GAP_REPORTS)
            add_reason (r, "line %u: offset %s is out of order%s (expected %s after the lines before it)",
                        rec->line, act_s, where, exp_s);
          rec->target = target;
          pos = MAX (pos, target + rec->n);
        }
      areas[a].n_blocks = pos;   /* unchanged unless a line moved */
      out_first += pos;
    }
  if (n_problems > MAX_GAP_REPORTS)
    add_reason (r, "%u more places where lines are missing or out of order",
                n_problems - MAX_GAP_REPORTS);
  for (k = 0; k < r->lines->len; k++)
    {
      const LineRec *rec = &g_array_index (r->lines, LineRec, k);

      if (rec->cut_short)
        add_reason (r, "line %u has only %zu blocks but is not the last line of its area (line cut short)",
                    rec->line, rec->n);
    }
  if (!moved)
    return;

  /* Copy every line to its place; gaps are free. */
  {
    guint8 *kinds = g_malloc (MAX (out_first, 1));
    gsize first_block = 0;

    memset (kinds, MPY_KIND_FREE, out_first);
    k = 0;
    for (guint a = 0; a < r->areas->len; a++)
      {
        areas[a].first_block = first_block;
        for (; k < r->lines->len; k++)
          {
            const LineRec *rec = &g_array_index (r->lines, LineRec, k);

            if (rec->area != a)
              break;
            if (rec->digits != 0)   /* (abbreviations are free already) */
              memcpy (kinds + first_block + rec->target, r->kinds + rec->src, rec->n);
          }
        first_block += areas[a].n_blocks;
      }
    g_free (r->kinds);
    r->kinds = kinds;
    r->n_kinds = out_first;
    r->kinds_cap = MAX (out_first, 1);
  }
}

static guint
round_pow2 (guint64 v)
{
  guint p = 1;

  while (p < v && p < 4096)
    p <<= 1;
  return p;
}

static void
finish_dump (Reader *r)
{
  MpySnapshotData *data;
  MpyStats *st;
  guint bpb = 0, bpb_off, bpb_hdr = 0;
  gsize n_blocks;
  GString *reason;
  guint64 total = r->figures[MPY_FIGURE_GC_TOTAL];
  gboolean have_total = (r->figures_set & (1u << MPY_FIGURE_GC_TOTAL)) != 0;
  g_autoptr(GPtrArray) structural = NULL;

  if (!r->in_dump)
    return;

  data = _mpy_snapshot_data_new ();
  memcpy (data->figures, r->figures, sizeof data->figures);
  data->figures_set = r->figures_set;
  data->has_map = r->areas->len > 0;
  n_blocks = r->n_kinds;

  {
    gsize len = r->dump_end - r->dump_start;
    char *raw = g_malloc (len + 1);

    memcpy (raw, r->text + r->dump_start, len);
    raw[len] = '\0';
    data->raw = g_bytes_new_take (raw, len + 1);
  }

  /* The structural problems found while reading come first in the reason. */
  structural = g_steal_pointer (&r->reasons);
  r->reasons = g_ptr_array_new_with_free_func (g_free);

  if (!r->have_gc_line)
    add_reason (r, "no “GC: total:” line, so the dump cannot be checked (the start of the dump was not received)");
  else if (!r->have_blocks_line)
    add_reason (r, "the “ No. of 1-blocks” line is missing (dump cut off?)");

  if (data->has_map)
    {
      const MpyArea *areas = (const MpyArea *) (gpointer) r->areas->data;

      for (guint a = 0; a < r->areas->len; a++)
        if (areas[a].n_blocks == 0)
          add_reason (r, "the area from %" G_GINT64_MODIFIER "x has no block lines (dump cut off?)",
                      areas[a].base);

      /* GC total / blocks read, cross-checked with the offset steps: a lost
       * line changes the count but not the steps between the lines left. */
      bpb_off = bpb_from_offsets (r);
      if (have_total && n_blocks > 0 && total % n_blocks == 0 && total / n_blocks <= 4096)
        bpb_hdr = (guint) (total / n_blocks);
      if (bpb_hdr != 0 && (bpb_off == 0 || bpb_off == bpb_hdr))
        bpb = bpb_hdr;
      else if (bpb_off != 0 && (!have_total || total % bpb_off == 0 || bpb_hdr == 0))
        bpb = bpb_off;
      else
        bpb = bpb_hdr;
      if (bpb == 0)
        {
          bpb = have_total && n_blocks > 0 ? round_pow2 (total / n_blocks) : 16;
          add_reason (r, "the block size cannot be worked out from the map; assuming %u byte%s per block",
                      bpb, bpb == 1 ? "" : "s");
        }
      if (r->area_missing_header)
        add_reason (r, "the “GC memory layout; from …” line is missing, so block addresses are unknown");
      place_blocks (r, bpb, have_total ? total / bpb : 0);
      n_blocks = r->n_kinds;
    }
  data->bytes_per_block = bpb;
  data->n_areas = r->areas->len;
  data->areas = (MpyArea *) (gpointer) g_array_free (g_array_copy (r->areas), FALSE);
  if (r->kinds != NULL && r->kinds_cap > n_blocks + n_blocks / 4 + 4096)
    r->kinds = g_realloc (r->kinds, MAX (n_blocks, 1));
  data->kinds = r->kinds ? g_bytes_new_take (r->kinds, n_blocks) : g_bytes_new (NULL, 0);
  r->kinds = NULL;
  if (r->missing->len > 0)
    {
      data->n_missing = r->missing->len;
      data->missing = g_memdup2 (r->missing->data, r->missing->len * sizeof (MpyBlockRange));
    }

  st = &data->stats;
  _mpy_stats_compute_map (g_bytes_get_data (data->kinds, NULL), data->areas, data->n_areas, bpb, st);
  _mpy_stats_exclude_missing (g_bytes_get_data (data->kinds, NULL), data->areas, data->n_areas, bpb,
                              data->missing, data->n_missing, st);

  if (data->has_map && r->have_gc_line)
    {
      guint64 v;

      if (have_total && (guint64) n_blocks * bpb != total)
        {
          const LineRec *last = NULL;

          for (guint k = r->lines->len; k > 0 && last == NULL; k--)
            if (g_array_index (r->lines, LineRec, k - 1).digits != 0)
              last = &g_array_index (r->lines, LineRec, k - 1);

          /* With one area, blocks short of the total were lost at its end. */
          if (data->n_areas == 1 && (guint64) n_blocks * bpb < total
              && total % bpb == 0 && total / bpb - n_blocks < G_MAXSIZE / 2)
            {
              char from[24];

              format_offset (from, sizeof from, (guint64) n_blocks * bpb, last ? last->digits : 8);
              add_reason (r, "blocks 0x%04zx–0x%04" G_GINT64_MODIFIER "x at the end of the map missing "
                          "(lines from offset %s on not received; dump cut off?)",
                          n_blocks, total / bpb - 1, from);
            }
          add_reason (r, "map has %zu blocks of %u bytes = %" G_GUINT64_FORMAT " bytes, header says total %" G_GUINT64_FORMAT,
                      n_blocks, bpb, (guint64) n_blocks * bpb, total);
        }
      if (r->figures_set & (1u << MPY_FIGURE_GC_USED)
          && (v = r->figures[MPY_FIGURE_GC_USED]) != (guint64) st->used_blocks * bpb)
        add_reason (r, "map has %" G_GUINT64_FORMAT " used bytes, header says %" G_GUINT64_FORMAT,
                    (guint64) st->used_blocks * bpb, v);
      if (r->figures_set & (1u << MPY_FIGURE_GC_FREE)
          && (v = r->figures[MPY_FIGURE_GC_FREE]) != (guint64) st->free_blocks * bpb)
        add_reason (r, "map has %" G_GUINT64_FORMAT " free bytes, header says %" G_GUINT64_FORMAT,
                    (guint64) st->free_blocks * bpb, v);
      if (r->figures_set & (1u << MPY_FIGURE_MAX_FREE)
          && (v = r->figures[MPY_FIGURE_MAX_FREE]) != st->largest_free_run)
        add_reason (r, "longest free run in the map is %zu blocks, header says max free sz %" G_GUINT64_FORMAT,
                    st->largest_free_run, v);
      if (r->figures_set & (1u << MPY_FIGURE_ONE_BLOCKS)
          && (v = r->figures[MPY_FIGURE_ONE_BLOCKS]) != st->one_block_objects)
        add_reason (r, "map has %zu 1-block objects, header says %" G_GUINT64_FORMAT,
                    st->one_block_objects, v);
      if (r->figures_set & (1u << MPY_FIGURE_TWO_BLOCKS)
          && (v = r->figures[MPY_FIGURE_TWO_BLOCKS]) != st->two_block_objects)
        add_reason (r, "map has %zu 2-block objects, header says %" G_GUINT64_FORMAT,
                    st->two_block_objects, v);
      if (r->figures_set & (1u << MPY_FIGURE_MAX_BLOCK)
          && (v = r->figures[MPY_FIGURE_MAX_BLOCK]) != st->largest_object)
        add_reason (r, "longest object in the map is %zu blocks, header says max blk sz %" G_GUINT64_FORMAT,
                    st->largest_object, v);
    }
  else if (r->have_gc_line)
    {
      guint64 used = r->figures[MPY_FIGURE_GC_USED], fr = r->figures[MPY_FIGURE_GC_FREE];
      guint32 need = (1u << MPY_FIGURE_GC_TOTAL) | (1u << MPY_FIGURE_GC_USED) | (1u << MPY_FIGURE_GC_FREE);

      if ((r->figures_set & need) == need && used + fr != total)
        add_reason (r, "header figures disagree: used %" G_GUINT64_FORMAT " + free %" G_GUINT64_FORMAT
                    " is not the total %" G_GUINT64_FORMAT, used, fr, total);
    }

  if (structural->len > 0 || r->reasons->len > 0)
    {
      reason = g_string_new (NULL);
      for (guint k = 0; k < structural->len; k++)
        {
          if (reason->len)
            g_string_append (reason, "; ");
          g_string_append (reason, g_ptr_array_index (structural, k));
        }
      for (guint k = 0; k < r->reasons->len; k++)
        {
          if (reason->len)
            g_string_append (reason, "; ");
          g_string_append (reason, g_ptr_array_index (r->reasons, k));
        }
      if (r->n_extra_reasons)
        g_string_append_printf (reason, "; and %u more problems", r->n_extra_reasons);
      data->damage_reason = g_string_free (reason, FALSE);
    }

  g_ptr_array_add (r->dumps, _mpy_snapshot_new_take (data));
  reset_dump (r);
}

static void
start_dump (Reader *r,
            gsize   start)
{
  finish_dump (r);
  r->in_dump = TRUE;
  r->dump_start = start;
  r->dump_end = start;
}

static void
close_area (Reader *r)
{
  r->area_open = FALSE;
  r->prev_short = FALSE;
}

static void
open_area (Reader  *r,
           guint64  base)
{
  MpyArea area = { base, r->n_kinds, 0 };

  close_area (r);
  g_array_append_val (r->areas, area);
  r->area_open = TRUE;
}

/* A line after a short (< 64 blocks) line in the same area: the short one lost its end. */
static void
check_prev_short (Reader *r)
{
  /* Named when the blocks are placed: with the gap it leaves, if the next offset shows one. */
  if (r->prev_short)
    g_array_index (r->lines, LineRec, r->prev_short_rec).cut_short = TRUE;
  r->prev_short = FALSE;
}

/* Returns TRUE if s[0..n) is a block line (and takes it). */
static gboolean
try_block_line (Reader     *r,
                const char *s,
                gsize       n,
                guint       line_no)
{
  guint digits = 0;
  guint64 offset = 0;
  gsize n_chars;
  guint8 *out;
  LineRec rec;

  while (digits < n && digits < 9 && hex_value[(guchar) s[digits]])
    {
      offset = (offset << 4) | (guint64) (hex_value[(guchar) s[digits]] - 1);
      digits++;
    }
  if ((digits != 5 && digits != 8) || n < digits + 3 || s[digits] != ':' || s[digits + 1] != ' ')
    return FALSE;
  n_chars = n - digits - 2;
  if (n_chars > 64)
    return FALSE;

  /* Only block lines inside a dump count; `cafe0: hello` anywhere is noise. */
  if (!r->in_dump)
    return FALSE;
  if (G_UNLIKELY (r->n_kinds + n_chars > MAX_DUMP_BLOCKS))
    {
      if (!r->over_block_limit)
        add_reason (r, "line %u: the map goes on past %" G_GSIZE_FORMAT " blocks (64 Mi, 1 GiB of "
                    "heap at 16 bytes per block), more than MpyMemMap reads of one dump; the "
                    "lines from here on are not read", line_no, MAX_DUMP_BLOCKS);
      r->over_block_limit = TRUE;
      return TRUE;
    }
  ensure_kinds (r, 64);
  out = r->kinds + r->n_kinds;
  s += digits + 2;
  {
    /* One table lookup per character, no branch: invalid characters and the
     * ones that need normalising ('t', 'Q', 'q') only set flags. */
    guint8 flags = 0;

    for (gsize i = 0; i < n_chars; i++)
      flags |= char_flags[(guchar) s[i]];
    if (G_UNLIKELY (flags & CHAR_INVALID))
      {
        /* Mostly kind characters: a block line with a corrupted character
         * (keep its blocks in place, read the bad one as a head). Mostly
         * other text (`cafe0: hello`): not a block line. */
        gsize n_bad = 0, first_bad = 0;

        for (gsize i = 0; i < n_chars; i++)
          if (_mpy_kind_from_char[(guchar) s[i]] == 0 && n_bad++ == 0)
            first_bad = i;
        if (n_chars - n_bad < 2 * n_bad)
          return FALSE;
        for (gsize i = 0; i < n_chars; i++)
          {
            guint8 k = _mpy_kind_from_char[(guchar) s[i]];

            out[i] = k != 0 ? k : MPY_KIND_HEAD;
          }
        {
          guchar c = (guchar) s[first_bad];
          char shown[8];

          if (c >= 0x20 && c < 0x7f)
            g_snprintf (shown, sizeof shown, "%c", c);
          else
            g_snprintf (shown, sizeof shown, "\\x%02x", c);
          if (n_bad == 1)
            add_reason (r, "line %u, column %zu: unknown block kind '%s' (read as a head block)",
                        line_no, digits + 2 + first_bad + 1, shown);
          else
            add_reason (r, "line %u, column %zu: unknown block kind '%s' and %zu more unknown "
                        "characters on the line (read as head blocks)",
                        line_no, digits + 2 + first_bad + 1, shown, n_bad - 1);
        }
      }
    else if (G_UNLIKELY (flags & CHAR_NORMALISE))
      for (gsize i = 0; i < n_chars; i++)
        out[i] = _mpy_kind_from_char[(guchar) s[i]];
    else
      memcpy (out, s, n_chars);
  }

  clear_pending_mem (r);
  if (!r->area_open)
    {
      r->area_missing_header = TRUE;
      open_area (r, 0);
    }
  check_prev_short (r);

  rec.offset = offset;
  rec.index = current_area (r)->n_blocks;
  rec.src = r->n_kinds;
  rec.n = n_chars;
  rec.target = 0;
  rec.line = line_no;
  rec.area = r->areas->len - 1;
  rec.digits = (guint8) digits;
  rec.cut_short = FALSE;
  g_array_append_val (r->lines, rec);

  r->n_kinds += n_chars;
  current_area (r)->n_blocks += n_chars;
  if (n_chars < 64)
    {
      r->prev_short = TRUE;
      r->prev_short_rec = r->lines->len - 1;
    }
  return TRUE;
}

/* `       (N lines all free)` */
static gboolean
try_free_lines (Reader     *r,
                const char *s,
                gsize       n,
                guint       line_no)
{
  gsize i = 0;
  guint64 lines = 0;
  NumResult res;
  static const char tail[] = " lines all free)";

  while (i < n && s[i] == ' ')
    i++;
  if (i == 0 || i >= n || s[i] != '(')
    return FALSE;
  i++;
  res = parse_decimal (s, n, &i, &lines);
  if (res == NUM_NONE || n - i != sizeof tail - 1 || memcmp (s + i, tail, sizeof tail - 1) != 0)
    return FALSE;
  if (!r->in_dump || !r->area_open)
    return r->in_dump ? (add_reason (r, "line %u: “(N lines all free)” outside a memory layout", line_no), TRUE)
                      : FALSE;

  clear_pending_mem (r);
  check_prev_short (r);
  if (res == NUM_ABSURD || lines * 64 > r->blocks_budget
      || lines * 64 > MAX_DUMP_BLOCKS - MIN (r->n_kinds, MAX_DUMP_BLOCKS))
    {
      gsize digits_start = 0;

      while (s[digits_start] != '(')
        digits_start++;
      digits_start++;
      /* Checked before anything is allocated: the 40 bytes of this line must not cost a
       * byte per block they claim (issue 8.11). */
      add_reason (r, "line %u, column %zu: “(%.*s%s lines all free)” would make the map larger "
                  "than %" G_GSIZE_FORMAT " blocks (64 Mi, 1 GiB of heap at 16 bytes per block), "
                  "more than MpyMemMap reads of one dump: too large to be real; not expanded",
                  line_no, digits_start + 1, (int) MIN (i - digits_start, 20), s + digits_start,
                  i - digits_start > 20 ? "…" : "", MAX_DUMP_BLOCKS);
      return TRUE;
    }
  if (lines == 0)   /* (firmware prints it for 2 lines or more) */
    return TRUE;
  {
    LineRec rec = { 0, current_area (r)->n_blocks, r->n_kinds, lines * 64, 0, line_no,
                    r->areas->len - 1, 0, FALSE };

    g_array_append_val (r->lines, rec);
  }
  r->blocks_budget -= lines * 64;
  ensure_kinds (r, lines * 64);
  memset (r->kinds + r->n_kinds, MPY_KIND_FREE, lines * 64);
  r->n_kinds += lines * 64;
  current_area (r)->n_blocks += lines * 64;
  return TRUE;
}

/* `GC memory layout; from <hex>:` */
static gboolean
try_layout (Reader     *r,
            const char *s,
            gsize       n,
            gsize       line_start,
            guint       line_no)
{
  static const char prefix[] = "GC memory layout; from ";
  gsize i = sizeof prefix - 1, digits_start;
  guint64 base = 0;
  gboolean absurd = FALSE;

  if (!HAS_PREFIX (s, n, prefix))
    {
      /* The header cut off mid-line ends a dump that was cut off. */
      if (r->in_dump && n >= 4 && n < sizeof prefix - 1 && memcmp (s, prefix, n) == 0)
        {
          add_reason (r, "line %u: the “GC memory layout” line is cut off (dump cut off?)", line_no);
          return TRUE;
        }
      return FALSE;
    }
  digits_start = i;
  if (i + 1 < n && s[i] == '0' && s[i + 1] == 'x')
    i += 2, digits_start = i;
  while (i < n && hex_value[(guchar) s[i]])
    {
      if (i - digits_start >= 16)
        absurd = TRUE;
      else
        base = (base << 4) | (guint64) (hex_value[(guchar) s[i]] - 1);
      i++;
    }
  if (i == digits_start || i >= n || s[i] != ':')
    {
      /* Looks like the header but is not readable: still a new area. */
      if (!r->in_dump)
        start_dump (r, line_start);
      add_reason (r, "line %u, column %zu: expected a hex address and “:” after “%s”",
                  line_no, i + 1, prefix);
      base = 0;
    }
  else
    {
      if (!r->in_dump)
        start_dump (r, line_start);
      if (absurd)
        {
          add_reason (r, "line %u, column %zu: the heap address is too large to be real",
                      line_no, digits_start + 1);
          base = 0;
        }
      if (i + 1 < n)
        add_reason (r, "line %u, column %zu: unexpected text after the layout header",
                    line_no, i + 2);
    }
  clear_pending_mem (r);
  open_area (r, base);   /* a short last line is fine: the area ended */
  return TRUE;
}

static void
handle_line (Reader *r,
             gsize   start,
             gsize   content_end,
             gsize   line_end,
             guint   line_no)
{
  const char *s = r->text + start;
  gsize n = content_end - start;
  gsize skip = 0;
  gboolean taken = FALSE;

  if (n == 0)
    return;

  switch (s[0])
    {
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    case '8': case '9': case 'a': case 'b': case 'c': case 'd': case 'e': case 'f':
      taken = try_block_line (r, s, n, line_no);
      break;

    case ' ':
      if (HAS_PREFIX (s, n, " No. of 1-blocks: "))
        skip = 1;
      else
        {
          taken = try_free_lines (r, s, n, line_no);
          break;
        }
      G_GNUC_FALLTHROUGH;
    case 'N':
      if (HAS_PREFIX (s + skip, n - skip, "No. of 1-blocks: "))
        {
          clear_pending_mem (r);
          if (!r->in_dump || r->have_blocks_line || r->areas->len > 0)
            start_dump (r, start);
          r->have_blocks_line = TRUE;
          parse_fields (r, s, n, skip, line_no, blocks_fields, G_N_ELEMENTS (blocks_fields), 3,
                        r->figures, &r->figures_set, NULL);
          taken = TRUE;
        }
      break;

    case 'G':
      if (HAS_PREFIX (s, n, "GC: total: "))
        {
          clear_pending_mem (r);
          if (!r->in_dump || r->have_gc_line || r->have_blocks_line || r->areas->len > 0)
            start_dump (r, start);
          r->have_gc_line = TRUE;
          parse_fields (r, s, n, 0, line_no, gc_fields, G_N_ELEMENTS (gc_fields), 3,
                        r->figures, &r->figures_set, NULL);
          taken = TRUE;
        }
      else
        taken = try_layout (r, s, n, start, line_no);
      break;

    default:
      break;
    }

  if (!taken)
    {
      /* Raw-REPL framing may precede the first line: `OK`, `\x04`, `>`. */
      while (skip < n && (s[skip] == '\x04' || s[skip] == '>'
                          || (s[skip] == 'O' && skip + 1 < n && s[skip + 1] == 'K')))
        skip += s[skip] == 'O' ? 2 : 1;

      if (HAS_PREFIX (s + skip, n - skip, "mem: total="))
        {
          clear_pending_mem (r);
          r->pending_mem = TRUE;
          r->pending_mem_start = start + skip;
          r->pending_set = 0;
          parse_fields (r, s, n, skip, line_no, mem_fields, G_N_ELEMENTS (mem_fields), 3,
                        r->pending_figures, &r->pending_set, &r->pending_reason);
          return;   /* belongs to the next dump, if a `stack:` line follows */
        }
      /* `stack: ` and a number: a user's "stack: overflow" is not a dump. */
      if (HAS_PREFIX (s + skip, n - skip, "stack: ") && skip + 7 < n
          && g_ascii_isdigit (s[skip + 7]))
        {
          gboolean had_mem = r->pending_mem;
          gsize mem_start = r->pending_mem_start;

          start_dump (r, had_mem ? mem_start : start + skip);
          if (had_mem)
            {
              for (int f = 0; f < 3; f++)
                r->figures[MPY_FIGURE_MEM_TOTAL + f] = r->pending_figures[f];
              r->figures_set |= r->pending_set;
              if (r->pending_reason)
                add_reason (r, "%s", r->pending_reason);
            }
          clear_pending_mem (r);
          parse_fields (r, s, n, skip, line_no, stack_fields, G_N_ELEMENTS (stack_fields), 1,
                        r->figures, &r->figures_set, NULL);
          taken = TRUE;
        }
    }

  if (taken && r->in_dump)
    r->dump_end = line_end;
}

/* NUL bytes, or mostly control characters, mean this is not text. */
static gboolean
looks_binary (const char *text,
              gsize       length)
{
  gsize sample = MIN (length, 65536), odd = 0;

  if (memchr (text, '\0', length) != NULL)
    return TRUE;
  for (gsize i = 0; i < sample; i++)
    {
      guchar c = (guchar) text[i];

      if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != 0x1b
           && !(c >= 0x01 && c <= 0x05) && c != 0x08) || c == 0x7f)
        odd++;
    }
  return sample > 0 && odd * 10 > sample;
}

static GPtrArray *
read_text (const char  *text,
           gsize        length,
           const char  *source,
           gboolean     check_text,
           GError     **error)
{
  Reader r = { 0 };
  gsize pos = 0;
  guint line_no = 0;

  init_char_flags ();
  if (check_text && looks_binary (text, length))
    {
      /* Text without a name is not called “the text” here: “the text is not text”. */
      if (source == NULL)
        g_set_error_literal (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY,
                             "not text: it contains NUL bytes or other binary data; "
                             "open a serial log or a saved mem_info() dump instead");
      else
        g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_BINARY,
                     "%s is not text (it contains NUL bytes or other binary data); "
                     "open a serial log or a saved mem_info() dump instead", source);
      return NULL;
    }

  r.text = text;
  r.length = length;
  r.dumps = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  r.blocks_budget = MAX_TOTAL_BLOCKS;
  r.areas = g_array_new (FALSE, FALSE, sizeof (MpyArea));
  r.lines = g_array_new (FALSE, FALSE, sizeof (LineRec));
  r.reasons = g_ptr_array_new_with_free_func (g_free);
  r.missing = g_array_new (FALSE, FALSE, sizeof (MpyBlockRange));

  while (pos < length)
    {
      const char *nl = memchr (text + pos, '\n', length - pos);
      gsize line_end = nl ? (gsize) (nl - text) + 1 : length;
      gsize content_end = nl ? (gsize) (nl - text) : length;

      while (content_end > pos && text[content_end - 1] == '\r')
        content_end--;
      line_no++;
      r.line_start = pos;
      handle_line (&r, pos, content_end, line_end, line_no);
      pos = line_end;

      if (G_UNLIKELY (r.dumps->len >= MAX_DUMPS))
        {
          g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE,
                       "%s holds more than %u dumps; split it into smaller files",
                       source ? source : "the text", MAX_DUMPS);
          break;
        }
    }
  if (r.dumps->len < MAX_DUMPS)
    finish_dump (&r);

  g_free (r.kinds);
  g_free (r.pending_reason);
  g_array_unref (r.areas);
  g_array_unref (r.lines);
  g_ptr_array_unref (r.reasons);
  g_array_unref (r.missing);

  if (r.dumps->len >= MAX_DUMPS)
    {
      g_ptr_array_unref (r.dumps);
      return NULL;
    }
  if (r.dumps->len == 0)
    {
      g_ptr_array_unref (r.dumps);
      g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_NO_DUMP,
                   "no micropython.mem_info() output found in %s; capture one with "
                   "“import micropython; micropython.mem_info(1)”", source ? source : "the text");
      return NULL;
    }
  return r.dumps;
}

/**
 * mpy_dump_reader_read:
 * @text: any text: one dump, a raw-REPL reply, a whole console log
 * @length: length of @text in bytes, or -1 if NUL-terminated
 * @error: return location for a #GError
 *
 * Finds every mem_info dump in @text.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the dumps in order, or %NULL.
 */
GPtrArray *
mpy_dump_reader_read (const char  *text,
                      gssize       length,
                      GError     **error)
{
  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (text);
  if ((gsize) length > MAX_FILE_SIZE)
    {
      g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE,
                   "the text is %" G_GSIZE_FORMAT " MiB, more than the %u MiB limit; "
                   "cut the part with the dumps out of it", (gsize) length >> 20, MAX_FILE_SIZE >> 20);
      return NULL;
    }
  return read_text (text ? text : "", length, NULL, TRUE, error);
}

/**
 * mpy_dump_reader_read_file:
 * @path: a file name
 * @error: return location for a #GError
 *
 * Reads a regular file of at most 256 MiB with mpy_file_load_contents() (type and size
 * are checked before reading; a FIFO is refused without blocking) and returns every dump
 * in it.
 *
 * Returns: (transfer full) (element-type MpySnapshot): the dumps, or %NULL.
 */
GPtrArray *
mpy_dump_reader_read_file (const char  *path,
                           GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *display = NULL;
  g_autofree char *source = NULL;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!mpy_file_load_contents (path, MAX_FILE_SIZE, NULL, &contents, &length, error))
    return NULL;
  display = g_filename_display_name (path);
  source = g_strdup_printf ("“%s”", display);
  return read_text (contents, length, source, TRUE, error);
}

/**
 * mpy_dump_reader_read_one:
 * @text: text holding a dump, e.g. a raw-REPL reply
 * @length: length of @text, or -1 if NUL-terminated
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the first dump in @text, or %NULL with @error set.
 */
MpySnapshot *
mpy_dump_reader_read_one (const char  *text,
                          gssize       length,
                          GError     **error)
{
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read (text, length, error);

  if (dumps == NULL)
    return NULL;
  return mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
}

/**
 * mpy_dump_reader_read_record:
 * @text: the dump text of a session record
 * @length: its length, which the record's header gave
 * @error: return location for a #GError
 *
 * As mpy_dump_reader_read_one(), without the "is this text" check: the bytes are known to be
 * dump text, and a noisy console's control bytes or NULs in it are kept, not refused.
 *
 * Returns: (transfer full): the first dump in @text, or %NULL with @error set.
 */
MpySnapshot *
mpy_dump_reader_read_record (const char  *text,
                             gsize        length,
                             GError     **error)
{
  g_autoptr(GPtrArray) dumps = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length > MAX_FILE_SIZE)
    {
      g_set_error (error, MPY_READER_ERROR, MPY_READER_ERROR_TOO_LARGE,
                   "the text is %" G_GSIZE_FORMAT " MiB, more than the %u MiB limit; "
                   "cut the part with the dumps out of it", length >> 20, MAX_FILE_SIZE >> 20);
      return NULL;
    }
  dumps = read_text (text != NULL ? text : "", length, "the dump text", FALSE, error);
  if (dumps == NULL)
    return NULL;
  return mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
}
