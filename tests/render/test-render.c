/* test-render.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Cairo renderer: palette readability, block image pixels for maps, diffs, rainbow and
 * show-free, multi-area layout, outlines, the whole picture and PNG export.
 */

#include <math.h>
#include <glib/gstdio.h>

#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-metric.h"
#include "mpy-renderer.h"
#include "mpy-renderer-private.h"
#include "mpy-stats.h"
#include "mpy-test-map.h"
#include "mpy-test-dirs.h"

/* ------------------------------------------------------------------------------------------
 * Helpers
 */

static MpySnapshot *
read_fixture (const char *name)
{
  g_autofree char *path = tm_fixture (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (dumps);
  g_assert_cmpuint (dumps->len, >=, 1);
  return mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
}

static TmDump *
parse_fixture (const char *name)
{
  g_autofree char *path = tm_fixture (name);
  return tm_dump_parse_file (path);
}

static guint32
pixel (cairo_surface_t *surface,
       int              x,
       int              y)
{
  guint8 *data = cairo_image_surface_get_data (surface);
  int stride = cairo_image_surface_get_stride (surface);

  g_assert_cmpint (x, <, cairo_image_surface_get_width (surface));
  g_assert_cmpint (y, <, cairo_image_surface_get_height (surface));
  return ((guint32 *) (gpointer) (data + (gsize) y * stride))[x] & 0xffffff;
}

/* The colour a block of kind @k must have in the plain (non-rainbow) picture. */
static guint32
expected_kind_color (char                    k,
                     const MpyRenderOptions *options)
{
  if (k == '.' && !options->show_free)
    return mpy_palette_get_background (options->dark);
  return mpy_palette_get_kind_color (k, options->dark);
}

/* A consistent dump text for the given areas (one string of kind characters per area),
 * with header figures computed here from the map, 16-byte blocks. */
static char *
build_dump (const char * const *areas,
            const guint64      *bases)
{
  GString *map = g_string_new (NULL);
  char *text;
  gsize total = 0, used = 0, free_blocks = 0, one = 0, two = 0, max_block = 0, max_free = 0;

  for (guint a = 0; areas[a] != NULL; a++)
    {
      const char *k = areas[a];
      gsize n = strlen (k), run = 0, obj = 0;

      g_string_append_printf (map, "GC memory layout; from %" G_GINT64_MODIFIER "x:", bases[a]);
      for (gsize i = 0; i < n; i++)
        {
          if (i % 64 == 0)
            g_string_append_printf (map, "\r\n%08x: ", (guint) (i * 16));
          g_string_append_c (map, k[i]);
        }
      g_string_append (map, "\r\n");

      total += n;
      for (gsize i = 0; i <= n; i++)
        {
          char c = i < n ? k[i] : '.';

          if (i < n && c == '.')
            free_blocks++;
          else if (i < n)
            used++;
          /* object ends */
          if (obj > 0 && c != '=')
            {
              one += obj == 1;
              two += obj == 2;
              max_block = MAX (max_block, obj);
              obj = 0;
            }
          if (i < n && c != '.' && c != '=')
            obj = 1;
          else if (i < n && c == '=' && obj > 0)
            obj++;
          if (i < n && c == '.')
            run++;
          else
            {
              max_free = MAX (max_free, run);
              run = 0;
            }
        }
    }

  text = g_strdup_printf ("stack: 400 out of 10240\r\n"
                          "GC: total: %" G_GSIZE_FORMAT ", used: %" G_GSIZE_FORMAT ", free: %" G_GSIZE_FORMAT "\r\n"
                          " No. of 1-blocks: %" G_GSIZE_FORMAT ", 2-blocks: %" G_GSIZE_FORMAT
                          ", max blk sz: %" G_GSIZE_FORMAT ", max free sz: %" G_GSIZE_FORMAT "\r\n%s",
                          total * 16, used * 16, free_blocks * 16, one, two, max_block, max_free,
                          map->str);
  g_string_free (map, TRUE);
  return text;
}

/* Two areas: 100 blocks (two rows at 64 per row) and 70 blocks (two rows). */
static const char *area_a =
  "h=LLD===S==.....T==A==F.B=====M=m...h=hhhh..h===============.LLLL"
  "D=.S.h=h=.T===..........................";
static const char *area_b =
  "S===========....h=h=h=h=....B==..........D==================..L===h.T=";

static MpySnapshot *
two_area_snapshot (void)
{
  const char *areas[] = { NULL, NULL, NULL };
  const guint64 bases[] = { 0x20000000, 0x3f800000 };
  g_autofree char *a = g_strndup (area_a, 100);
  g_autofree char *b = g_strndup (area_b, 70);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  MpySnapshot *snapshot;

  g_assert_cmpuint (strlen (area_a), >=, 100);
  g_assert_cmpuint (strlen (area_b), >=, 70);
  areas[0] = a;
  areas[1] = b;
  text = build_dump (areas, bases);
  snapshot = mpy_dump_reader_read_one (text, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (snapshot);
  g_assert_cmpuint (mpy_snapshot_get_n_areas (snapshot), ==, 2);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (snapshot), ==, 170);
  return snapshot;
}

/* ------------------------------------------------------------------------------------------
 * Palette: readable for colour-blind users (simulated with Machado et al. 2009, severity 1)
 */

static const double cvd_matrices[4][3][3] = {
  { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } },
  { { 0.152286, 1.052583, -0.204868 }, { 0.114503, 0.786281, 0.099216 }, { -0.003882, -0.048116, 1.051998 } },
  { { 0.367322, 0.860646, -0.227968 }, { 0.280085, 0.672501, 0.047413 }, { -0.011820, 0.042940, 0.968881 } },
  { { 1.255528, -0.076749, -0.178779 }, { -0.078411, 0.930809, 0.147602 }, { 0.004733, 0.691367, 0.303900 } },
};
static const char *cvd_names[4] = { "normal vision", "protanopia", "deuteranopia", "tritanopia" };

static double
srgb_to_linear (guint v)
{
  double c = v / 255.0;
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

static double
lab_f (double t)
{
  return t > 0.008856 ? cbrt (t) : 7.787 * t + 16.0 / 116.0;
}

static void
color_to_lab (guint32 color,
              int     vision,
              double  lab[3])
{
  double in[3] = { srgb_to_linear ((color >> 16) & 0xff),
                   srgb_to_linear ((color >> 8) & 0xff),
                   srgb_to_linear (color & 0xff) };
  double rgb[3], X, Y, Z;

  for (int i = 0; i < 3; i++)
    {
      rgb[i] = 0;
      for (int j = 0; j < 3; j++)
        rgb[i] += cvd_matrices[vision][i][j] * in[j];
      rgb[i] = CLAMP (rgb[i], 0.0, 1.0);
    }
  X = (0.4124 * rgb[0] + 0.3576 * rgb[1] + 0.1805 * rgb[2]) / 0.95047;
  Y = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
  Z = (0.0193 * rgb[0] + 0.1192 * rgb[1] + 0.9505 * rgb[2]) / 1.08883;
  lab[0] = 116 * lab_f (Y) - 16;
  lab[1] = 500 * (lab_f (X) - lab_f (Y));
  lab[2] = 200 * (lab_f (Y) - lab_f (Z));
}

static double
delta_e (guint32 a,
         guint32 b,
         int     vision)
{
  double la[3], lb[3];

  color_to_lab (a, vision, la);
  color_to_lab (b, vision, lb);
  return sqrt ((la[0] - lb[0]) * (la[0] - lb[0]) + (la[1] - lb[1]) * (la[1] - lb[1]) +
               (la[2] - lb[2]) * (la[2] - lb[2]));
}

/* Every pair of swatches apart by ΔE ≥ 12 under every vision; free vs background ≥ 8 (it is
 * meant to be quiet, but must show when show-free is on). */
static void
assert_readable (const guint32 *colors,
                 const char   **names,
                 guint          n,
                 guint          free_index,
                 guint32        background)
{
  for (int v = 0; v < 4; v++)
    {
      for (guint i = 0; i < n; i++)
        {
          double d = delta_e (colors[i], background, v);

          if (i == free_index)
            {
              if (d < 8.0)
                g_error ("free vs background: ΔE %.1f under %s", d, cvd_names[v]);
            }
          else if (d < 12.0)
            g_error ("%s vs background: ΔE %.1f under %s", names[i], d, cvd_names[v]);

          for (guint j = i + 1; j < n; j++)
            {
              d = delta_e (colors[i], colors[j], v);
              if (d < 12.0)
                g_error ("%s vs %s: ΔE %.1f under %s", names[i], names[j], d, cvd_names[v]);
            }
        }
    }
}

static void
test_palette_kinds_readable (void)
{
  for (int dark = 0; dark <= 1; dark++)
    {
      guint32 colors[MPY_N_KINDS];
      const char *names[MPY_N_KINDS];

      for (guint k = 0; k < MPY_N_KINDS; k++)
        {
          colors[k] = mpy_palette_get_kind_color (mpy_kinds[k], dark);
          names[k] = mpy_kind_get_name (mpy_kinds[k]);
          g_assert_nonnull (names[k]);
        }
      assert_readable (colors, names, MPY_N_KINDS, mpy_kind_get_index (MPY_KIND_FREE),
                       mpy_palette_get_background (dark));
      /* old firmware's tail character draws like a tail */
      g_assert_cmphex (mpy_palette_get_kind_color ('t', dark), ==,
                       mpy_palette_get_kind_color (MPY_KIND_TAIL, dark));
    }
  g_assert_cmphex (mpy_palette_get_background (FALSE), !=, mpy_palette_get_background (TRUE));
}

static void
test_palette_diff_readable (void)
{
  for (int dark = 0; dark <= 1; dark++)
    {
      guint32 colors[MPY_N_DIFF_STATES];
      const char *names[MPY_N_DIFF_STATES];

      for (int s = 0; s < MPY_N_DIFF_STATES; s++)
        {
          colors[s] = mpy_palette_get_diff_color (s, dark);
          names[s] = mpy_diff_state_get_name ((MpyDiffState) s);
        }
      assert_readable (colors, names, MPY_N_DIFF_STATES, MPY_DIFF_FREE,
                       mpy_palette_get_background (dark));
    }
}

static void
test_palette_alternate_differs (void)
{
  /* Rainbow's two shades must be told apart for every kind, in both palettes. */
  for (int dark = 0; dark <= 1; dark++)
    for (guint k = 0; k < MPY_N_KINDS; k++)
      {
        guint32 c = mpy_palette_get_kind_color (mpy_kinds[k], dark);
        double d = delta_e (c, mpy_palette_get_alternate (c), 0);

        if (d < 10.0)
          g_error ("rainbow shades of %s too close: ΔE %.1f", mpy_kind_get_name (mpy_kinds[k]), d);
      }
}

/* ------------------------------------------------------------------------------------------
 * Block image
 */

static void
check_plain_image (const char             *fixture,
                   const MpyRenderOptions *options)
{
  g_autoptr(MpySnapshot) snapshot = read_fixture (fixture);
  g_autoptr(TmDump) dump = parse_fixture (fixture);
  cairo_surface_t *image = mpy_renderer_create_block_image (snapshot, NULL, options);
  guint width = 64 * options->columns;
  gsize n = dump->kinds->len;
  guint rows = (guint) ((n + width - 1) / width);

  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_format (image), ==, CAIRO_FORMAT_RGB24);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, (int) width);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, (int) rows);
  g_assert_cmpuint (mpy_layout_get_n_rows (snapshot, options), ==, rows);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (snapshot), ==, n);

  /* Every block, from the fixture text read independently. */
  for (gsize i = 0; i < n; i++)
    {
      guint32 want = expected_kind_color (dump->kinds->str[i], options);
      guint32 got = pixel (image, (int) (i % width), (int) (i / width));

      if (want != got)
        g_error ("%s block %" G_GSIZE_FORMAT " ('%c'): colour %06x, expected %06x",
                 fixture, i, dump->kinds->str[i], got, want);
    }
  /* Cells after the last block are background. */
  for (gsize i = n; i < (gsize) rows * width; i++)
    g_assert_cmphex (pixel (image, (int) (i % width), (int) (i / width)), ==,
                     mpy_palette_get_background (options->dark));

  cairo_surface_destroy (image);
}

static void
test_block_image_fixture_map (void)
{
  MpyRenderOptions options = { 1, FALSE, TRUE, FALSE };

  check_plain_image ("qemu-mps2-an385-fragmented.txt", &options);
  check_plain_image ("microbit-v1.0.1-after-alloc.txt", &options);  /* old 't' tails */
  options.columns = 2;
  options.dark = TRUE;
  check_plain_image ("unix-heap256k-after-alloc.txt", &options);   /* "lines all free" */
}

static void
test_block_image_show_free (void)
{
  const char *fixture = "qemu-mps2-an385-fragmented.txt";
  g_autoptr(MpySnapshot) snapshot = read_fixture (fixture);
  g_autoptr(TmDump) dump = parse_fixture (fixture);
  MpyRenderOptions on = { 1, FALSE, TRUE, FALSE };
  MpyRenderOptions off = { 1, FALSE, FALSE, FALSE };
  cairo_surface_t *image_on = mpy_renderer_create_block_image (snapshot, NULL, &on);
  cairo_surface_t *image_off = mpy_renderer_create_block_image (snapshot, NULL, &off);
  const char *free_at = strchr (dump->kinds->str, '.');
  gsize f;

  g_assert_nonnull (free_at);
  f = free_at - dump->kinds->str;

  /* A free block shows in the free colour with show-free, as background without; the two differ. */
  g_assert_cmphex (pixel (image_on, f % 64, f / 64), ==, mpy_palette_get_kind_color ('.', FALSE));
  g_assert_cmphex (pixel (image_off, f % 64, f / 64), ==, mpy_palette_get_background (FALSE));
  g_assert_cmphex (pixel (image_on, f % 64, f / 64), !=, pixel (image_off, f % 64, f / 64));
  /* Used blocks are the same either way (block 0 is a head). */
  g_assert_cmpint (dump->kinds->str[0], !=, '.');
  g_assert_cmphex (pixel (image_on, 0, 0), ==, pixel (image_off, 0, 0));

  cairo_surface_destroy (image_on);
  cairo_surface_destroy (image_off);

  check_plain_image (fixture, &off);
}

static void
test_block_image_rainbow (void)
{
  const char *fixture = "qemu-mps2-an385-fragmented.txt";
  g_autoptr(MpySnapshot) snapshot = read_fixture (fixture);
  g_autoptr(TmDump) dump = parse_fixture (fixture);
  MpyRenderOptions options = { 1, TRUE, TRUE, FALSE };
  cairo_surface_t *image = mpy_renderer_create_block_image (snapshot, NULL, &options);
  g_autofree gint64 *starts = tm_object_starts (dump);
  gsize n = dump->kinds->len, object = 0, same_kind_neighbours = 0;
  gint64 prev_start = -1;
  guint32 prev_color = 0;
  char prev_kind = 0;

  for (gsize i = 0; i < n; i++)
    {
      char k = dump->kinds->str[i];
      guint32 got = pixel (image, i % 64, i / 64);
      guint32 want;

      if (k == '.')
        {
          g_assert_cmphex (got, ==, mpy_palette_get_kind_color ('.', FALSE));
          continue;
        }
      if (starts[i] == (gint64) i)
        object++;
      g_assert_cmpint (starts[i], >=, 0);
      /* The whole object in its head's colour, every other object in the second shade. */
      {
        char head = dump->kinds->str[starts[i]];
        guint32 base = mpy_palette_get_kind_color (head, FALSE);

        want = (object % 2 == 1) ? base : mpy_palette_get_alternate (base);
        if (got != want)
          g_error ("block %" G_GSIZE_FORMAT " of object %" G_GSIZE_FORMAT " ('%c'): %06x, expected %06x",
                   i, object, head, got, want);

        /* Two neighbouring objects of the same kind stay apart. */
        if (starts[i] == (gint64) i && prev_start >= 0 && prev_kind == head &&
            (gsize) starts[i - 1] == (gsize) prev_start)
          {
            g_assert_cmphex (got, !=, prev_color);
            same_kind_neighbours++;
          }
        prev_start = starts[i];
        prev_color = got;
        prev_kind = head;
      }
    }
  /* The fixture has adjacent objects of one kind ("hh"), so the check above ran. */
  g_assert_cmpuint (same_kind_neighbours, >, 0);
  cairo_surface_destroy (image);
}

/* The diff state of every block, computed here from the two fixture texts. */
static guint8 *
expected_states (TmDump *before,
                 TmDump *after)
{
  gsize n = after->kinds->len;
  guint8 *states = g_new (guint8, n);
  g_autofree gint64 *sb = tm_object_starts (before);
  g_autofree gint64 *sa = tm_object_starts (after);

  for (gsize i = 0; i < n; i++)
    {
      gboolean fb = before->kinds->str[i] == '.', fa = after->kinds->str[i] == '.';

      if (fb && fa)
        states[i] = MPY_DIFF_FREE;
      else if (fb)
        states[i] = MPY_DIFF_ALLOCATED;
      else if (fa)
        states[i] = MPY_DIFF_FREED;
      else if (sb[i] == sa[i] && before->kinds->str[sb[i]] == after->kinds->str[sa[i]])
        states[i] = MPY_DIFF_UNCHANGED;
      else
        states[i] = MPY_DIFF_CHANGED;
    }
  return states;
}

static void
test_block_image_diff (void)
{
  const char *fa = "qemu-mps2-an385-after-soft-reset.txt";
  const char *fb = "qemu-mps2-an385-fragmented.txt";
  g_autoptr(MpySnapshot) before = read_fixture (fa);
  g_autoptr(MpySnapshot) after = read_fixture (fb);
  g_autoptr(TmDump) dump_before = parse_fixture (fa);
  g_autoptr(TmDump) dump_after = parse_fixture (fb);
  g_autoptr(GError) error = NULL;
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, &error);
  g_autofree guint8 *states = NULL;
  gsize counts[MPY_N_DIFF_STATES] = { 0 };

  g_assert_no_error (error);
  g_assert_cmpuint (dump_before->kinds->len, ==, dump_after->kinds->len);
  states = expected_states (dump_before, dump_after);

  for (int show_free = 0; show_free <= 1; show_free++)
    {
      MpyRenderOptions options = { 1, FALSE, show_free, FALSE };
      cairo_surface_t *image = mpy_renderer_create_block_image (NULL, diff, &options);

      g_assert_cmpint (cairo_image_surface_get_height (image), ==,
                       (int) ((dump_after->kinds->len + 63) / 64));
      for (gsize i = 0; i < dump_after->kinds->len; i++)
        {
          guint32 want = mpy_palette_get_diff_color (states[i], FALSE);
          guint32 got = pixel (image, i % 64, i / 64);

          if (states[i] == MPY_DIFF_FREE && !show_free)
            want = mpy_palette_get_background (FALSE);
          if (got != want)
            g_error ("diff block %" G_GSIZE_FORMAT " (%c → %c): %06x, expected %06x (%s)", i,
                     dump_before->kinds->str[i], dump_after->kinds->str[i], got, want,
                     mpy_diff_state_get_name (states[i]));
          if (show_free)
            counts[states[i]]++;
        }
      cairo_surface_destroy (image);
    }

  /* The pair really shows every kind of change. */
  g_assert_cmpuint (counts[MPY_DIFF_ALLOCATED], >, 0);
  g_assert_cmpuint (counts[MPY_DIFF_FREED], >, 0);
  g_assert_cmpuint (counts[MPY_DIFF_UNCHANGED], >, 0);
  g_assert_cmpuint (counts[MPY_DIFF_CHANGED], >, 0);
}

static void
test_block_image_diff_rainbow (void)
{
  const char *fa = "qemu-mps2-an385-after-alloc.txt";
  const char *fb = "qemu-mps2-an385-after-del-gc.txt";
  g_autoptr(MpySnapshot) before = read_fixture (fa);
  g_autoptr(MpySnapshot) after = read_fixture (fb);
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, NULL);
  MpyRenderOptions options = { 1, TRUE, TRUE, FALSE };
  cairo_surface_t *image;
  const guint8 *states;

  g_assert_nonnull (diff);
  image = mpy_renderer_create_block_image (NULL, diff, &options);
  states = mpy_diff_get_states (diff);

  /* In rainbow mode every block still shows its state, in one of the state's two shades. */
  for (gsize i = 0; i < mpy_diff_get_n_blocks (diff); i++)
    {
      guint32 base = mpy_palette_get_diff_color (states[i], FALSE);
      guint32 got = pixel (image, i % 64, i / 64);

      g_assert_true (got == base || got == mpy_palette_get_alternate (base));
    }
  cairo_surface_destroy (image);
}

static void
test_block_image_multi_area (void)
{
  g_autoptr(MpySnapshot) snapshot = two_area_snapshot ();
  MpyRenderOptions options = { 1, FALSE, TRUE, FALSE };
  cairo_surface_t *image = mpy_renderer_create_block_image (snapshot, NULL, &options);
  guint32 bg = mpy_palette_get_background (FALSE);

  /* Area A: rows 0–1 (64 + 36 blocks); area B starts on a new row: rows 2–3 (64 + 6). */
  g_assert_cmpuint (mpy_layout_get_n_rows (snapshot, &options), ==, 4);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 4);
  g_assert_cmphex (pixel (image, 35, 1), ==, expected_kind_color (area_a[99], &options));
  for (int x = 36; x < 64; x++)
    g_assert_cmphex (pixel (image, x, 1), ==, bg);
  g_assert_cmphex (pixel (image, 0, 2), ==, expected_kind_color (area_b[0], &options));
  g_assert_cmphex (pixel (image, 0, 2), ==, mpy_palette_get_kind_color ('S', FALSE));
  g_assert_cmphex (pixel (image, 5, 3), ==, expected_kind_color (area_b[69], &options));
  for (int x = 6; x < 64; x++)
    g_assert_cmphex (pixel (image, x, 3), ==, bg);
  cairo_surface_destroy (image);

  /* With 2 columns (128 per row) each area fits one row. */
  options.columns = 2;
  image = mpy_renderer_create_block_image (snapshot, NULL, &options);
  g_assert_cmpint (cairo_image_surface_get_width (image), ==, 128);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 2);
  g_assert_cmphex (pixel (image, 99, 0), ==, expected_kind_color (area_a[99], &options));
  g_assert_cmphex (pixel (image, 100, 0), ==, bg);
  g_assert_cmphex (pixel (image, 0, 1), ==, mpy_palette_get_kind_color ('S', FALSE));
  cairo_surface_destroy (image);
}

static void
test_layout_round_trip (void)
{
  g_autoptr(MpySnapshot) snapshot = two_area_snapshot ();
  g_autoptr(MpySnapshot) fixture = read_fixture ("unix-heap256k-fragmented.txt");

  for (guint columns = 1; columns <= 3; columns++)
    {
      MpyRenderOptions options = { columns, FALSE, TRUE, FALSE };
      guint width = mpy_layout_get_row_width (&options);
      guint rows = mpy_layout_get_n_rows (snapshot, &options);
      gsize cells = 0;

      g_assert_cmpuint (width, ==, 64 * columns);
      for (gsize b = 0; b < mpy_snapshot_get_n_blocks (snapshot); b++)
        {
          guint x, y;
          gsize back;

          mpy_layout_get_position (snapshot, &options, b, &x, &y);
          g_assert_cmpuint (x, <, width);
          g_assert_cmpuint (y, <, rows);
          g_assert_true (mpy_layout_get_block_at (snapshot, &options, x, y, &back));
          g_assert_cmpuint (back, ==, b);
        }
      /* Every cell holding a block maps to a distinct block, the rest to none. */
      for (guint y = 0; y < rows + 2; y++)
        for (guint x = 0; x < width + 2; x++)
          {
            gsize b;
            if (mpy_layout_get_block_at (snapshot, &options, x, y, &b))
              {
                guint px, py;
                mpy_layout_get_position (snapshot, &options, b, &px, &py);
                g_assert_cmpuint (px, ==, x);
                g_assert_cmpuint (py, ==, y);
                cells++;
              }
          }
      g_assert_cmpuint (cells, ==, mpy_snapshot_get_n_blocks (snapshot));

      /* The first block of area 2 starts a row. */
      {
        const MpyArea *area = mpy_snapshot_get_area (snapshot, 1);
        guint x, y;
        mpy_layout_get_position (snapshot, &options, area->first_block, &x, &y);
        g_assert_cmpuint (x, ==, 0);
        g_assert_cmpuint (y, ==, (100 + width - 1) / width);
      }

      /* Same on a real 8-digit-offset fixture, sampled. */
      for (gsize b = 0; b < mpy_snapshot_get_n_blocks (fixture); b += 37)
        {
          guint x, y;
          gsize back;
          mpy_layout_get_position (fixture, &options, b, &x, &y);
          g_assert_cmpuint (x, ==, b % width);
          g_assert_cmpuint (y, ==, b / width);
          g_assert_true (mpy_layout_get_block_at (fixture, &options, x, y, &back));
          g_assert_cmpuint (back, ==, b);
        }
    }
}

/* ------------------------------------------------------------------------------------------
 * Outlines
 */

static void
test_outlines_only_when_large (void)
{
  g_autoptr(MpySnapshot) snapshot = two_area_snapshot ();
  MpyRenderOptions options = { 1, FALSE, TRUE, FALSE };
  guint rows = mpy_layout_get_n_rows (snapshot, &options);

  for (int scale = 4; scale <= 10; scale += 6)
    {
      int w = 64 * scale, h = rows * scale;
      cairo_surface_t *canvas = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
      cairo_surface_t *image = mpy_renderer_create_block_image (snapshot, NULL, &options);
      cairo_t *cr = cairo_create (canvas);
      g_autofree guint32 *before = g_new (guint32, (gsize) w * h);
      gsize changed = 0;
      guint32 s_color = mpy_palette_get_kind_color ('S', FALSE);

      cairo_scale (cr, scale, scale);
      cairo_set_source_surface (cr, image, 0, 0);
      cairo_pattern_set_filter (cairo_get_source (cr), CAIRO_FILTER_NEAREST);
      cairo_paint (cr);
      cairo_identity_matrix (cr);
      cairo_surface_flush (canvas);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          before[(gsize) y * w + x] = pixel (canvas, x, y);

      mpy_renderer_draw_outlines (cr, snapshot, NULL, &options, scale, 0, rows);
      cairo_surface_flush (canvas);
      for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
          changed += before[(gsize) y * w + x] != pixel (canvas, x, y);

      if (scale < 6)
        g_assert_cmpuint (changed, ==, 0);
      else
        {
          /* Lines drawn, but cell centres keep their colour: the 12-block str at the start
           * of area 2 (row 2) keeps its colour inside, and its left edge is outlined. */
          g_assert_cmpuint (changed, >, 0);
          g_assert_cmphex (pixel (canvas, scale / 2, 2 * scale + scale / 2), ==, s_color);
          g_assert_cmphex (pixel (canvas, 5 * scale + scale / 2, 2 * scale + scale / 2), ==,
                           mpy_palette_get_kind_color ('=', FALSE));
          g_assert_cmphex (pixel (canvas, 0, 2 * scale + scale / 2), !=, s_color);
          /* An outline where the str ends and free space begins (x = 12), none between
           * two free blocks (x = 14): same cell colour on both, only the outline differs. */
          g_assert_cmpint (area_b[12], ==, '.');
          g_assert_cmpint (area_b[13], ==, '.');
          g_assert_cmpint (area_b[14], ==, '.');
          g_assert_cmphex (pixel (canvas, 12 * scale, 2 * scale + scale / 2), !=,
                           pixel (canvas, 14 * scale, 2 * scale + scale / 2));
          /* The outline is darker than the free cell it sits on (light palette). */
          g_assert_cmphex (pixel (canvas, 12 * scale, 2 * scale + scale / 2) & 0xff, <,
                           mpy_palette_get_kind_color ('.', FALSE) & 0xff);
        }
      cairo_destroy (cr);
      cairo_surface_destroy (image);
      cairo_surface_destroy (canvas);
    }
}

/* A canvas shows part of the map: outlines drawn under a clip match the full drawing there. */
static void
test_outlines_clipped (void)
{
  g_autoptr(MpySnapshot) snapshot = read_fixture ("qemu-mps2-an385-fragmented.txt");
  MpyRenderOptions options = { 4, FALSE, TRUE, FALSE };
  guint rows = mpy_layout_get_n_rows (snapshot, &options);
  const int scale = 8, w = 256 * scale, h = 30 * scale;
  const int cx = 301, cy = 45, cw = 410, ch = 97;
  cairo_surface_t *full = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_surface_t *part = cairo_image_surface_create (CAIRO_FORMAT_RGB24, w, h);
  cairo_t *cr;

  g_assert_cmpuint (rows, >=, 30);
  cr = cairo_create (full);
  mpy_renderer_draw_outlines (cr, snapshot, NULL, &options, scale, 0, rows);
  cairo_destroy (cr);

  cr = cairo_create (part);
  cairo_rectangle (cr, cx, cy, cw, ch);
  cairo_clip (cr);
  mpy_renderer_draw_outlines (cr, snapshot, NULL, &options, scale, 0, rows);
  cairo_destroy (cr);

  cairo_surface_flush (full);
  cairo_surface_flush (part);
  for (int y = cy; y < cy + ch; y++)
    for (int x = cx; x < cx + cw; x++)
      if (pixel (full, x, y) != pixel (part, x, y))
        g_error ("clipped outline differs at %d,%d: %06x vs %06x", x, y,
                 pixel (part, x, y), pixel (full, x, y));
  /* and something was drawn there */
  {
    gsize lines = 0;
    for (int x = cx; x < cx + cw; x++)
      lines += pixel (part, x, cy + 3) != 0;
    g_assert_cmpuint (lines, >, 0);
  }
  cairo_surface_destroy (full);
  cairo_surface_destroy (part);
}

/* ------------------------------------------------------------------------------------------
 * Whole picture and PNG
 */

static guint
count_files (const char *dir)
{
  GDir *d = g_dir_open (dir, 0, NULL);
  guint n = 0;

  while (d != NULL && g_dir_read_name (d) != NULL)
    n++;
  if (d != NULL)
    g_dir_close (d);
  return n;
}

static void
test_png_written (void)
{
  g_autoptr(MpySnapshot) snapshot = read_fixture ("qemu-mps2-an385-fragmented.txt");
  g_autoptr(MpySnapshot) before = read_fixture ("qemu-mps2-an385-after-soft-reset.txt");
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, snapshot, NULL);
  g_autofree char *dir = mpy_test_make_dir ("mpy-render");
  g_autofree char *path = g_build_filename (dir, "map.png", NULL);
  MpyRenderOptions options = { 1, FALSE, TRUE, FALSE };
  guint rows = mpy_layout_get_n_rows (snapshot, &options);
  int w1, h1, w3, h3, w12, h12;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (diff);
  mpy_renderer_get_size (snapshot, NULL, &options, 1, &w1, &h1);
  mpy_renderer_get_size (snapshot, NULL, &options, 3, &w3, &h3);
  mpy_renderer_get_size (snapshot, NULL, &options, 12, &w12, &h12);
  /* The map grows by rows × scale; the picture holds the map at scale. */
  g_assert_cmpint (h3 - h1, ==, (int) rows * 2);
  g_assert_cmpint (w12, >=, 64 * 12);
  g_assert_cmpint (h12, >=, (int) rows * 12);

  for (int pass = 0; pass < 3; pass++)
    {
      MpyDiff *d = pass == 2 ? diff : NULL;
      double scale = pass == 0 ? 3 : 12;
      cairo_surface_t *png;
      int w, h;

      options.dark = pass == 1;
      g_assert_true (mpy_renderer_write_png (snapshot, d, &options, scale, path, &error));
      g_assert_no_error (error);
      png = cairo_image_surface_create_from_png (path);
      g_assert_cmpint (cairo_surface_status (png), ==, CAIRO_STATUS_SUCCESS);
      mpy_renderer_get_size (snapshot, d, &options, scale, &w, &h);
      g_assert_cmpint (cairo_image_surface_get_width (png), ==, w);
      g_assert_cmpint (cairo_image_surface_get_height (png), ==, h);
      /* Drawn on the palette's background. */
      g_assert_cmphex (pixel (png, 0, 0), ==, mpy_palette_get_background (options.dark));
      /* Every block at its place in the map, in its colour. */
      {
        const guint8 *kinds = mpy_snapshot_get_kinds (snapshot);
        const guint8 *states = d != NULL ? mpy_diff_get_states (d) : NULL;
        double ox, oy;

        mpy_renderer_get_map_origin (snapshot, d, &options, scale, &ox, &oy);
        g_assert_cmpfloat (oy, >, 0);
        for (gsize i = 0; i < mpy_snapshot_get_n_blocks (snapshot); i++)
          {
            int x = (int) (ox + (i % 64) * scale + scale / 2);
            int y = (int) (oy + (i / 64) * scale + scale / 2);
            guint32 want = states != NULL ? mpy_palette_get_diff_color (states[i], options.dark)
                                          : mpy_palette_get_kind_color (kinds[i], options.dark);

            if (pixel (png, x, y) != want)
              g_error ("PNG pass %d: block %" G_GSIZE_FORMAT " at %d,%d is %06x, expected %06x",
                       pass, i, x, y, pixel (png, x, y), want);
          }
      }
      cairo_surface_destroy (png);
      /* Atomic: only the PNG is left, no temporary file. */
      g_assert_cmpuint (count_files (dir), ==, 1);
    }

  mpy_test_remove_tree (dir);
}

/* The picture says what it shows: capture metadata and a damage verdict each add a header
 * line, pushing the map down by the same amount. */
static void
test_header_lines (void)
{
  g_autoptr(MpySnapshot) plain = read_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autoptr(GDateTime) time = g_date_time_new_utc (2026, 11, 25, 17, 0, 0);
  g_autoptr(MpySnapshot) labelled = mpy_snapshot_with_metadata (plain, time, "after alloc", NULL, NULL,
                                                                MPY_SNAPSHOT_FLAG_NONE);
  g_autoptr(MpySnapshot) captured = mpy_snapshot_with_metadata (plain, time, "after alloc", "/dev/ttyACM0",
                                                                NULL, MPY_SNAPSHOT_FLAG_GC);
  g_autofree char *path = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *text = NULL;
  g_autofree char *cut = NULL;
  g_autoptr(MpySnapshot) damaged = NULL;
  char *line;
  int w, h_plain, h_labelled, h_captured;
  double x, y_plain, y_captured, y_damaged;

  mpy_renderer_get_size (plain, NULL, NULL, 2, &w, &h_plain);
  mpy_renderer_get_size (labelled, NULL, NULL, 2, &w, &h_labelled);
  mpy_renderer_get_size (captured, NULL, NULL, 2, &w, &h_captured);
  /* a label replaces the generic title: same height */
  g_assert_cmpint (h_labelled, ==, h_plain);
  /* port and gc flag: one more line */
  g_assert_cmpint (h_captured, >, h_labelled);
  mpy_renderer_get_map_origin (plain, NULL, NULL, 2, &x, &y_plain);
  mpy_renderer_get_map_origin (captured, NULL, NULL, 2, &x, &y_captured);
  g_assert_cmpfloat (y_captured - y_plain, ==, (double) (h_captured - h_plain));

  /* Drop a block line: the dump comes back damaged and the picture says so. */
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  line = strstr (text, "\n00000400: ");
  g_assert_nonnull (line);
  {
    g_autofree char *head = g_strndup (text, line - text);
    cut = g_strconcat (head, strchr (line + 1, '\n'), NULL);
  }
  damaged = mpy_dump_reader_read_one (cut, -1, NULL);
  g_assert_nonnull (damaged);
  g_assert_true (mpy_snapshot_is_damaged (damaged));
  mpy_renderer_get_map_origin (damaged, NULL, NULL, 2, &x, &y_damaged);
  g_assert_cmpfloat (y_damaged, >, y_plain);
  /* The map starts on a pixel boundary, so that its cells are crisp. */
  g_assert_cmpfloat (y_plain, ==, floor (y_plain));
  g_assert_cmpfloat (y_damaged, ==, floor (y_damaged));
}

/* The PNG's header iterates the figure table: every figure the snapshot has, under its
 * title with the table's text (and delta in a diff), and none it lacks. */
static void
test_header_figures_from_table (void)
{
  g_autoptr(MpySnapshot) before = read_fixture ("unix-heap256k-after-alloc.txt");
  g_autoptr(MpySnapshot) after = read_fixture ("unix-heap256k-fragmented.txt");
  g_autoptr(MpySnapshot) noarg = read_fixture ("qemu-mps2-an385-meminfo-noarg.txt");
  g_autoptr(MpyDiff) diff = mpy_diff_new (before, after, NULL);
  MpySnapshot *snapshots[] = { after, noarg, after };

  g_assert_nonnull (diff);
  for (guint c = 0; c < G_N_ELEMENTS (snapshots); c++)
    {
      MpyDiff *d = c == 2 ? diff : NULL;
      MpyPicture picture;
      MpyStats stats;
      guint shown = 0;

      _mpy_picture_measure (&picture, snapshots[c], d, NULL, 2);
      mpy_stats_compute (snapshots[c], &stats);
      for (guint m = 0; m < MPY_N_METRICS; m++)
        {
          g_autofree char *value = mpy_metric_describe ((MpyMetric) m, snapshots[c], &stats, d);
          g_autofree char *want = value != NULL ? g_strdup_printf ("%s: %s", mpy_metric_get_title ((MpyMetric) m), value) : NULL;
          g_autofree char *prefix = g_strdup_printf ("%s: ", mpy_metric_get_title ((MpyMetric) m));
          guint found = 0;

          for (guint i = 0; i < picture.header->len; i++)
            {
              const char *text = g_array_index (picture.header, MpyFlowItem, i).text;

              if (want != NULL ? g_str_equal (text, want) : g_str_has_prefix (text, prefix))
                found++;
            }
          g_assert_cmpuint (found, ==, want != NULL ? 1 : 0);
          shown += want != NULL;
        }
      g_assert_cmpuint (shown, >, 10);
      _mpy_picture_clear (&picture);
    }
}

static void
test_png_write_error (void)
{
  g_autoptr(MpySnapshot) snapshot = read_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = mpy_test_make_dir ("mpy-render");
  g_autofree char *path = g_build_filename (dir, "no-such-folder", "map.png", NULL);

  g_assert_false (mpy_renderer_write_png (snapshot, NULL, NULL, 2, path, &error));
  g_assert_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_WRITE);
  /* The message names the file the user asked for. */
  g_assert_nonnull (strstr (error->message, "no-such-folder"));
  mpy_test_remove_tree (dir);
}

static void
test_png_no_map (void)
{
  g_autoptr(MpySnapshot) snapshot = read_fixture ("qemu-mps2-an385-meminfo-noarg.txt");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = mpy_test_make_dir ("mpy-render");
  g_autofree char *path = g_build_filename (dir, "map.png", NULL);
  cairo_surface_t *image;
  int w, h;

  g_assert_false (mpy_snapshot_has_map (snapshot));
  g_assert_cmpuint (mpy_layout_get_n_rows (snapshot, NULL), ==, 0);
  image = mpy_renderer_create_block_image (snapshot, NULL, NULL);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_height (image), ==, 0);
  cairo_surface_destroy (image);
  /* The header of figures can still be drawn (the canvas shows it). */
  mpy_renderer_get_size (snapshot, NULL, NULL, 4, &w, &h);
  g_assert_cmpint (w, >, 0);
  g_assert_cmpint (h, >, 0);

  g_assert_false (mpy_renderer_write_png (snapshot, NULL, NULL, 4, path, &error));
  g_assert_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_NO_MAP);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  mpy_test_remove_tree (dir);
}

static gboolean
fits_image (int w,
            int h)
{
  /* Cairo's limit per side, and the renderer's 2^28-pixel budget for exports. */
  return w <= 32767 && h <= 32767 && (gint64) w * h <= (G_GINT64_CONSTANT (1) << 28);
}

/* A 262,144-block heap (a 4 MiB PSRAM heap), one area. */
static MpySnapshot *
big_snapshot (void)
{
  const char *pattern = "h=hLhhhhTh.B.LhhA..Ah=....AS...h=h=h===Ah=A.h===================";
  const guint64 bases[] = { 0x3f800000 };
  GString *map = g_string_sized_new (262144);
  const char *areas[2] = { NULL, NULL };
  g_autofree char *text = NULL;
  MpySnapshot *snapshot;

  while (map->len < 262144)
    g_string_append (map, pattern);
  areas[0] = map->str;
  text = build_dump (areas, bases);
  g_string_free (map, TRUE);
  snapshot = mpy_dump_reader_read_one (text, -1, NULL);
  g_assert_nonnull (snapshot);
  g_assert_cmpuint (mpy_snapshot_get_n_blocks (snapshot), ==, 262144);
  return snapshot;
}

static void
test_png_too_large (void)
{
  g_autoptr(MpySnapshot) snapshot = big_snapshot ();
  g_autoptr(MpySnapshot) small = read_fixture ("qemu-mps2-an385-fragmented.txt");
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = mpy_test_make_dir ("mpy-render");
  g_autofree char *path = g_build_filename (dir, "map.png", NULL);
  MpyRenderOptions options = { 1, FALSE, TRUE, FALSE };
  guint rows = mpy_layout_get_n_rows (snapshot, &options);
  /* 4096 rows: too tall at 10 px, but 2 columns of 128 × 10 px would fit. */
  double scale = 10;
  guint max_scale;
  g_autofree char *scale_hint = NULL;
  const char *columns_hint;
  guint64 columns;
  int w, h;

  g_assert_cmpuint (rows * scale, >, 32767);
  g_assert_false (mpy_renderer_write_png (snapshot, NULL, &options, scale, path, &error));
  g_assert_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  /* The suggested scale fits and one more does not. */
  max_scale = mpy_renderer_get_max_scale (snapshot, NULL, &options);
  g_assert_cmpuint (max_scale, >=, 1);
  mpy_renderer_get_size (snapshot, NULL, &options, max_scale, &w, &h);
  g_assert_true (fits_image (w, h));
  mpy_renderer_get_size (snapshot, NULL, &options, max_scale + 1, &w, &h);
  g_assert_false (fits_image (w, h));
  scale_hint = g_strdup_printf ("--scale %u", max_scale);
  g_assert_nonnull (strstr (error->message, scale_hint));

  /* The suggested column count fits at the asked scale. */
  columns_hint = strstr (error->message, "--columns ");
  g_assert_nonnull (columns_hint);
  g_assert_cmpint (sscanf (columns_hint + 10, "%" G_GUINT64_FORMAT, &columns), ==, 1);
  g_assert_cmpuint (columns, >, 1);
  options.columns = columns;
  mpy_renderer_get_size (snapshot, NULL, &options, scale, &w, &h);
  g_assert_true (fits_image (w, h));
  /* and it really writes */
  g_assert_true (mpy_renderer_write_png (snapshot, NULL, &options, scale, path, NULL));

  /* A small heap at a huge scale: no column count helps, only the scale is suggested. */
  options.columns = 1;
  g_clear_error (&error);
  g_assert_false (mpy_renderer_write_png (small, NULL, &options, 400, path, &error));
  g_assert_error (error, MPY_RENDER_ERROR, MPY_RENDER_ERROR_TOO_LARGE);
  g_clear_pointer (&scale_hint, g_free);
  scale_hint = g_strdup_printf ("--scale %u", mpy_renderer_get_max_scale (small, NULL, &options));
  g_assert_nonnull (strstr (error->message, scale_hint));
  g_assert_null (strstr (error->message, "--columns"));

  mpy_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/render/palette/kinds-readable-for-colour-blind", test_palette_kinds_readable);
  g_test_add_func ("/render/palette/diff-states-readable-for-colour-blind", test_palette_diff_readable);
  g_test_add_func ("/render/palette/rainbow-shades-differ", test_palette_alternate_differs);
  g_test_add_func ("/render/block-image/fixture-map-colours", test_block_image_fixture_map);
  g_test_add_func ("/render/block-image/show-free", test_block_image_show_free);
  g_test_add_func ("/render/block-image/rainbow-alternates-per-object", test_block_image_rainbow);
  g_test_add_func ("/render/block-image/diff-states", test_block_image_diff);
  g_test_add_func ("/render/block-image/diff-rainbow", test_block_image_diff_rainbow);
  g_test_add_func ("/render/block-image/areas-start-new-rows", test_block_image_multi_area);
  g_test_add_func ("/render/layout/position-block-at-round-trip", test_layout_round_trip);
  g_test_add_func ("/render/outlines/only-at-large-scale", test_outlines_only_when_large);
  g_test_add_func ("/render/outlines/clipped-matches-full", test_outlines_clipped);
  g_test_add_func ("/render/png/written-with-expected-size", test_png_written);
  g_test_add_func ("/render/png/header-says-what-it-shows", test_header_lines);
  g_test_add_func ("/render/png/header-iterates-the-figure-table", test_header_figures_from_table);
  g_test_add_func ("/render/png/write-error-names-file", test_png_write_error);
  g_test_add_func ("/render/png/figures-only-dump", test_png_no_map);
  g_test_add_func ("/render/png/too-large-suggests-scale-and-columns", test_png_too_large);

  status = g_test_run ();
  /* Let leak checkers see only real leaks, not Cairo's font caches. */
  cairo_debug_reset_static_data ();
  return status;
}
