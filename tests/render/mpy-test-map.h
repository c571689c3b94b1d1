/* mpy-test-map.h
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A deliberately simple, independent reading of one mem_info dump for the render and CLI
 * tests, so that they compare the product's results with numbers computed another way.
 * Handles what the fixtures contain: `mem:`, `stack:`, `GC:`, ` No. of`, areas, block lines
 * and `(N lines all free)`; only the first dump of a text.
 */

#pragma once

#include <glib.h>
#include <stdio.h>
#include <string.h>

typedef enum {
  TM_MEM_TOTAL, TM_MEM_CURRENT, TM_MEM_PEAK,
  TM_STACK_USED, TM_STACK_LIMIT,
  TM_GC_TOTAL, TM_GC_USED, TM_GC_FREE,
  TM_ONE_BLOCKS, TM_TWO_BLOCKS, TM_MAX_BLOCK, TM_MAX_FREE,
  TM_N_FIGURES
} TmFigure;

typedef struct {
  gint64   figures[TM_N_FIGURES];   /* -1: not printed */
  GString *kinds;                   /* every block, areas back to back, 't' → '=' */
  GArray  *bases;                   /* guint64 per area */
  GArray  *area_blocks;             /* gsize per area */
} TmDump;

static inline void
tm_dump_free (TmDump *dump)
{
  g_string_free (dump->kinds, TRUE);
  g_array_unref (dump->bases);
  g_array_unref (dump->area_blocks);
  g_free (dump);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TmDump, tm_dump_free)

static inline TmDump *
tm_dump_parse (const char *text)
{
  TmDump *dump = g_new0 (TmDump, 1);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  gboolean seen_stack = FALSE;

  for (guint i = 0; i < TM_N_FIGURES; i++)
    dump->figures[i] = -1;
  dump->kinds = g_string_new (NULL);
  dump->bases = g_array_new (FALSE, FALSE, sizeof (guint64));
  dump->area_blocks = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strdelimit (lines[i], "\r", ' ');
      unsigned long a, b, c, d;
      unsigned long long base;
      char rest[256];
      int n = 0;

      g_strchomp (line);
      if (sscanf (line, "mem: total=%lu, current=%lu, peak=%lu", &a, &b, &c) == 3 && !seen_stack)
        {
          dump->figures[TM_MEM_TOTAL] = a;
          dump->figures[TM_MEM_CURRENT] = b;
          dump->figures[TM_MEM_PEAK] = c;
        }
      else if (strncmp (line, "stack: ", 7) == 0)
        {
          if (seen_stack)
            break;   /* a second dump */
          seen_stack = TRUE;
          if (sscanf (line, "stack: %lu out of %lu", &a, &b) == 2)
            {
              dump->figures[TM_STACK_USED] = a;
              dump->figures[TM_STACK_LIMIT] = b;
            }
          else if (sscanf (line, "stack: %lu", &a) == 1)
            dump->figures[TM_STACK_USED] = a;
        }
      else if (sscanf (line, "GC: total: %lu, used: %lu, free: %lu", &a, &b, &c) == 3)
        {
          dump->figures[TM_GC_TOTAL] = a;
          dump->figures[TM_GC_USED] = b;
          dump->figures[TM_GC_FREE] = c;
        }
      else if (sscanf (line, " No. of 1-blocks: %lu, 2-blocks: %lu, max blk sz: %lu, max free sz: %lu",
                       &a, &b, &c, &d) >= 3)
        {
          dump->figures[TM_ONE_BLOCKS] = a;
          dump->figures[TM_TWO_BLOCKS] = b;
          dump->figures[TM_MAX_BLOCK] = c;
          if (sscanf (line, " No. of 1-blocks: %lu, 2-blocks: %lu, max blk sz: %lu, max free sz: %lu",
                      &a, &b, &c, &d) == 4)
            dump->figures[TM_MAX_FREE] = d;
        }
      else if (sscanf (line, "GC memory layout; from %llx:", &base) == 1)
        {
          guint64 b64 = base;
          gsize zero = 0;
          g_array_append_val (dump->bases, b64);
          g_array_append_val (dump->area_blocks, zero);
        }
      else if (dump->bases->len > 0 && sscanf (line, " (%lu lines all free)", &a) == 1)
        {
          for (gsize k = 0; k < a * 64; k++)
            g_string_append_c (dump->kinds, '.');
          g_array_index (dump->area_blocks, gsize, dump->bases->len - 1) += a * 64;
        }
      else if (dump->bases->len > 0 && sscanf (line, "%lx: %255s%n", &a, rest, &n) == 2 &&
               (strchr (line, ':') - line == 5 || strchr (line, ':') - line == 8))
        {
          gsize len = strlen (rest);
          for (gsize k = 0; k < len; k++)
            g_string_append_c (dump->kinds, rest[k] == 't' ? '=' : rest[k]);
          g_array_index (dump->area_blocks, gsize, dump->bases->len - 1) += len;
        }
    }
  return dump;
}

static inline TmDump *
tm_dump_parse_file (const char *path)
{
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  return tm_dump_parse (text);
}

static inline gboolean
tm_is_free (char k)
{
  return k == '.';
}

static inline gboolean
tm_is_tail (char k)
{
  return k == '=';
}

/* Object start of every block (-1 for free), objects never crossing areas. */
static inline gint64 *
tm_object_starts (const TmDump *dump)
{
  gint64 *starts = g_new (gint64, dump->kinds->len + 1);
  gsize block = 0;

  for (guint a = 0; a < dump->area_blocks->len; a++)
    {
      gsize n = g_array_index (dump->area_blocks, gsize, a);
      gint64 current = -1;

      for (gsize i = 0; i < n; i++, block++)
        {
          char k = dump->kinds->str[block];

          if (tm_is_free (k))
            current = -1;
          else if (!tm_is_tail (k))
            current = (gint64) block;
          starts[block] = tm_is_free (k) ? -1 : current;
        }
    }
  return starts;
}

/* The path of a fixture, from G_TEST_SRCDIR (tests/). */
static inline char *
tm_fixture (const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "fixtures", name, NULL);
}
