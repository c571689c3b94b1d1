/* test-cli.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * mpymemmap-cli run as a user runs it: stats/diff JSON against numbers computed here from the
 * fixture texts, render output, FILE:N, exit statuses and messages.
 */

#include <math.h>
#include <string.h>
#include <cairo.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <json-glib/json-glib.h>
#include <gif_lib.h>

#include "mpy-cli-json.h"
#include "mpy-cli-text.h"
#include "mpy-diff.h"
#include "mpy-dump-reader.h"
#include "mpy-metric.h"
#include "mpy-stats.h"
#include "mpy-renderer.h"
#include "mpy-session.h"
#include "mpy-test-map.h"
#include "mpy-test-cli.h"
#include "mpy-test-dirs.h"

static void
assert_one_line_message (Run        *run,
                         const char *must_contain)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (run->err));

  g_assert_cmpstr (trimmed, !=, "");
  if (strchr (trimmed, '\n') != NULL)
    g_error ("stderr is more than one line: %s", run->err);
  if (must_contain != NULL && strstr (trimmed, must_contain) == NULL)
    g_error ("stderr “%s” does not mention “%s”", trimmed, must_contain);
}

/* The map-bearing single-dump fixtures. */
static const char *map_fixtures[] = {
  "microbit-v1.0.1-after-alloc.txt", "microbit-v1.0.1-after-del-gc.txt",
  "microbit-v1.0.1-after-heap-full-gc.txt", "microbit-v1.0.1-after-soft-reset.txt",
  "microbit-v1.0.1-fragmented.txt", "microbit-v1.0.1-gc-disabled.txt", "microbit-v1.0.1-heap-full.txt",
  "qemu-mps2-an385-after-alloc.txt", "qemu-mps2-an385-after-del-gc.txt",
  "qemu-mps2-an385-after-heap-full-gc.txt", "qemu-mps2-an385-after-soft-reset.txt",
  "qemu-mps2-an385-fragmented.txt", "qemu-mps2-an385-gc-disabled.txt", "qemu-mps2-an385-heap-full.txt",
  "unix-heap256k-after-alloc.txt", "unix-heap256k-after-del-gc.txt",
  "unix-heap256k-after-heap-full-gc.txt", "unix-heap256k-after-soft-reset.txt",
  "unix-heap256k-fragmented.txt", "unix-heap256k-gc-disabled.txt", "unix-heap256k-heap-full.txt",
  NULL
};

static const char *figure_members[TM_N_FIGURES] = {
  "mem_total", "mem_current", "mem_peak", "stack_used", "stack_limit",
  "gc_total", "gc_used", "gc_free", "one_blocks", "two_blocks", "max_block", "max_free",
};

static void
assert_member_int (JsonObject *o,
                   const char *member,
                   gint64      want)
{
  JsonNode *node = json_object_get_member (o, member);

  if (node == NULL)
    g_error ("member %s missing", member);
  if (want < 0)
    {
      if (!JSON_NODE_HOLDS_NULL (node))
        g_error ("%s should be null", member);
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    g_error ("%s should be a number", member);
  if (json_node_get_int (node) != want)
    g_error ("%s = %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, member,
             json_node_get_int (node), want);
}

/* Checks one stats object against the fixture text, read independently. */
static void
check_stats_object (JsonObject *o,
                    const char *path,
                    guint       index)
{
  g_autoptr(TmDump) dump = tm_dump_parse_file (path);
  gsize n = dump->kinds->len;
  gsize counts[256] = { 0 };
  gsize objects = 0, holes = 0, largest = 0, free_blocks = 0;
  JsonArray *areas;
  JsonObject *kinds;
  double fragmentation;

  g_assert_cmpstr (json_object_get_string_member (o, "file"), ==, path);
  g_assert_cmpint (json_object_get_int_member (o, "index"), ==, index);
  for (guint f = 0; f < TM_N_FIGURES; f++)
    assert_member_int (o, figure_members[f], dump->figures[f]);

  g_assert_true (json_object_get_boolean_member (o, "has_map"));
  assert_member_int (o, "block_count", n);
  assert_member_int (o, "bytes_per_block", dump->figures[TM_GC_TOTAL] / n);

  areas = json_object_get_array_member (o, "areas");
  g_assert_cmpuint (json_array_get_length (areas), ==, dump->bases->len);
  for (guint a = 0; a < dump->bases->len; a++)
    {
      JsonObject *area = json_array_get_object_element (areas, a);
      assert_member_int (area, "base", g_array_index (dump->bases, guint64, a));
      assert_member_int (area, "blocks", g_array_index (dump->area_blocks, gsize, a));
    }

  for (gsize i = 0; i < n; i++)
    counts[(guint8) dump->kinds->str[i]]++;
  kinds = json_object_get_object_member (o, "kind_blocks");
  g_assert_nonnull (kinds);
  for (guint c = 0; c < 256; c++)
    {
      char key[2] = { (char) c, 0 };
      if (counts[c] > 0)
        assert_member_int (kinds, key, counts[c]);
    }
  g_assert_cmpuint (json_object_get_size (kinds), ==, MPY_N_KINDS);

  /* The header agrees with the map in these consistent dumps. */
  g_assert_cmpint ((gint64) counts['.'] * (dump->figures[TM_GC_TOTAL] / n), ==, dump->figures[TM_GC_FREE]);

  {
    gsize a_start = 0;
    for (guint a = 0; a < dump->area_blocks->len; a++)
      {
        gsize an = g_array_index (dump->area_blocks, gsize, a), run = 0;
        for (gsize i = a_start; i <= a_start + an; i++)
          {
            char k = i < a_start + an ? dump->kinds->str[i] : 'h';
            if (k == '.')
              run++, free_blocks++;
            else
              {
                if (run > 0)
                  holes++;
                largest = MAX (largest, run);
                run = 0;
              }
            if (i < a_start + an && k != '.' && k != '=')
              objects++;
          }
        a_start += an;
      }
  }
  assert_member_int (o, "objects", objects);
  assert_member_int (o, "free_holes", holes);
  assert_member_int (o, "largest_free_run", largest);
  if (dump->figures[TM_MAX_FREE] >= 0)
    g_assert_cmpint (largest, ==, dump->figures[TM_MAX_FREE]);
  fragmentation = json_object_get_double_member (o, "fragmentation");
  if (free_blocks == 0)
    g_assert_cmpfloat (fragmentation, ==, 0.0);
  else
    g_assert_cmpfloat_with_epsilon (fragmentation, 1.0 - (double) largest / free_blocks, 1e-9);

  g_assert_false (json_object_get_boolean_member (o, "damaged"));
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "damage_reason")));
}

static void
test_stats_json_matches_headers (void)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  JsonArray *array;
  int wait_status;

  /* All fixtures in one run: one object per file, in order. */
  g_ptr_array_add (argv, cli_path);
  g_ptr_array_add (argv, "stats");
  g_ptr_array_add (argv, "--json");
  for (guint i = 0; map_fixtures[i] != NULL; i++)
    {
      char *path = tm_fixture (map_fixtures[i]);
      g_ptr_array_add (args, path);
      g_ptr_array_add (argv, path);
    }
  g_ptr_array_add (argv, NULL);
  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                &out, &err, &wait_status, &error);
  g_assert_no_error (error);
  if (!WIFEXITED (wait_status) || WEXITSTATUS (wait_status) != 0)
    g_error ("stats --json on the fixtures failed: %s", err);

  root = parse_json (out);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (root));
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, args->len);
  for (guint i = 0; i < args->len; i++)
    check_stats_object (json_array_get_object_element (array, i), g_ptr_array_index (args, i), 0);
}

static void
test_stats_json_several_files (void)
{
  g_autofree char *a = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *b = tm_fixture ("unix-heap256k-fragmented.txt");
  g_autofree char *c = tm_fixture ("microbit-v1.0.1-gc-disabled.txt");
  g_autoptr(Run) run = run_cli ("stats", "--json", a, b, c, NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  g_assert_cmpint (run->status, ==, 0);
  root = parse_json (run->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  check_stats_object (json_array_get_object_element (array, 0), a, 0);
  check_stats_object (json_array_get_object_element (array, 1), b, 0);
  check_stats_object (json_array_get_object_element (array, 2), c, 0);
}

static void
test_stats_json_null_figures (void)
{
  /* mem_info() without argument: figures, no map. */
  g_autofree char *noarg = tm_fixture ("qemu-mps2-an385-meminfo-noarg.txt");
  g_autoptr(TmDump) dump = tm_dump_parse_file (noarg);
  g_autoptr(Run) run = run_cli ("stats", "--json", noarg, NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;
  const char *map_members[] = { "block_count", "kind_blocks", "objects", "largest_free_run",
                                "free_holes", "fragmentation", "bytes_per_block", NULL };

  g_assert_cmpint (run->status, ==, 0);
  root = parse_json (run->out);
  o = json_array_get_object_element (json_node_get_array (root), 0);
  for (guint f = 0; f < TM_N_FIGURES; f++)
    assert_member_int (o, figure_members[f], dump->figures[f]);
  g_assert_cmpint (dump->figures[TM_GC_TOTAL], >, 0);
  g_assert_false (json_object_get_boolean_member (o, "has_map"));
  for (guint i = 0; map_members[i] != NULL; i++)
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, map_members[i])));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (o, "areas")), ==, 0);

  /* micro:bit firmware prints no mem: line: those figures are null, the rest are numbers. */
  {
    g_autofree char *mb = tm_fixture ("microbit-v1.0.1-after-alloc.txt");
    g_autoptr(Run) r2 = run_cli ("stats", "--json", mb, NULL);
    g_autoptr(JsonNode) root2 = NULL;
    JsonObject *o2;

    g_assert_cmpint (r2->status, ==, 0);
    root2 = parse_json (r2->out);
    o2 = json_array_get_object_element (json_node_get_array (root2), 0);
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o2, "mem_total")));
    g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o2, "max_new_split")));
    g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (o2, "gc_total")));
  }
}

static void
test_stats_text (void)
{
  g_autofree char *path = tm_fixture ("qemu-mps2-an385-fragmented.txt");
  g_autoptr(TmDump) dump = tm_dump_parse_file (path);
  g_autoptr(Run) run = run_cli ("stats", path, NULL);
  g_autofree char *total = g_strdup_printf ("%" G_GINT64_FORMAT, dump->figures[TM_GC_TOTAL]);
  g_autofree char *stack = g_strdup_printf ("  Stack used               %" G_GINT64_FORMAT " bytes\n",
                                            dump->figures[TM_STACK_USED]);
  g_autofree char *limit = g_strdup_printf ("  Stack limit              %" G_GINT64_FORMAT " bytes",
                                            dump->figures[TM_STACK_LIMIT]);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, path));
  g_assert_nonnull (strstr (run->out, total));
  g_assert_nonnull (strstr (run->out, stack));
  g_assert_nonnull (strstr (run->out, limit));
  g_assert_nonnull (strstr (run->out, "Fragmentation"));
  g_assert_nonnull (strstr (run->out, "consistent"));
  g_assert_cmpstr (run->err, ==, "");
}

/* Output that cannot be written (stdout on a full disk: /dev/full) is a failure, said on
 * stderr, not exit status 0 with an empty file; for text, JSON and CSV alike. */
static void
test_stdout_full_disk (void)
{
  g_autofree char *path = tm_fixture ("qemu-mps2-an385-fragmented.txt");
  const char *commands[][3] = {
    { "stats", NULL, NULL }, { "stats", "--json", NULL }, { "timeline", "--csv", NULL },
  };

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full");
      return;
    }
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
      g_autoptr(GSubprocess) process = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *err = NULL;
      const char *argv[] = { cli_path, commands[i][0], commands[i][1] != NULL ? commands[i][1] : path,
                             commands[i][1] != NULL ? path : NULL, NULL };

      g_subprocess_launcher_set_stdout_file_path (launcher, "/dev/full");
      process = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, &error);
      g_assert_no_error (error);
      g_assert_true (g_subprocess_get_if_exited (process));
      g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 1);
      g_assert_nonnull (strstr (err, "could not write the output"));
    }
}

/* capture --json prints the same object for a dump that has no file yet. */
static void
test_json_object_without_file (void)
{
  g_autofree char *path = tm_fixture ("unix-heap256k-after-alloc.txt");
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (path, NULL);
  g_autoptr(GDateTime) time = g_date_time_new_utc (2026, 11, 25, 17, 0, 0);
  g_autoptr(MpySnapshot) snapshot = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(TmDump) dump = tm_dump_parse_file (path);
  JsonObject *o;

  g_assert_nonnull (dumps);
  snapshot = mpy_snapshot_with_metadata (g_ptr_array_index (dumps, 0), time, "after alloc",
                                         "/dev/ttyUSB0", NULL, MPY_SNAPSHOT_FLAG_NONE);
  node = mpy_cli_snapshot_to_json (snapshot, NULL, 3);
  o = json_node_get_object (node);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (o, "file")));
  g_assert_cmpint (json_object_get_int_member (o, "index"), ==, 3);
  g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, "after alloc");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (o, "time"), "2026-11-25T17:00:00"));
  for (guint f = 0; f < TM_N_FIGURES; f++)
    assert_member_int (o, figure_members[f], dump->figures[f]);
  assert_member_int (o, "block_count", dump->kinds->len);
}

/* A dump that lost a line on the way is reported as damaged, with the reason, never as whole. */
static void
test_stats_damaged (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *src = tm_fixture ("qemu-mps2-an385-fragmented.txt");
  g_autofree char *path = g_build_filename (dir, "lost-line.txt", NULL);
  g_autofree char *png = g_build_filename (dir, "lost-line.png", NULL);
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  GString *damaged = g_string_new (NULL);
  gboolean dropped = FALSE;

  g_assert_true (g_file_get_contents (src, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      /* drop one block line in the middle of the map */
      if (!dropped && g_str_has_prefix (lines[i], "00000800: "))
        {
          dropped = TRUE;
          continue;
        }
      g_string_append (damaged, lines[i]);
      if (lines[i + 1] != NULL)
        g_string_append_c (damaged, '\n');
    }
  g_assert_true (dropped);
  g_assert_true (g_file_set_contents (path, damaged->str, -1, NULL));
  g_string_free (damaged, TRUE);

  {
    g_autoptr(Run) run = run_cli ("stats", "--json", path, NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonObject *o;

    g_assert_cmpint (run->status, ==, 0);
    root = parse_json (run->out);
    o = json_array_get_object_element (json_node_get_array (root), 0);
    g_assert_true (json_object_get_boolean_member (o, "damaged"));
    g_assert_nonnull (json_object_get_string_member (o, "damage_reason"));
    g_assert_cmpstr (json_object_get_string_member (o, "damage_reason"), !=, "");
  }
  {
    g_autoptr(Run) run = run_cli ("stats", path, NULL);
    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "DAMAGED"));
  }
  {
    /* Drawn all the same, with a warning naming the dump. */
    g_autoptr(Run) run = run_cli ("render", path, "-o", png, NULL);
    g_assert_cmpint (run->status, ==, 0);
    assert_one_line_message (run, "damaged");
    g_assert_true (g_file_test (png, G_FILE_TEST_EXISTS));
  }
  mpy_test_remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------
 * diff
 */

typedef struct {
  gsize start, len;
  char  kind;
} TmObject;

static GArray *
objects_of (TmDump *dump)
{
  GArray *objects = g_array_new (FALSE, FALSE, sizeof (TmObject));
  g_autofree gint64 *starts = tm_object_starts (dump);

  for (gsize i = 0; i < dump->kinds->len; i++)
    {
      if (starts[i] == (gint64) i)
        {
          TmObject o = { i, 1, dump->kinds->str[i] };
          g_array_append_val (objects, o);
        }
      else if (starts[i] >= 0)
        g_array_index (objects, TmObject, objects->len - 1).len++;
    }
  return objects;
}

static void
check_diff (const char *name_a,
            const char *name_b)
{
  g_autofree char *a = tm_fixture (name_a);
  g_autofree char *b = tm_fixture (name_b);
  g_autoptr(TmDump) da = tm_dump_parse_file (a);
  g_autoptr(TmDump) db = tm_dump_parse_file (b);
  g_autoptr(Run) run = run_cli ("diff", "--json", a, b, NULL);
  g_autoptr(JsonNode) root = NULL;
  g_autofree gint64 *sa = tm_object_starts (da);
  g_autofree gint64 *sb = tm_object_starts (db);
  g_autoptr(GArray) oa = objects_of (da);
  g_autoptr(GArray) ob = objects_of (db);
  gsize allocated = 0, freed = 0, changed = 0, unchanged = 0, both_free = 0, kept = 0;
  JsonObject *o, *blocks, *objects, *deltas;

  if (run->status != 0)
    g_error ("diff %s %s: exit %d: %s", a, b, run->status, run->err);
  g_assert_cmpuint (da->kinds->len, ==, db->kinds->len);

  for (gsize i = 0; i < da->kinds->len; i++)
    {
      gboolean fa = da->kinds->str[i] == '.', fb = db->kinds->str[i] == '.';

      if (fa && fb)
        both_free++;
      else if (fa)
        allocated++;
      else if (fb)
        freed++;
      else if (sa[i] == sb[i] && da->kinds->str[sa[i]] == db->kinds->str[sb[i]])
        unchanged++;
      else
        changed++;
    }
  /* kept: same start, size and kind in both */
  for (guint i = 0, j = 0; i < oa->len && j < ob->len;)
    {
      TmObject *x = &g_array_index (oa, TmObject, i), *y = &g_array_index (ob, TmObject, j);

      if (x->start < y->start)
        i++;
      else if (y->start < x->start)
        j++;
      else
        {
          kept += x->len == y->len && x->kind == y->kind;
          i++, j++;
        }
    }

  root = parse_json (run->out);
  o = json_node_get_object (root);
  blocks = json_object_get_object_member (o, "blocks");
  assert_member_int (blocks, "allocated", allocated);
  assert_member_int (blocks, "freed", freed);
  assert_member_int (blocks, "changed", changed);
  assert_member_int (blocks, "unchanged", unchanged);
  assert_member_int (blocks, "free", both_free);
  objects = json_object_get_object_member (o, "objects");
  assert_member_int (objects, "kept", kept);
  assert_member_int (objects, "new", ob->len - kept);
  assert_member_int (objects, "freed", oa->len - kept);

  deltas = json_object_get_object_member (o, "deltas");
  for (guint f = 0; f < TM_N_FIGURES; f++)
    {
      gint64 want = (da->figures[f] >= 0 && db->figures[f] >= 0) ? db->figures[f] - da->figures[f] : G_MININT64;

      if (want == G_MININT64)
        g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (deltas, figure_members[f])));
      else
        g_assert_cmpint (json_object_get_int_member (deltas, figure_members[f]), ==, want);
    }
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "before"), "file"), ==, a);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (o, "after"), "file"), ==, b);

  /* The pair is worth testing: something was allocated and something freed. */
  g_assert_cmpuint (allocated + freed, >, 0);
}

static void
test_diff_numbers (void)
{
  check_diff ("qemu-mps2-an385-after-soft-reset.txt", "qemu-mps2-an385-fragmented.txt");
  check_diff ("qemu-mps2-an385-heap-full.txt", "qemu-mps2-an385-after-heap-full-gc.txt");
  check_diff ("unix-heap256k-after-alloc.txt", "unix-heap256k-after-del-gc.txt");
  check_diff ("microbit-v1.0.1-after-alloc.txt", "microbit-v1.0.1-fragmented.txt");
}

static void
test_diff_text (void)
{
  g_autofree char *a = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *b = tm_fixture ("qemu-mps2-an385-after-del-gc.txt");
  g_autoptr(Run) run = run_cli ("diff", a, b, NULL);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "allocated"));
  g_assert_nonnull (strstr (run->out, "gc_used"));
}

/* Every figure of the table appears under the same key in `stats --json` (its value, as the
 * core computes it) and in the deltas of `diff --json` (after − before), and no figure
 * travels under a second key. A dump with `max new split` (modern firmware) is written
 * for the purpose: no fixture has one. */
static void
test_figures_one_key_everywhere (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *a = g_build_filename (dir, "a.txt", NULL);
  g_autofree char *b = tm_fixture ("unix-heap256k-fragmented.txt");
  g_autofree char *b_text = NULL;
  g_autofree char *a_text = NULL;
  g_autoptr(GRegex) gc_line = g_regex_new ("^(GC: total: .*)$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GPtrArray) dumps_a = NULL;
  g_autoptr(GPtrArray) dumps_b = NULL;
  g_autoptr(Run) stats = NULL;
  g_autoptr(Run) diff = NULL;
  g_autoptr(JsonNode) stats_root = NULL;
  g_autoptr(JsonNode) diff_root = NULL;
  JsonObject *deltas;

  g_assert_true (g_file_get_contents (b, &b_text, NULL, NULL));
  a_text = g_regex_replace (gc_line, b_text, -1, 0, "\\1, max new split: 4096", 0, NULL);
  g_assert_nonnull (strstr (a_text, "max new split: 4096"));
  g_assert_true (g_file_set_contents (a, a_text, -1, NULL));
  dumps_a = mpy_dump_reader_read_file (a, NULL);
  dumps_b = mpy_dump_reader_read_file (b, NULL);
  g_assert_nonnull (dumps_a);
  g_assert_nonnull (dumps_b);

  stats = run_cli ("stats", "--json", a, b, NULL);
  diff = run_cli ("diff", "--json", a, b, NULL);
  g_assert_cmpint (stats->status, ==, 0);
  g_assert_cmpint (diff->status, ==, 0);
  stats_root = parse_json (stats->out);
  diff_root = parse_json (diff->out);
  deltas = json_object_get_object_member (json_node_get_object (diff_root), "deltas");
  g_assert_nonnull (deltas);

  for (guint m = 0; m < MPY_N_METRICS; m++)
    {
      const char *key = mpy_metric_get_key ((MpyMetric) m);
      double va = 0, vb = 0;
      gboolean have_a, have_b;
      MpyStats sa, sb;

      mpy_stats_compute (g_ptr_array_index (dumps_a, 0), &sa);
      mpy_stats_compute (g_ptr_array_index (dumps_b, 0), &sb);
      have_a = mpy_metric_get_value ((MpyMetric) m, g_ptr_array_index (dumps_a, 0), &sa, &va);
      have_b = mpy_metric_get_value ((MpyMetric) m, g_ptr_array_index (dumps_b, 0), &sb, &vb);

      for (guint i = 0; i < 2; i++)
        {
          JsonObject *o = json_array_get_object_element (json_node_get_array (stats_root), i);
          JsonNode *node = json_object_get_member (o, key);
          gboolean have = i == 0 ? have_a : have_b;
          double want = i == 0 ? va : vb;

          if (node == NULL)
            g_error ("stats --json has no member %s", key);
          if (!have)
            g_assert_true (JSON_NODE_HOLDS_NULL (node));
          else if (mpy_metric_is_integer ((MpyMetric) m))
            g_assert_cmpint (json_node_get_int (node), ==, (gint64) want);
          else
            g_assert_cmpfloat_with_epsilon (json_node_get_double (node), want, 1e-12);
        }

      if (!json_object_has_member (deltas, key))
        g_error ("diff --json deltas have no member %s", key);
      if (have_a && have_b && mpy_metric_has_delta ((MpyMetric) m))
        {
          if (mpy_metric_is_integer ((MpyMetric) m))
            g_assert_cmpint (json_object_get_int_member (deltas, key), ==, (gint64) (vb - va));
          else
            g_assert_cmpfloat_with_epsilon (json_object_get_double_member (deltas, key), vb - va, 1e-12);
        }
      else
        g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (deltas, key)));
    }

  /* The figure both files disagree on: present in one, absent in the other. */
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (
                     json_node_get_array (stats_root), 0), "max_new_split"), ==, 4096);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (deltas, "max_new_split")));
  /* The old diff key is gone: one key per figure. */
  g_assert_false (json_object_has_member (deltas, "gc_max_new_split"));
  g_assert_cmpuint (json_object_get_size (deltas), ==, MPY_N_METRICS);

  mpy_test_remove_tree (dir);
}

/* Different layouts: the blocks are not compared (the reason said once), the figures are,
 * and that is a result, not a failure (issue 11). */
static void
test_diff_incompatible (void)
{
  g_autofree char *a = tm_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *b = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autoptr(Run) run = run_cli ("diff", a, b, NULL);

  g_autofree char *names_in_order = g_strdup_printf ("%s (after) vs %s (before)\n", b, a);

  g_assert_cmpint (run->status, ==, 0);
  g_assert_cmpstr (run->err, ==, "");
  /* the two files in the order given, and the reason once */
  g_assert_true (g_str_has_prefix (run->out, names_in_order));
  g_assert_nonnull (strstr (run->out, "not compared (only the figures are): heap area 1 is 628 blocks"));
  g_assert_null (strstr (run->out, "the snapshots cannot be compared"));
  g_assert_nonnull (strstr (run->out, "gc_total"));
}

/* Every occurrence of @from in @text replaced by @to. */
static char *
mpy_test_replace (const char *text,
                  const char *from,
                  const char *to)
{
  g_auto(GStrv) parts = g_strsplit (text, from, -1);

  return g_strjoinv (to, parts);
}

/* ------------------------------------------------------------------------------------------
 * FILE:N, render
 */

/* A console log with two dumps and noise around them; returns its path in @dir. */
static char *
two_dump_log (const char *dir)
{
  g_autofree char *a = tm_fixture ("qemu-mps2-an385-after-soft-reset.txt");
  g_autofree char *b = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *ta = NULL, *tb = NULL, *text = NULL;
  char *path = g_build_filename (dir, "log.txt", NULL);

  g_assert_true (g_file_get_contents (a, &ta, NULL, NULL));
  g_assert_true (g_file_get_contents (b, &tb, NULL, NULL));
  text = g_strconcat ("MicroPython v1.29 on qemu\r\n>>> import micropython\r\n", ta,
                      ">>> x = [1, 2, 3]\r\n>>> micropython.mem_info(1)\r\n", tb, ">>> \r\n", NULL);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_truncated_session (void)
{
  /* A session cut off inside its third record: the two whole ones are used, and a warning
   * names what was cut (issue 8, item 4). */
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *path = g_build_filename (dir, "cut.mpysession", NULL);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  const char *names[] = { "qemu-mps2-an385-after-alloc.txt", "unix-heap256k-fragmented.txt",
                          "microbit-v1.0.1-after-alloc.txt" };
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize length = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *fixture = tm_fixture (names[i]);
      g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (fixture, &error);

      g_assert_no_error (error);
      g_ptr_array_add (list, mpy_snapshot_ref (g_ptr_array_index (dumps, 0)));
    }
  text = mpy_session_to_text (list, &length);
  g_file_set_contents (path, text, length - 100, &error);
  g_assert_no_error (error);

  {
    g_autoptr(Run) run = run_cli ("stats", "--json", path, NULL);

    g_assert_cmpint (run->status, ==, 0);
    root = parse_json (run->out);
    g_assert_cmpuint (json_array_get_length (json_node_get_array (root)), ==, 2);
    g_assert_nonnull (strstr (run->err, "warning"));
    g_assert_nonnull (strstr (run->err, "cut.mpysession"));
    g_assert_nonnull (strstr (run->err, "truncated"));
    g_assert_nonnull (strstr (run->err, "snapshot 3"));
  }
  {
    /* Two dumps of the one file: the warning is said once, not once per read. */
    g_autofree char *a = g_strconcat (path, ":0", NULL);
    g_autofree char *b = g_strconcat (path, ":1", NULL);
    g_autoptr(Run) run = run_cli ("diff", a, b, NULL);
    const char *first = strstr (run->err, "warning");

    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (first);
    g_assert_null (strstr (first + 1, "warning"));
  }

  mpy_test_remove_tree (dir);
}

static void
test_gzip_session (void)
{
  /* A .mpysession.gz is accepted wherever a session is: stats --json gives the same objects
   * as for the plain file, FILE:N picks its dumps for diff. */
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *plain = g_build_filename (dir, "watch.mpysession", NULL);
  g_autofree char *packed = g_build_filename (dir, "watch.mpysession.gz", NULL);
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mpy_snapshot_unref);
  const char *names[] = { "qemu-mps2-an385-after-alloc.txt", "qemu-mps2-an385-fragmented.txt" };
  g_autoptr(GError) error = NULL;
  g_autofree char *head = NULL;
  gsize length = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *fixture = tm_fixture (names[i]);
      g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (fixture, &error);

      g_assert_no_error (error);
      g_ptr_array_add (list, mpy_snapshot_ref (g_ptr_array_index (dumps, 0)));
    }
  g_assert_true (mpy_session_write_file (plain, list, &error));
  g_assert_true (mpy_session_write_file (packed, list, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (packed, &head, &length, NULL));
  g_assert_cmpuint (length, >, 2);
  g_assert_cmphex ((guchar) head[0], ==, 0x1f);

  {
    g_autoptr(Run) a = run_cli ("stats", "--json", plain, NULL);
    g_autoptr(Run) b = run_cli ("stats", "--json", packed, NULL);
    g_autofree char *expected = NULL;

    g_assert_cmpint (a->status, ==, 0);
    g_assert_cmpint (b->status, ==, 0);
    g_assert_cmpstr (b->err, ==, "");
    /* The same objects but for the file name. */
    expected = mpy_test_replace (a->out, plain, packed);
    g_assert_cmpstr (b->out, ==, expected);
  }
  {
    g_autofree char *first = g_strconcat (packed, ":0", NULL);
    g_autofree char *second = g_strconcat (packed, ":1", NULL);
    g_autoptr(Run) run = run_cli ("diff", first, second, NULL);

    g_assert_cmpint (run->status, ==, 0);
    g_assert_nonnull (strstr (run->out, "Blocks"));
  }
  mpy_test_remove_tree (dir);
}

static void
test_file_index (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *log = two_dump_log (dir);
  g_autofree char *ref0 = g_strconcat (log, ":0", NULL);
  g_autofree char *ref1 = g_strconcat (log, ":1", NULL);
  g_autofree char *ref2 = g_strconcat (log, ":2", NULL);
  g_autofree char *b = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autoptr(Run) stats = run_cli ("stats", "--json", log, NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonArray *array;

  /* stats numbers the dumps from 0 … */
  g_assert_cmpint (stats->status, ==, 0);
  root = parse_json (stats->out);
  array = json_node_get_array (root);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (array, 1), "index"), ==, 1);

  /* … and FILE:1 is the second dump: identical to its own fixture. */
  {
    g_autoptr(Run) run = run_cli ("diff", "--json", ref1, b, NULL);
    g_autoptr(JsonNode) d = NULL;
    JsonObject *blocks;

    g_assert_cmpint (run->status, ==, 0);
    d = parse_json (run->out);
    blocks = json_object_get_object_member (json_node_get_object (d), "blocks");
    g_assert_cmpint (json_object_get_int_member (blocks, "allocated"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (blocks, "freed"), ==, 0);
    g_assert_cmpint (json_object_get_int_member (blocks, "changed"), ==, 0);
  }
  /* FILE alone and FILE:0 are the first dump, which differs from the second. */
  {
    g_autoptr(Run) run = run_cli ("diff", "--json", log, ref1, NULL);
    g_autoptr(Run) run0 = run_cli ("diff", "--json", ref0, ref1, NULL);
    g_autoptr(JsonNode) d = NULL;
    JsonObject *blocks;

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpint (run0->status, ==, 0);
    d = parse_json (run->out);
    blocks = json_object_get_object_member (json_node_get_object (d), "blocks");
    g_assert_cmpint (json_object_get_int_member (blocks, "allocated"), >, 0);
    /* the same comparison apart from how the dump was named */
    g_assert_nonnull (strstr (run0->out, "\"allocated\""));
  }
  /* The table ends with one line per dump. */
  {
    g_autoptr(Run) run = run_cli ("stats", log, NULL);
    const char *table;

    g_assert_cmpint (run->status, ==, 0);
    table = strstr (run->out, "\nDump ");
    g_assert_nonnull (table);
    g_assert_nonnull (strstr (table, "log.txt:0 "));
    g_assert_nonnull (strstr (table, "log.txt:1 "));
    g_assert_null (strstr (table, "log.txt:2 "));
  }
  /* No third dump: exit 1, naming the file and how many it holds. */
  {
    g_autoptr(Run) run = run_cli ("diff", ref0, ref2, NULL);

    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, log);
    g_assert_nonnull (strstr (run->err, "2 dumps"));
  }
  /* An index too big for a guint is still an index (issue 8.10). */
  {
    g_autofree char *huge = g_strconcat (log, ":4294967296", NULL);
    g_autofree char *huger = g_strconcat (log, ":99999999999999999999999", NULL);
    g_autofree char *want = g_strdup_printf ("no dump 4294967296 in %s", log);
    g_autofree char *want2 = g_strdup_printf ("no dump 99999999999999999999999 in %s", log);
    g_autoptr(Run) run = run_cli ("render", huge, "-o", "/dev/null", NULL);
    g_autoptr(Run) run2 = run_cli ("diff", ref0, huger, NULL);

    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, want);
    g_assert_cmpint (run2->status, ==, 1);
    assert_one_line_message (run2, want2);
  }

  mpy_test_remove_tree (dir);
}

/* FILE:N names one dump in every command: stats and timeline take it as render and diff
 * do, and FILE alone is every dump there (review: `stats FILE:N` was refused). */
static void
test_file_index_everywhere (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *log = two_dump_log (dir);
  g_autofree char *ref1 = g_strconcat (log, ":1", NULL);
  g_autofree char *ref2 = g_strconcat (log, ":2", NULL);
  g_autofree char *b = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autoptr(Run) all = run_cli ("stats", "--json", log, NULL);
  g_autoptr(Run) one = run_cli ("stats", "--json", ref1, NULL);
  g_autoptr(Run) whole = run_cli ("stats", "--json", b, NULL);
  g_autoptr(JsonNode) all_root = NULL, one_root = NULL, whole_root = NULL;
  JsonObject *o;

  g_assert_cmpint (all->status, ==, 0);
  g_assert_cmpint (one->status, ==, 0);
  all_root = parse_json (all->out);
  one_root = parse_json (one->out);
  whole_root = parse_json (whole->out);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (one_root)), ==, 1);
  o = json_array_get_object_element (json_node_get_array (one_root), 0);
  /* The second dump of the log, named by its own file and index … */
  g_assert_cmpstr (json_object_get_string_member (o, "file"), ==, log);
  g_assert_cmpint (json_object_get_int_member (o, "index"), ==, 1);
  /* … with the figures of the fixture it was made of, and of `stats FILE`'s second row. */
  g_assert_cmpint (json_object_get_int_member (o, "gc_used"), ==,
                   json_object_get_int_member (json_array_get_object_element (json_node_get_array (whole_root), 0), "gc_used"));
  g_assert_cmpint (json_object_get_int_member (o, "objects"), ==,
                   json_object_get_int_member (json_array_get_object_element (json_node_get_array (all_root), 1), "objects"));

  /* The text names it FILE:1 and has no summary table (one dump). */
  {
    g_autoptr(Run) run = run_cli ("stats", ref1, NULL);
    g_autofree char *head = g_strconcat (log, ":1\n", NULL);

    g_assert_cmpint (run->status, ==, 0);
    g_assert_true (g_str_has_prefix (run->out, head));
    g_assert_null (strstr (run->out, "\nDump "));
  }
  /* timeline: one row. */
  {
    g_autoptr(Run) run = run_cli ("timeline", "--json", ref1, log, NULL);
    g_autoptr(JsonNode) root = NULL;
    JsonArray *rows;

    g_assert_cmpint (run->status, ==, 0);
    root = parse_json (run->out);
    rows = json_node_get_array (root);
    g_assert_cmpuint (json_array_get_length (rows), ==, 3);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 0), "index"), ==, 1);
    g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (rows, 1), "index"), ==, 0);
  }
  /* No such dump: exit 1, nothing on stdout, the same message as diff's. */
  {
    g_autoptr(Run) stats = run_cli ("stats", ref2, NULL);
    g_autoptr(Run) timeline = run_cli ("timeline", "--csv", log, ref2, NULL);
    g_autofree char *want = g_strdup_printf ("no dump 2 in %s", log);

    g_assert_cmpint (stats->status, ==, 1);
    assert_one_line_message (stats, want);
    g_assert_cmpstr (stats->out, ==, "");
    g_assert_cmpint (timeline->status, ==, 1);
    assert_one_line_message (timeline, want);
    g_assert_cmpstr (timeline->out, ==, "");
  }
  /* --help of each says how a dump is named. */
  {
    const char *commands[] = { "stats", "timeline", "diff", "render" };

    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      {
        g_autoptr(Run) run = run_cli (commands[i], "--help", NULL);

        g_assert_cmpint (run->status, ==, 0);
        if (strstr (run->out, "FILE:N") == NULL || strstr (run->out, "0-based") == NULL)
          g_error ("“%s --help” does not say how FILE:N names a dump:\n%s", commands[i], run->out);
      }
  }
  mpy_test_remove_tree (dir);
}

static void
check_png (const char             *png,
           MpySnapshot            *snapshot,
           MpyDiff                *diff,
           const MpyRenderOptions *options,
           double                  scale)
{
  cairo_surface_t *surface = cairo_image_surface_create_from_png (png);
  int w, h;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  mpy_renderer_get_size (snapshot, diff, options, scale, &w, &h);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, w);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, h);
  /* The map is in there at scale. */
  g_assert_cmpint (w, >=, (int) (mpy_layout_get_row_width (options) * scale));
  g_assert_cmpint (h, >=, (int) (mpy_layout_get_n_rows (diff != NULL ? mpy_diff_get_after (diff) : snapshot,
                                                        options) * scale));
  cairo_surface_destroy (surface);
}

static MpySnapshot *
read_fixture (const char *path)
{
  g_autoptr(GPtrArray) dumps = mpy_dump_reader_read_file (path, NULL);

  g_assert_nonnull (dumps);
  return mpy_snapshot_ref (g_ptr_array_index (dumps, 0));
}

static void
test_render_png (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *png = g_build_filename (dir, "out.png", NULL);
  g_autofree char *a = tm_fixture ("unix-heap256k-after-alloc.txt");
  g_autofree char *b = tm_fixture ("unix-heap256k-fragmented.txt");
  g_autoptr(MpySnapshot) read_a = read_fixture (a);
  g_autoptr(MpySnapshot) read_b = read_fixture (b);
  /* The CLI names an unlabelled dump after its file, and the title is part of the picture. */
  g_autoptr(MpySnapshot) sa = mpy_snapshot_with_label (read_a, "unix-heap256k-after-alloc.txt");
  g_autoptr(MpySnapshot) sb = mpy_snapshot_with_label (read_b, "unix-heap256k-fragmented.txt");
  g_autoptr(MpyDiff) diff = mpy_diff_new (sa, sb, NULL);

  {
    g_autoptr(Run) run = run_cli ("render", b, "-o", png, NULL);
    MpyRenderOptions options = { 1, FALSE, FALSE, FALSE };

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (run->err, ==, "");
    check_png (png, sb, NULL, &options, 4);
  }
  {
    g_autoptr(Run) run = run_cli ("render", b, "-o", png, "--columns", "2", "--scale", "3",
                                  "--rainbow", "--show-free", "--dark", NULL);
    MpyRenderOptions options = { 2, TRUE, TRUE, TRUE };

    g_assert_cmpint (run->status, ==, 0);
    check_png (png, sb, NULL, &options, 3);
  }
  {
    g_autoptr(Run) run = run_cli ("render", b, "--diff-with", a, "-o", png, "--scale", "2", NULL);
    MpyRenderOptions options = { 1, FALSE, FALSE, FALSE };

    g_assert_nonnull (diff);
    g_assert_cmpint (run->status, ==, 0);
    check_png (png, NULL, diff, &options, 2);
  }
  mpy_test_remove_tree (dir);
}

/* render --animate: one GIF frame per dump, in the order given; exit 2 on usage errors (with
 * the --help hint), 1 on bad input with one line on stderr. */
static void
test_render_animate (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *gif_path = g_build_filename (dir, "play.gif", NULL);
  g_autofree char *a = tm_fixture ("unix-heap256k-after-soft-reset.txt");
  g_autofree char *b = tm_fixture ("unix-heap256k-after-alloc.txt");
  g_autofree char *log = g_build_filename (dir, "two-dumps.log", NULL);
  g_autofree char *noarg = tm_fixture ("unix-heap256k-meminfo-noarg.txt");
  g_autofree char *missing = g_build_filename (dir, "missing.txt", NULL);
  g_autofree char *no_dir = g_build_filename (dir, "no-such-dir", "out.gif", NULL);
  g_autoptr(GPtrArray) log_dumps = NULL;

  /* A console log with two dumps and some chatter between them. */
  {
    g_autofree char *ta = NULL, *tb = NULL, *text = NULL;

    g_assert_true (g_file_get_contents (a, &ta, NULL, NULL));
    g_assert_true (g_file_get_contents (b, &tb, NULL, NULL));
    text = g_strconcat ("boot\n", ta, ">>> x = [0] * 100\n", tb, NULL);
    g_assert_true (g_file_set_contents (log, text, -1, NULL));
  }
  log_dumps = mpy_dump_reader_read_file (log, NULL);
  g_assert_nonnull (log_dumps);
  g_assert_cmpuint (log_dumps->len, ==, 2);
  {
    g_autoptr(Run) run = run_cli ("render", "--animate", a, b, log, "-o", gif_path, "--scale", "2",
                                  "--delay", "100", NULL);
    int error = 0;
    GifFileType *gif;

    g_assert_cmpint (run->status, ==, 0);
    g_assert_cmpstr (run->err, ==, "");
    gif = DGifOpenFileName (gif_path, &error);
    g_assert_nonnull (gif);
    g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
    g_assert_cmpint (gif->ImageCount, ==, 2 + (int) log_dumps->len);
    DGifCloseFile (gif, &error);
  }
  {
    g_autofree char *one = g_strdup_printf ("%s:1", log);
    g_autoptr(Run) run = run_cli ("render", "--animate", a, one, "-o", gif_path, NULL);
    int error = 0;
    GifFileType *gif;

    g_assert_cmpint (run->status, ==, 0);
    gif = DGifOpenFileName (gif_path, &error);
    g_assert_nonnull (gif);
    g_assert_cmpint (DGifSlurp (gif), ==, GIF_OK);
    g_assert_cmpint (gif->ImageCount, ==, 2);
    DGifCloseFile (gif, &error);
  }
  {
    g_autoptr(Run) run = run_cli ("render", "--animate", "-o", gif_path, NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "--animate"));
  }
  {
    g_autoptr(Run) run = run_cli ("render", "--animate", a, b, NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "OUT.gif"));
  }
  {
    g_autoptr(Run) run = run_cli ("render", "--animate", a, b, "--diff-with", a, "-o", gif_path, NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "--diff-with"));
  }
  {
    g_autoptr(Run) run = run_cli ("render", "--animate", a, missing, "-o", gif_path, NULL);

    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "missing.txt");
  }
  {
    g_autoptr(Run) run = run_cli ("render", "--animate", noarg, "-o", gif_path, NULL);

    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "has a block map");
  }
  {
    g_autoptr(Run) run = run_cli ("render", "--animate", a, b, "-o", no_dir, NULL);

    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "GIF");
    g_assert_false (g_file_test (no_dir, G_FILE_TEST_EXISTS));
  }
  mpy_test_remove_tree (dir);
}

/* 600,000 blocks: 9375 rows, too tall for an image at the default 4 px per block. */
static void
test_render_default_scale_fits (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *dump = g_build_filename (dir, "big.txt", NULL);
  g_autofree char *png = g_build_filename (dir, "big.png", NULL);
  const gsize n_lines = 9375, n = n_lines * 64;
  GString *text = g_string_new (NULL);
  cairo_surface_t *surface;

  /* Every line 32 objects of 2 blocks: the header follows from that. */
  g_string_append_printf (text, "stack: 500 out of 10240\n"
                          "GC: total: %" G_GSIZE_FORMAT ", used: %" G_GSIZE_FORMAT ", free: 0\n"
                          " No. of 1-blocks: 0, 2-blocks: %" G_GSIZE_FORMAT ", max blk sz: 2, max free sz: 0\n"
                          "GC memory layout; from 3f800000:\n", n * 16, n * 16, n / 2);
  for (gsize l = 0; l < n_lines; l++)
    g_string_append_printf (text, "%08x: h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=h=\n",
                            (guint) (l * 64 * 16));
  g_assert_true (g_file_set_contents (dump, text->str, text->len, NULL));
  g_string_free (text, TRUE);

  {
    g_autoptr(Run) run = run_cli ("render", dump, "-o", png, NULL);

    if (run->status != 0)
      g_error ("render of a 600,000-block heap at the default scale: exit %d: %s", run->status, run->err);
    g_assert_cmpstr (run->err, ==, "");
  }
  surface = cairo_image_surface_create_from_png (png);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (cairo_image_surface_get_height (surface), <=, 32767);
  /* still the whole map, at 3 px per block */
  g_assert_cmpint (cairo_image_surface_get_height (surface), >=, (int) n_lines * 3);
  cairo_surface_destroy (surface);

  {
    /* Asked for explicitly, the scale is not changed behind the user's back. */
    g_autoptr(Run) run = run_cli ("render", dump, "-o", png, "--scale", "4", NULL);
    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "--scale 3");
  }
  mpy_test_remove_tree (dir);
}

static void
test_render_errors (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *png = g_build_filename (dir, "out.png", NULL);
  g_autofree char *noarg = tm_fixture ("qemu-mps2-an385-meminfo-noarg.txt");
  g_autofree char *map = tm_fixture ("qemu-mps2-an385-fragmented.txt");
  g_autofree char *other = tm_fixture ("microbit-v1.0.1-fragmented.txt");
  g_autofree char *bad_out = g_build_filename (dir, "missing", "out.png", NULL);

  {
    /* A figures-only dump has nothing to draw. */
    g_autoptr(Run) run = run_cli ("render", noarg, "-o", png, NULL);
    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "mem_info(1)");
  }
  {
    /* Too large: the message says what would fit. */
    g_autoptr(Run) run = run_cli ("render", map, "-o", png, "--scale", "400", NULL);
    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "--scale");
  }
  {
    g_autoptr(Run) run = run_cli ("render", map, "--diff-with", other, "-o", png, NULL);
    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "cannot be compared");
  }
  {
    g_autoptr(Run) run = run_cli ("render", map, "-o", bad_out, NULL);
    g_autofree char *quoted = g_strdup_printf ("“%s”", bad_out);
    g_autofree char *temp_prefix = g_strdup_printf ("%s.", bad_out);

    g_assert_cmpint (run->status, ==, 1);
    assert_one_line_message (run, "missing");
    /* the file the user named, not the temporary file it is written through */
    g_assert_nonnull (strstr (run->err, quoted));
    g_assert_null (strstr (run->err, temp_prefix));
  }
  g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  mpy_test_remove_tree (dir);
}

/* ------------------------------------------------------------------------------------------
 * Exit statuses
 */

static void
test_bad_input_exit_1 (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *missing = g_build_filename (dir, "no-such-dump.txt", NULL);
  g_autofree char *binary = g_build_filename (dir, "junk.bin", NULL);
  g_autofree char *nodump = g_build_filename (dir, "notes.txt", NULL);
  static const char junk[] = "\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0";

  g_assert_true (g_file_set_contents (binary, junk, sizeof junk, NULL));
  g_assert_true (g_file_set_contents (nodump, "hello\nadd: 1\nnothing to see\n", -1, NULL));

  for (guint i = 0; i < 3; i++)
    {
      const char *file = i == 0 ? missing : i == 1 ? binary : nodump;
      g_autoptr(Run) stats = run_cli ("stats", file, NULL);
      g_autoptr(Run) json = run_cli ("stats", "--json", file, NULL);
      g_autoptr(Run) render = run_cli ("render", file, "-o", "/dev/null", NULL);

      g_assert_cmpint (stats->status, ==, 1);
      assert_one_line_message (stats, file);
      if (file == binary)
        {
          g_autofree char *named = g_strdup_printf ("%s is not text", binary);

          assert_one_line_message (stats, named);
          g_assert_null (strstr (stats->err, "the text"));
        }
      g_assert_cmpint (json->status, ==, 1);
      assert_one_line_message (json, file);
      g_assert_cmpint (render->status, ==, 1);
      assert_one_line_message (render, file);
    }

  /* One bad file among good ones: all or nothing, so nothing is printed but the message,
   * and the status is 1 (a partial table or JSON array would pass for the whole). */
  {
    g_autofree char *good = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
    g_autoptr(Run) run = run_cli ("stats", "--json", good, missing, NULL);
    g_autoptr(Run) text = run_cli ("stats", good, missing, NULL);

    g_assert_cmpint (run->status, ==, 1);
    g_assert_cmpstr (run->out, ==, "");
    assert_one_line_message (run, missing);
    g_assert_cmpint (text->status, ==, 1);
    g_assert_cmpstr (text->out, ==, "");
  }
  mpy_test_remove_tree (dir);
}

/* A FIFO (no writer ever comes) is refused at once by stats, diff and render, with a message
 * that says what it is; before, open() waited for a writer forever (issue 8.5). timeline
 * too, and with nothing on stdout. */
static void
test_fifo_refused (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *fifo = g_build_filename (dir, "console.fifo", NULL);
  g_autofree char *good = tm_fixture ("qemu-mps2-an385-after-alloc.txt");
  g_autofree char *png = g_build_filename (dir, "out.png", NULL);
  gint64 start = g_get_monotonic_time ();

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  {
    g_autoptr(Run) stats = run_cli ("stats", fifo, NULL);
    g_autoptr(Run) json = run_cli ("stats", "--json", good, fifo, NULL);
    g_autoptr(Run) diff = run_cli ("diff", good, fifo, NULL);
    g_autoptr(Run) render = run_cli ("render", fifo, "-o", png, NULL);
    g_autoptr(Run) csv = run_cli ("timeline", "--csv", good, fifo, NULL);
    g_autoptr(Run) timeline = run_cli ("timeline", fifo, NULL);

    g_assert_cmpint (stats->status, ==, 1);
    assert_one_line_message (stats, "not a regular file");
    assert_one_line_message (stats, fifo);
    /* All or nothing: every input is read before anything is printed, so the good file
     * is not reported either, and timeline prints no CSV header or table head (review). */
    g_assert_cmpint (json->status, ==, 1);
    g_assert_cmpstr (json->out, ==, "");
    g_assert_cmpint (csv->status, ==, 1);
    g_assert_cmpstr (csv->out, ==, "");
    assert_one_line_message (csv, "not a regular file");
    g_assert_cmpint (timeline->status, ==, 1);
    g_assert_cmpstr (timeline->out, ==, "");
    g_assert_cmpint (diff->status, ==, 1);
    assert_one_line_message (diff, "not a regular file");
    g_assert_cmpint (render->status, ==, 1);
    assert_one_line_message (render, "not a regular file");
    g_assert_false (g_file_test (png, G_FILE_TEST_EXISTS));
  }
  /* Six runs of a CLI that never waits: far below the 60 s kill. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  mpy_test_remove_tree (dir);
}

/* A session whose label and port are not UTF-8 (written by hand, or serial noise): stats
 * --json is valid UTF-8 with U+FFFD for the bad bytes, and render draws it (issue 8.7). */
static char *
write_hostile_session (const char *dir)
{
  g_autofree char *fixture = tm_fixture ("microbit-v1.0.1-after-alloc.txt");
  g_autofree char *dump = NULL;
  g_autofree char *text = NULL;
  char *path = g_build_filename (dir, "hostile.mpysession", NULL);
  gsize length = 0;

  g_assert_true (g_file_get_contents (fixture, &dump, &length, NULL));
  text = g_strdup_printf ("# MpyMemMap session 1\n"
                          "@snapshot port=\"/dev/tty\\xff\\x1b]0;owned\\x07\" bytes=%" G_GSIZE_FORMAT
                          " label=bad \\xc3\\x28 label\\x1b[2J\n%s\n", length, dump);
  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

static void
test_invalid_utf8_label (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *session = write_hostile_session (dir);
  g_autofree char *png = g_build_filename (dir, "out.png", NULL);
  g_autoptr(Run) json = run_cli ("stats", "--json", session, NULL);
  g_autoptr(Run) render = run_cli ("render", session, "-o", png, NULL);
  g_autoptr(JsonNode) root = NULL;
  JsonObject *o;

  g_assert_cmpint (json->status, ==, 0);
  g_assert_true (g_utf8_validate (json->out, -1, NULL));
  root = parse_json (json->out);
  o = json_array_get_object_element (json_node_get_array (root), 0);
  g_assert_cmpstr (json_object_get_string_member (o, "label"), ==, "bad \xef\xbf\xbd( label\x1b[2J");

  if (render->status != 0)
    g_error ("render failed: %s", render->err);
  g_assert_true (g_file_test (png, G_FILE_TEST_IS_REGULAR));
  mpy_test_remove_tree (dir);
}

static void
assert_no_control_bytes (const char *text)
{
  for (const guchar *p = (const guchar *) text; *p != '\0'; p++)
    if (*p < 0x20 && *p != '\n' && *p != '\t' && !(*p == '\r' && p[1] == '\n'))
      g_error ("control byte 0x%02x in “%s”", *p, text);
  g_assert_true (g_utf8_validate (text, -1, NULL));
}

/* Terminal escapes in a label, a file name or a dump reach the terminal visibly escaped,
 * never raw (issue 8.6); --json escapes them its own way. */
static void
test_text_output_escapes_controls (void)
{
  g_autofree char *dir = mpy_test_make_dir ("mpy-cli");
  g_autofree char *session = write_hostile_session (dir);
  g_autofree char *evil_name = g_build_filename (dir, "log\x1b]0;owned\x07.txt", NULL);
  g_autoptr(Run) stats = NULL;
  g_autoptr(Run) missing = NULL;
  g_autoptr(Run) json = NULL;

  stats = run_cli ("stats", session, NULL);
  g_assert_cmpint (stats->status, ==, 0);
  assert_no_control_bytes (stats->out);
  g_assert_nonnull (strstr (stats->out, "label\\x1b[2J"));

  missing = run_cli ("stats", evil_name, NULL);
  g_assert_cmpint (missing->status, ==, 1);
  assert_no_control_bytes (missing->err);
  g_assert_nonnull (strstr (missing->err, "log\\x1b]0;owned\\x07.txt"));

  json = run_cli ("stats", "--json", session, NULL);
  assert_no_control_bytes (json->out);
  g_assert_nonnull (strstr (json->out, "label\\u001b[2J"));
  mpy_test_remove_tree (dir);
}

/* The escaping itself, across writes: a `\r\n` split over two writes stays a line end, a
 * UTF-8 character split over two writes stays whole, C1 controls and bad bytes are shown. */
static void
test_escape_text_streaming (void)
{
  static const struct {
    const char *in[3];
    const char *out;
  } cases[] = {
    { { "ok\r", "\nnext\n", NULL }, "ok\r\nnext\n" },
    { { "bar\r", "50%", NULL }, "bar\\x0d50%" },
    { { "\x1b[2J", "\x07", "\x7f" }, "\\x1b[2J\\x07\\x7f" },
    { { "gr\xc3", "\xbc\xc3\x9f", "e\t\n" }, "gr\xc3\xbc\xc3\x9f" "e\t\n" },
    { { "csi\xc2\x9b" "31m", "\xff\xfe", NULL }, "csi\\xc2\\x9b31m\\xff\\xfe" },
    { { "cut \xe2\x82", NULL, NULL }, "cut \\xe2\\x82" },
    { { "end\r", NULL, NULL }, "end\\x0d" },
    { { "\r\r\n", NULL, NULL }, "\r\r\n" },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      MpyCliEscaper escaper = { 0 };
      g_autoptr(GString) out = g_string_new (NULL);

      for (guint k = 0; k < 3 && cases[c].in[k] != NULL; k++)
        mpy_cli_escape_text (&escaper, cases[c].in[k], strlen (cases[c].in[k]), FALSE, out);
      mpy_cli_escape_text (&escaper, "", 0, TRUE, out);
      g_assert_cmpstr (out->str, ==, cases[c].out);
    }
}

/* `capture -t 0`: the message gives the range that is accepted. */
static void
test_capture_timeout_range (void)
{
  const char *const bad[] = { "0", "0.5", "3601", "-1" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(Run) run = run_cli ("capture", "-t", bad[i], "/dev/ttyMPYNONE", NULL);

      if (run->status == 1 && strstr (run->err, "no device support") != NULL)
        {
          g_test_skip ("built without the device layer");
          return;
        }
      g_assert_cmpint (run->status, ==, 2);
      g_assert_nonnull (strstr (run->err, "--timeout must be between 1 and 3600 seconds"));
    }
  {
    g_autoptr(Run) run = run_cli ("capture", "--exec-timeout", "-2", "/dev/ttyMPYNONE", NULL);

    g_assert_cmpint (run->status, ==, 2);
    g_assert_nonnull (strstr (run->err, "--exec-timeout must be"));
  }
}

static void
test_usage_exit_2 (void)
{
  g_autofree char *map = tm_fixture ("qemu-mps2-an385-fragmented.txt");
  const char *const cases[][6] = {
    { NULL },
    { "frobnicate", NULL },
    { "stats", NULL },
    { "stats", "--no-such-option", map, NULL },
    { "diff", map, NULL },
    { "diff", map, map, map, NULL },
    { "render", map, NULL },                          /* no -o */
    { "render", map, "-o", "x.png", "--columns", "0" },
    { "render", map, "-o", "x.png", "--scale", "-2" },
    { "render", "-o", "x.png", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) run = run_cli (cases[i][0], cases[i][1], cases[i][2], cases[i][3],
                                    cases[i][4], cases[i][5], NULL);

      if (run->status != 2)
        g_error ("case %u (%s %s): exit %d, expected 2", i, cases[i][0], cases[i][1], run->status);
      g_assert_cmpstr (run->err, !=, "");
    }
  g_assert_false (g_file_test ("x.png", G_FILE_TEST_EXISTS));
}

static void
test_help (void)
{
  const char *commands[] = { "stats", "diff", "render", NULL };

  {
    g_autoptr(Run) run = run_cli ("--help", NULL);
    g_assert_cmpint (run->status, ==, 0);
    for (guint i = 0; commands[i] != NULL; i++)
      g_assert_nonnull (strstr (run->out, commands[i]));
  }
  for (guint i = 0; commands[i] != NULL; i++)
    {
      g_autoptr(Run) run = run_cli (commands[i], "--help", NULL);
      g_assert_cmpint (run->status, ==, 0);
      g_assert_nonnull (strstr (run->out, "Usage"));
      g_assert_nonnull (strstr (run->out, commands[i]));
    }
  /* The index convention is spelled out where FILE:N is accepted. */
  {
    g_autoptr(Run) run = run_cli ("diff", "--help", NULL);
    g_assert_nonnull (strstr (run->out, "0-based"));
  }
}

/* Each command's usage line names its arguments once (GOption puts a G_OPTION_REMAINING
 * arg_description in front of the parameter string). */
static void
test_help_usage_line (void)
{
  static const struct { const char *command; const char *usage; } cases[] = {
    { "stats", "stats [OPTION…] FILE[:N]… — " },
    { "timeline", "timeline [OPTION…] FILE[:N]… — " },
    { "diff", "diff [OPTION…] A B — " },
    { "render", "render [OPTION…] FILE[:N] -o OUT.png — " },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(Run) run = run_cli (cases[i].command, "--help", NULL);

      g_assert_cmpint (run->status, ==, 0);
      if (strstr (run->out, cases[i].usage) == NULL)
        g_error ("“%s --help” does not show the usage “%s”:\n%s", cases[i].command,
                 cases[i].usage, run->out);
    }
}

/* The --help texts are translated: under LANGUAGE=de (a non-C locale, the build tree's
 * catalogue) `stats --help` is German, its usage line, summary, options and the FILE:N text
 * alike, and the program's own usage too (review: --help was English only). */
static void
test_help_translated (void)
{
  const char *po_dir = g_getenv ("MPY_TEST_PO_DIR");
  g_auto(GStrv) env = NULL;
  g_autofree char *out = NULL;
  g_autofree char *usage = NULL;
  g_autoptr(GError) error = NULL;
  int wait_status;

  if (po_dir == NULL)
    {
      g_test_skip ("the catalogues are not built (-Dgui=false)");
      return;
    }
  env = g_get_environ ();
  env = g_environ_setenv (env, "LANGUAGE", "de", TRUE);
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "MPY_LOCALE_DIR", po_dir, TRUE);

  g_spawn_sync (NULL, (char *[]) { cli_path, "stats", "--help", NULL }, env, 0, NULL, NULL,
                &out, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status) && WEXITSTATUS (wait_status) == 0);
  if (strstr (out, "DATEI[:N]… — Kennzahlen und Statistik jedes Dumps") == NULL    /* usage line */
      || strstr (out, "Gibt die Kopfkennzahlen") == NULL                            /* summary */
      || strstr (out, "Ein JSON-Array ausgeben, ein Objekt pro Dump") == NULL       /* --json */
      || strstr (out, "Ein Dump heißt DATEI:N") == NULL                             /* FILE:N */
      || strstr (out, "Prints the header figures") != NULL)
    g_error ("stats --help under LANGUAGE=de is not German:\n%s", out);

  g_spawn_sync (NULL, (char *[]) { cli_path, "--help", NULL }, env, 0, NULL, NULL,
                &usage, NULL, &wait_status, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (usage, "Befehle:"));
  g_assert_nonnull (strstr (usage, "Kennzahlen und Statistik jedes Dumps"));

  /* Without a catalogue for the language, the English text. */
  {
    g_autofree char *english = NULL;

    env = g_environ_setenv (env, "LANGUAGE", "xx", TRUE);
    g_spawn_sync (NULL, (char *[]) { cli_path, "stats", "--help", NULL }, env, 0, NULL, NULL,
                  &english, NULL, &wait_status, &error);
    g_assert_no_error (error);
    g_assert_nonnull (strstr (english, "Prints the header figures"));
  }
}

/* A watch that fails before any snapshot says only why: no "0 snapshots" after the error. */
static void
test_watch_failed_no_count (void)
{
  g_autoptr(Run) run = run_cli ("watch", "--port", "/dev/ttyMPYNONE", "--every", "1", NULL);

  g_assert_cmpint (run->status, !=, 0);
  assert_one_line_message (run, "/dev/ttyMPYNONE");
  g_assert_null (strstr (run->err, "0 snapshot"));
}

int
main (int    argc,
      char **argv)
{
  int status;

  /* meson passes the built CLI as the last argument. */
  for (int i = 1; i < argc; i++)
    if (g_str_has_suffix (argv[i], "mpymemmap-cli"))
      {
        cli_path = g_strdup (argv[i]);
        for (int j = i; j < argc - 1; j++)
          argv[j] = argv[j + 1];
        argc--;
        break;
      }

  g_test_init (&argc, &argv, NULL);
  if (cli_path == NULL || !g_file_test (cli_path, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("give the path of the built mpymemmap-cli as an argument");

  g_test_add_func ("/cli/stats/json-matches-fixture-headers", test_stats_json_matches_headers);
  g_test_add_func ("/cli/stats/json-several-files", test_stats_json_several_files);
  g_test_add_func ("/cli/stats/json-null-for-missing-figures", test_stats_json_null_figures);
  g_test_add_func ("/cli/stats/table", test_stats_text);
  g_test_add_func ("/cli/watch/failed-prints-no-count", test_watch_failed_no_count);
  g_test_add_func ("/cli/output/full-disk", test_stdout_full_disk);
  g_test_add_func ("/cli/json/object-without-file", test_json_object_without_file);
  g_test_add_func ("/cli/stats/damaged-dump-reported", test_stats_damaged);
  g_test_add_func ("/cli/diff/numbers-computed-independently", test_diff_numbers);
  g_test_add_func ("/cli/diff/table", test_diff_text);
  g_test_add_func ("/cli/diff/incompatible-gives-figures", test_diff_incompatible);
  g_test_add_func ("/cli/figures/one-key-in-stats-and-diff-json", test_figures_one_key_everywhere);
  g_test_add_func ("/cli/file-index", test_file_index);
  g_test_add_func ("/cli/file-index/every-command", test_file_index_everywhere);
  g_test_add_func ("/cli/truncated-session-warns", test_truncated_session);
  g_test_add_func ("/cli/render/png-of-expected-size", test_render_png);
  g_test_add_func ("/cli/render/default-scale-fits-big-heaps", test_render_default_scale_fits);
  g_test_add_func ("/cli/render/errors-exit-1", test_render_errors);
  g_test_add_func ("/cli/bad-input-exits-1", test_bad_input_exit_1);
  g_test_add_func ("/cli/fifo-refused-without-blocking", test_fifo_refused);
  g_test_add_func ("/cli/invalid-utf8-label-is-replaced", test_invalid_utf8_label);
  g_test_add_func ("/cli/text-output-escapes-control-characters", test_text_output_escapes_controls);
  g_test_add_func ("/cli/escape-text-across-writes", test_escape_text_streaming);
  g_test_add_func ("/cli/usage-error-exits-2", test_usage_exit_2);
  g_test_add_func ("/cli/capture/timeout-range", test_capture_timeout_range);
  g_test_add_func ("/cli/render/animate", test_render_animate);
  g_test_add_func ("/cli/session/gzip", test_gzip_session);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/help/usage-names-arguments-once", test_help_usage_line);
  g_test_add_func ("/cli/help/translated", test_help_translated);

  status = g_test_run ();
  cairo_debug_reset_static_data ();
  g_free (cli_path);
  return status;
}
