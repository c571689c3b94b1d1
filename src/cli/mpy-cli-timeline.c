/* mpy-cli-timeline.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rows of `mpymemmap-cli timeline`: one per dump, each a cut of its `stats --json`
 * object, so a key means the same in both and the figures come from the figure table.
 */

#include <string.h>

#include "mpy-cli-json.h"
#include "mpy-cli-timeline.h"
#include "mpy-metric.h"

const char * const *
mpy_cli_timeline_get_keys (void)
{
  static const char **keys;

  if (g_once_init_enter (&keys))
    {
      static const char *lead[] = { "file", "index", "label", "time", "board_time", "capture_time" };
      static const char *tail[] = { "has_map", "damaged" };
      const char **k = g_new0 (const char *, G_N_ELEMENTS (lead) + MPY_N_METRICS + G_N_ELEMENTS (tail) + 1);
      guint n = 0;

      for (guint i = 0; i < G_N_ELEMENTS (lead); i++)
        k[n++] = lead[i];
      for (guint m = 0; m < MPY_N_METRICS; m++)
        k[n++] = mpy_metric_get_key ((MpyMetric) m);
      for (guint i = 0; i < G_N_ELEMENTS (tail); i++)
        k[n++] = tail[i];
      g_once_init_leave (&keys, k);
    }
  return keys;
}

JsonObject *
mpy_cli_timeline_row (MpySnapshot *snapshot,
                      const char  *file,
                      guint        index)
{
  g_autoptr(JsonNode) full = mpy_cli_snapshot_to_json (snapshot, file, index);
  JsonObject *stats = json_node_get_object (full);
  JsonObject *row = json_object_new ();

  for (const char * const *k = mpy_cli_timeline_get_keys (); *k != NULL; k++)
    json_object_set_member (row, *k, json_node_copy (json_object_get_member (stats, *k)));
  return row;
}

static void
print_csv_field (FILE       *out,
                 const char *text)
{
  if (strpbrk (text, ",\"\r\n") == NULL)
    {
      fputs (text, out);
      return;
    }
  fputc ('"', out);
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        fputc ('"', out);
      fputc (*p, out);
    }
  fputc ('"', out);
}

void
mpy_cli_timeline_print_csv_header (FILE *out)
{
  const char * const *keys = mpy_cli_timeline_get_keys ();

  for (guint i = 0; keys[i] != NULL; i++)
    {
      if (i > 0)
        fputc (',', out);
      print_csv_field (out, keys[i]);
    }
  fputs ("\r\n", out);
}

void
mpy_cli_timeline_print_csv_row (FILE       *out,
                                JsonObject *row)
{
  const char * const *keys = mpy_cli_timeline_get_keys ();

  for (guint i = 0; keys[i] != NULL; i++)
    {
      JsonNode *node = json_object_get_member (row, keys[i]);

      if (i > 0)
        fputc (',', out);
      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        continue;
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_INT64:
          fprintf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
          break;
        case G_TYPE_DOUBLE:
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];

            /* shortest text that reads back as the same double, like JSON's */
            fputs (g_ascii_dtostr (buf, sizeof buf, json_node_get_double (node)), out);
          }
          break;
        case G_TYPE_BOOLEAN:
          fputs (json_node_get_boolean (node) ? "true" : "false", out);
          break;
        default:
          print_csv_field (out, json_node_get_string (node));
          break;
        }
    }
  fputs ("\r\n", out);
}
