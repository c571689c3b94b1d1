/* mpy-dump-reader-verdict.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* When a dump ends: each block line is placed where its printed offset says (lost lines
 * leave gaps, shown as free and named), the block size is worked out, and the map is
 * checked against the header figures; every disagreement goes into the damage reason. */

#include "mpy-dump-reader-private.h"
#include "mpy-stats.h"

#include <glib/gi18n-lib.h>

#include <string.h>

void
_mpy_reader_format_offset (char    *buf,
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
  gboolean have_prev = FALSE;
  guint64 prev_offset = 0;
  gsize prev_index = 0;
  guint prev_area = 0, prev_digits = 0;

  for (guint k = 0; k < r->lines->len; k++)
    {
      const LineRec *cur = &g_array_index (r->lines, LineRec, k);
      guint64 d = 0, b;
      gboolean pair;

      if (cur->digits == 0)
        continue;
      pair = have_prev && prev_area == cur->area && cur->index > prev_index
             && prev_digits == cur->digits;
      if (pair)
        {
          b = cur->index - prev_index;
          if (cur->digits == 5)
            d = b > 16384 ? 0 : (cur->offset - prev_offset) & MASK_5;   /* the step could have wrapped at 1 MiB */
          else
            d = cur->offset > prev_offset ? cur->offset - prev_offset : 0;
          if (d != 0 && d % b == 0 && (best == 0 || d / b < best))
            best = d / b;
        }
      /* The lines inside a run: each step is the run's, over 64 blocks. */
      if (cur->count > 1 && cur->step % 64 == 0 && (best == 0 || cur->step / 64 < best))
        best = cur->step / 64;
      have_prev = TRUE;
      prev_area = cur->area;
      prev_digits = cur->digits;
      prev_index = cur->index + (gsize) (cur->count - 1) * 64;
      prev_offset = cur->offset + cur->step * (cur->count - 1);
      if (cur->digits == 5)
        prev_offset &= MASK_5;
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

/* Where the 5-digit offsets of area @a count from: 0 (v1.8.1 on: the offset in the heap), or
 * the area's base (before v1.8.1 the prefix was the address & 0xfffff), from the first line. */
static guint64
origin_of_area (Reader        *r,
                const MpyArea *area,
                const LineRec *first,
                gsize          pos,
                guint          bpb)
{
  guint64 d_rel = (first->offset - (guint64) pos * bpb) & MASK_5;
  guint64 d_abs = (first->offset - area->base - (guint64) pos * bpb) & MASK_5;

  /* Taken when the first line matches it, or is nearer to it on firmware older than v1.8.2
   * (no “max free sz”) whose first line was lost. */
  if (d_rel != 0 && (d_abs == 0 || (!(r->figures_set & (1u << MPY_FIGURE_MAX_FREE))
                                    && d_abs < d_rel)))
    return area->base;
  return 0;
}

/* TRUE when every block line is at the index its offset gives: placing them would move
 * nothing and find nothing to report (the common case, checked a record at a time). */
static gboolean
all_in_place (Reader *r,
              guint   bpb)
{
  const MpyArea *areas = (const MpyArea *) (gpointer) r->areas->data;
  guint k = 0;

  for (guint a = 0; a < r->areas->len; a++)
    {
      gsize pos = 0;
      gboolean first = TRUE;
      guint64 origin = 0;

      for (; k < r->lines->len; k++)
        {
          const LineRec *rec = &g_array_index (r->lines, LineRec, k);
          gsize target;
          guint64 expected;

          if (rec->area != a)
            break;
          if (rec->digits != 0)
            {
              if (first && rec->digits == 5)
                origin = origin_of_area (r, &areas[a], rec, pos, bpb);
              first = FALSE;
              if (!target_of_line (rec, pos, origin, bpb, &target, &expected) || target != pos)
                return FALSE;
              /* then each line of a run is where the one before it ends */
              if (rec->count > 1 && rec->step != (guint64) 64 * bpb)
                return FALSE;
            }
          pos += rec->n;
        }
    }
  return TRUE;
}

/* One record per line again, for placing lines that are not all where their offsets say. */
static void
expand_runs (Reader *r)
{
  GArray *lines;
  guint n = 0;

  for (guint k = 0; k < r->lines->len; k++)
    n += g_array_index (r->lines, LineRec, k).count;
  if (n == r->lines->len)
    return;
  lines = g_array_sized_new (FALSE, FALSE, sizeof (LineRec), n);
  for (guint k = 0; k < r->lines->len; k++)
    {
      LineRec rec = g_array_index (r->lines, LineRec, k);
      guint count = rec.count;
      guint64 first_offset = rec.offset, step = rec.step;

      rec.count = 1;
      rec.step = 0;
      if (count > 1)
        rec.n = 64;
      for (guint j = 0; j < count; j++)
        {
          g_array_append_val (lines, rec);
          rec.line++;
          rec.index += 64;
          rec.src += 64;
          rec.offset = first_offset + step * (j + 1);
          if (rec.digits == 5)
            rec.offset &= MASK_5;
        }
    }
  g_array_unref (r->lines);
  r->lines = lines;
}

static void
report_cut_short (Reader *r)
{
  for (guint k = 0; k < r->lines->len; k++)
    {
      const LineRec *rec = &g_array_index (r->lines, LineRec, k);

      if (rec->cut_short)
        _mpy_reader_add_reason (r, _("line %u has only %zu blocks but is not the last line of its area (line cut short)"),
                    rec->line, rec->n);
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
  MpyArea *areas;
  guint n_problems = 0, k = 0;
  gboolean moved = FALSE;
  gsize out_first = 0;

  if (all_in_place (r, bpb))
    {
      report_cut_short (r);
      return;
    }
  expand_runs (r);
  areas = (MpyArea *) (gpointer) r->areas->data;

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
            origin = origin_of_area (r, &areas[a], rec, pos, bpb);
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
            /* Translators: appended to “line N: offset X does not fit” and the like;
             * %llx is a hex heap address */
            ? g_strdup_printf (_(" in the area from %llx"), (unsigned long long) areas[a].base)
            : g_strdup ("");
          _mpy_reader_format_offset (exp_s, sizeof exp_s, expected, rec->digits);
          _mpy_reader_format_offset (act_s, sizeof act_s, rec->offset, rec->digits);
          if (!ok)
            {
              /* A garbled offset: keep the line where the counting puts it. */
              if (n_problems <= MAX_GAP_REPORTS)
                _mpy_reader_add_reason (r, _("line %u: offset %s does not fit%s (expected %s after the lines before it)"),
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
                  cause = g_strdup_printf (_("line %u has only %zu blocks, "), before->line, before->n);
                }
              expected -= (guint64) (pos - gap_at) * bpb;
              if (rec->digits == 5)
                expected &= MASK_5;
              _mpy_reader_format_offset (exp_s, sizeof exp_s, expected, rec->digits);
              range.first_block = out_first + gap_at;
              range.n_blocks = gap;
              first_addr = areas[a].base + (guint64) gap_at * bpb;

              r->blocks_budget -= range.n_blocks;
              g_array_append_val (r->missing, range);
              _mpy_reader_format_offset (last_s, sizeof last_s, expected + (guint64) range.n_blocks * bpb - 1,
                             rec->digits);
              if (n_problems <= MAX_GAP_REPORTS)
                /* Translators: the first %s is empty or “ in the area from ADDRESS”, the
                 * second %s is “line N has only M blocks, ” or “lines at ” (before “offsets”) */
                _mpy_reader_add_reason (r, _("blocks 0x%04zx–0x%04zx%s missing (%soffsets %s–%s not received, "
                            "line %u continues at %s), shown as free blocks at 0x%llx–0x%llx so that later addresses stay right"),
                            gap_at, gap_at + gap - 1, where, cause ? cause : _("lines at "),
                            exp_s, last_s, rec->line, act_s,
                            (unsigned long long) first_addr,
                            (unsigned long long) (first_addr + (guint64) range.n_blocks * bpb - 1));
            }
          else if (n_problems <= MAX_GAP_REPORTS)
            _mpy_reader_add_reason (r, _("line %u: offset %s is out of order%s (expected %s after the lines before it)"),
                        rec->line, act_s, where, exp_s);
          rec->target = target;
          pos = MAX (pos, target + rec->n);
        }
      areas[a].n_blocks = pos;   /* unchanged unless a line moved */
      out_first += pos;
    }
  if (n_problems > MAX_GAP_REPORTS)
    _mpy_reader_add_reason (r, _("%u more places where lines are missing or out of order"),
                n_problems - MAX_GAP_REPORTS);
  report_cut_short (r);
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

void
_mpy_reader_finish_dump (Reader *r)
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
    data->raw = _mpy_blob_chain_append (&r->raw_chain, g_bytes_new_take (raw, len), MPY_BLOB_TEXT);
  }

  /* The structural problems found while reading come first in the reason. */
  structural = g_steal_pointer (&r->reasons);
  r->reasons = g_ptr_array_new_with_free_func (g_free);

  if (!r->have_gc_line)
    _mpy_reader_add_reason (r, _("no “GC: total:” line, so the dump cannot be checked (the start of the dump was not received)"));
  else if (!r->have_blocks_line)
    _mpy_reader_add_reason (r, _("the “ No. of 1-blocks” line is missing (dump cut off?)"));

  if (data->has_map)
    {
      const MpyArea *areas = (const MpyArea *) (gpointer) r->areas->data;

      for (guint a = 0; a < r->areas->len; a++)
        if (areas[a].n_blocks == 0)
          _mpy_reader_add_reason (r, _("the area from %llx has no block lines (dump cut off?)"),
                      (unsigned long long) areas[a].base);

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
          _mpy_reader_add_reason (r, g_dngettext (GETTEXT_PACKAGE,
                                                   "the block size cannot be worked out from the map; assuming %u byte per block",
                                                   "the block size cannot be worked out from the map; assuming %u bytes per block",
                                                   bpb),
                      bpb);
        }
      if (r->area_missing_header)
        _mpy_reader_add_reason (r, _("the “GC memory layout; from …” line is missing, so block addresses are unknown"));
      place_blocks (r, bpb, have_total ? total / bpb : 0);
      n_blocks = r->n_kinds;
    }
  data->bytes_per_block = bpb;
  data->n_areas = r->areas->len;
  data->areas = (MpyArea *) (gpointer) g_array_free (g_array_copy (r->areas), FALSE);
  if (r->kinds != NULL && r->kinds_cap > n_blocks + n_blocks / 4 + 4096)
    r->kinds = g_realloc (r->kinds, MAX (n_blocks, 1));
  if (r->missing->len > 0)
    {
      data->n_missing = r->missing->len;
      data->missing = g_memdup2 (r->missing->data, r->missing->len * sizeof (MpyBlockRange));
    }

  /* The figures come from the map as read; then it is stored, mostly as a delta. */
  st = &data->stats;
  _mpy_stats_compute_map (r->kinds, data->areas, data->n_areas, bpb, st);
  _mpy_stats_exclude_missing (r->kinds, data->areas, data->n_areas, bpb,
                              data->missing, data->n_missing, st);
  if (r->kinds != NULL && n_blocks > 0)
    data->kinds = _mpy_blob_chain_append (&r->kinds_chain, g_bytes_new_take (r->kinds, n_blocks),
                                          MPY_BLOB_BLOCKS);
  else
    g_free (r->kinds);   /* (a figures-only dump: an empty map) */
  r->kinds = NULL;

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

              _mpy_reader_format_offset (from, sizeof from, (guint64) n_blocks * bpb, last ? last->digits : 8);
              _mpy_reader_add_reason (r, _("blocks 0x%04zx–0x%04llx at the end of the map missing "
                          "(lines from offset %s on not received; dump cut off?)"),
                          n_blocks, (unsigned long long) (total / bpb - 1), from);
            }
          _mpy_reader_add_reason (r, _("map has %zu blocks of %u bytes = %llu bytes, header says total %llu"),
                      n_blocks, bpb, (unsigned long long) n_blocks * bpb, (unsigned long long) total);
        }
      if (r->figures_set & (1u << MPY_FIGURE_GC_USED)
          && (v = r->figures[MPY_FIGURE_GC_USED]) != (guint64) st->used_blocks * bpb)
        _mpy_reader_add_reason (r, _("map has %llu used bytes, header says %llu"),
                    (unsigned long long) st->used_blocks * bpb, (unsigned long long) v);
      if (r->figures_set & (1u << MPY_FIGURE_GC_FREE)
          && (v = r->figures[MPY_FIGURE_GC_FREE]) != (guint64) st->free_blocks * bpb)
        _mpy_reader_add_reason (r, _("map has %llu free bytes, header says %llu"),
                    (unsigned long long) st->free_blocks * bpb, (unsigned long long) v);
      if (r->figures_set & (1u << MPY_FIGURE_MAX_FREE)
          && (v = r->figures[MPY_FIGURE_MAX_FREE]) != st->largest_free_run)
        _mpy_reader_add_reason (r, _("longest free run in the map is %zu blocks, header says max free sz %llu"),
                    st->largest_free_run, (unsigned long long) v);
      if (r->figures_set & (1u << MPY_FIGURE_ONE_BLOCKS)
          && (v = r->figures[MPY_FIGURE_ONE_BLOCKS]) != st->one_block_objects)
        _mpy_reader_add_reason (r, _("map has %zu 1-block objects, header says %llu"),
                    st->one_block_objects, (unsigned long long) v);
      if (r->figures_set & (1u << MPY_FIGURE_TWO_BLOCKS)
          && (v = r->figures[MPY_FIGURE_TWO_BLOCKS]) != st->two_block_objects)
        _mpy_reader_add_reason (r, _("map has %zu 2-block objects, header says %llu"),
                    st->two_block_objects, (unsigned long long) v);
      if (r->figures_set & (1u << MPY_FIGURE_MAX_BLOCK)
          && (v = r->figures[MPY_FIGURE_MAX_BLOCK]) != st->largest_object)
        _mpy_reader_add_reason (r, _("longest object in the map is %zu blocks, header says max blk sz %llu"),
                    st->largest_object, (unsigned long long) v);
    }
  else if (r->have_gc_line)
    {
      guint64 used = r->figures[MPY_FIGURE_GC_USED], fr = r->figures[MPY_FIGURE_GC_FREE];
      guint32 need = (1u << MPY_FIGURE_GC_TOTAL) | (1u << MPY_FIGURE_GC_USED) | (1u << MPY_FIGURE_GC_FREE);

      if ((r->figures_set & need) == need && used + fr != total)
        _mpy_reader_add_reason (r, _("header figures disagree: used %llu + free %llu is not the total %llu"), (unsigned long long) used,
                    (unsigned long long) fr, (unsigned long long) total);
    }

  if (structural->len > 0 || r->reasons->len > 0)
    {
      reason = g_string_new (NULL);
      if (r->foreign_line != 0)
        g_string_append_printf (reason, _("text printed by the board's program interrupted the "
                                "dump (line %u: “%s”)"), r->foreign_line, r->foreign_text);
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
        g_string_append_printf (reason, _("; and %u more problems"), r->n_extra_reasons);
      data->damage_reason = g_string_free (reason, FALSE);
    }

  g_ptr_array_add (r->dumps, _mpy_snapshot_new_take (data));
  _mpy_reader_reset_dump (r);
}

