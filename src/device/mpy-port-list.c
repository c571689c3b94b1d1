/* mpy-port-list.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libserialport.h>

#include "mpy-connection.h"
#include "mpy-port-list.h"

/* ---- MpyPortInfo ---- */

struct _MpyPortInfo
{
  GObject  parent_instance;

  char    *name;
  char    *description;
  guint    vid;
  guint    pid;
  char    *manufacturer;
  char    *product;
  char    *serial;
  guint    likelihood;
};

G_DEFINE_FINAL_TYPE (MpyPortInfo, mpy_port_info, G_TYPE_OBJECT)

enum {
  INFO_PROP_0,
  INFO_PROP_NAME,
  INFO_PROP_DESCRIPTION,
  INFO_PROP_VID,
  INFO_PROP_PID,
  INFO_PROP_MANUFACTURER,
  INFO_PROP_PRODUCT,
  INFO_PROP_SERIAL,
  INFO_PROP_LIKELIHOOD,
  INFO_N_PROPS
};

static GParamSpec *info_properties[INFO_N_PROPS];

static void
mpy_port_info_finalize (GObject *object)
{
  MpyPortInfo *self = MPY_PORT_INFO (object);

  g_free (self->name);
  g_free (self->description);
  g_free (self->manufacturer);
  g_free (self->product);
  g_free (self->serial);

  G_OBJECT_CLASS (mpy_port_info_parent_class)->finalize (object);
}

static void
mpy_port_info_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  MpyPortInfo *self = MPY_PORT_INFO (object);

  switch (prop_id)
    {
    case INFO_PROP_NAME: g_value_set_string (value, self->name); break;
    case INFO_PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case INFO_PROP_VID: g_value_set_uint (value, self->vid); break;
    case INFO_PROP_PID: g_value_set_uint (value, self->pid); break;
    case INFO_PROP_MANUFACTURER: g_value_set_string (value, self->manufacturer); break;
    case INFO_PROP_PRODUCT: g_value_set_string (value, self->product); break;
    case INFO_PROP_SERIAL: g_value_set_string (value, self->serial); break;
    case INFO_PROP_LIKELIHOOD: g_value_set_uint (value, self->likelihood); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mpy_port_info_class_init (MpyPortInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags f = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mpy_port_info_finalize;
  object_class->get_property = mpy_port_info_get_property;

  info_properties[INFO_PROP_NAME] = g_param_spec_string ("name", NULL, NULL, NULL, f);
  info_properties[INFO_PROP_DESCRIPTION] = g_param_spec_string ("description", NULL, NULL, NULL, f);
  info_properties[INFO_PROP_VID] = g_param_spec_uint ("vid", NULL, NULL, 0, 0xffff, 0, f);
  info_properties[INFO_PROP_PID] = g_param_spec_uint ("pid", NULL, NULL, 0, 0xffff, 0, f);
  info_properties[INFO_PROP_MANUFACTURER] = g_param_spec_string ("manufacturer", NULL, NULL, NULL, f);
  info_properties[INFO_PROP_PRODUCT] = g_param_spec_string ("product", NULL, NULL, NULL, f);
  info_properties[INFO_PROP_SERIAL] = g_param_spec_string ("serial", NULL, NULL, NULL, f);
  info_properties[INFO_PROP_LIKELIHOOD] = g_param_spec_uint ("likelihood", NULL, NULL, 0, 2, 0, f);
  g_object_class_install_properties (object_class, INFO_N_PROPS, info_properties);
}

static void
mpy_port_info_init (MpyPortInfo *self)
{
}

const char *
mpy_port_info_get_name (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), NULL);
  return self->name;
}

const char *
mpy_port_info_get_description (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), NULL);
  return self->description;
}

guint
mpy_port_info_get_vid (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), 0);
  return self->vid;
}

guint
mpy_port_info_get_pid (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), 0);
  return self->pid;
}

const char *
mpy_port_info_get_manufacturer (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), NULL);
  return self->manufacturer;
}

const char *
mpy_port_info_get_product (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), NULL);
  return self->product;
}

const char *
mpy_port_info_get_serial (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), NULL);
  return self->serial;
}

guint
mpy_port_info_get_likelihood (MpyPortInfo *self)
{
  g_return_val_if_fail (MPY_IS_PORT_INFO (self), 0);
  return self->likelihood;
}

static gboolean
contains_ci (const char *haystack,
             const char *needle)
{
  g_autofree char *h = NULL;
  g_autofree char *n = NULL;

  if (haystack == NULL)
    return FALSE;
  h = g_ascii_strdown (haystack, -1);
  n = g_ascii_strdown (needle, -1);
  return strstr (h, n) != NULL;
}

/**
 * mpy_port_guess_likelihood:
 *
 * 2 for MicroPython's own VID:PIDs and board vendors' native USB, or "MicroPython" in
 * the strings; 1 for USB-UART bridges boards carry; 0 otherwise (reference notes §3.8).
 */
guint
mpy_port_guess_likelihood (guint       vid,
                           guint       pid,
                           const char *manufacturer,
                           const char *product,
                           const char *description)
{
  static const guint board_vendors[] = {
    0x239a, 0x2341, 0x1b4f, 0x2886, 0x16d0, 0x1ffb, 0x1209, 0x15ba, 0x37c5,
  };

  if (vid == 0xf055 && pid >= 0x9800 && pid <= 0x980a)
    return 2;
  if (vid == 0x2e8a && pid == 0x0005)
    return 2;
  if (vid == 0x303a && ((pid & 0xff00) == 0x4000 || pid == 0x1001
                        || (pid & 0xff00) == 0x8000 || (pid & 0xff00) == 0x8100
                        || (pid & 0xff00) == 0x8200))
    return 2;
  if (contains_ci (manufacturer, "micropython") || contains_ci (product, "micropython")
      || contains_ci (description, "micropython"))
    return 2;
  for (guint i = 0; i < G_N_ELEMENTS (board_vendors); i++)
    if (vid == board_vendors[i])
      return 2;

  if ((vid == 0x1a86 && (pid == 0x7523 || pid == 0x5523 || pid == 0x55d4))
      || (vid == 0x10c4 && pid == 0xea60)
      || (vid == 0x0403 && (pid == 0x6001 || pid == 0x6010 || pid == 0x6011 || pid == 0x6014
                            || pid == 0x6015 || pid == 0x601c))
      || vid == 0x303a
      || vid == 0x0d28  /* ARM DAPLink (micro:bit) */)
    return 1;
  if (contains_ci (description, "daplink") || contains_ci (description, "stlink")
      || contains_ci (description, "uart") || contains_ci (description, "python"))
    return 1;
  return 0;
}

static MpyPortInfo *
port_info_new_from_sp (struct sp_port *port)
{
  MpyPortInfo *self = g_object_new (MPY_TYPE_PORT_INFO, NULL);

  self->name = g_strdup (sp_get_port_name (port));
  self->description = g_strdup (sp_get_port_description (port));
  if (sp_get_port_transport (port) == SP_TRANSPORT_USB)
    {
      int vid = 0, pid = 0;

      if (sp_get_port_usb_vid_pid (port, &vid, &pid) == SP_OK)
        {
          self->vid = (guint) vid;
          self->pid = (guint) pid;
        }
      self->manufacturer = g_strdup (sp_get_port_usb_manufacturer (port));
      self->product = g_strdup (sp_get_port_usb_product (port));
      self->serial = g_strdup (sp_get_port_usb_serial (port));
    }
  self->likelihood = mpy_port_guess_likelihood (self->vid, self->pid, self->manufacturer,
                                                self->product, self->description);
  return self;
}

static int
compare_ports (gconstpointer a,
               gconstpointer b)
{
  MpyPortInfo *pa = *(MpyPortInfo * const *) a;
  MpyPortInfo *pb = *(MpyPortInfo * const *) b;

  if (pa->likelihood != pb->likelihood)
    return pa->likelihood > pb->likelihood ? -1 : 1;
  /* ttyACM2 before ttyACM10 */
  if (strlen (pa->name) != strlen (pb->name))
    return strlen (pa->name) < strlen (pb->name) ? -1 : 1;
  return strcmp (pa->name, pb->name);
}

/**
 * mpy_port_list_enumerate:
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type MpyPortInfo): the serial ports present now,
 *   likely MicroPython boards first; empty when there are none
 */
GPtrArray *
mpy_port_list_enumerate (GError **error)
{
  struct sp_port **ports = NULL;
  GPtrArray *result;

  if (sp_list_ports (&ports) != SP_OK)
    {
      char *msg = sp_last_error_message ();

      g_set_error (error, MPY_DEVICE_ERROR, MPY_DEVICE_ERROR_PROTOCOL,
                   _("Cannot list serial ports: %s"), msg != NULL ? msg : _("unknown error"));
      sp_free_error_message (msg);
      return NULL;
    }

  result = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; ports[i] != NULL; i++)
    g_ptr_array_add (result, port_info_new_from_sp (ports[i]));
  sp_free_port_list (ports);
  g_ptr_array_sort (result, compare_ports);
  return result;
}

/* ---- MpyPortList ---- */

struct _MpyPortList
{
  GObject    parent_instance;

  GPtrArray    *ports;
  GSource      *poll_source;
  GCancellable *cancellable;
  gboolean      in_flight;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (MpyPortList, mpy_port_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static GType
mpy_port_list_get_item_type (GListModel *model)
{
  return MPY_TYPE_PORT_INFO;
}

static guint
mpy_port_list_get_n_items (GListModel *model)
{
  return MPY_PORT_LIST (model)->ports->len;
}

static gpointer
mpy_port_list_get_item (GListModel *model,
                        guint       position)
{
  MpyPortList *self = MPY_PORT_LIST (model);

  if (position >= self->ports->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->ports, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = mpy_port_list_get_item_type;
  iface->get_n_items = mpy_port_list_get_n_items;
  iface->get_item = mpy_port_list_get_item;
}

static gboolean
same_port (MpyPortInfo *a,
           MpyPortInfo *b)
{
  return g_strcmp0 (a->name, b->name) == 0
         && g_strcmp0 (a->description, b->description) == 0
         && a->vid == b->vid && a->pid == b->pid
         && g_strcmp0 (a->manufacturer, b->manufacturer) == 0
         && g_strcmp0 (a->product, b->product) == 0
         && g_strcmp0 (a->serial, b->serial) == 0;
}

/* Takes @now; emits items-changed only when the ports (or their details) changed. */
static void
apply_ports (MpyPortList *self,
             GPtrArray   *now)
{
  guint old_len;
  gboolean same;

  same = now->len == self->ports->len;
  for (guint i = 0; same && i < now->len; i++)
    same = same_port (g_ptr_array_index (now, i), g_ptr_array_index (self->ports, i));
  if (same)
    {
      g_ptr_array_unref (now);
      return;
    }

  old_len = self->ports->len;
  g_ptr_array_unref (self->ports);
  self->ports = now;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, old_len, self->ports->len);
}

/**
 * mpy_port_list_refresh:
 *
 * Enumerates now, synchronously; emits items-changed only when the set of ports (or their
 * details) really changed. The once-a-second poll does the same on a worker thread.
 */
void
mpy_port_list_refresh (MpyPortList *self)
{
  GPtrArray *now;

  g_return_if_fail (MPY_IS_PORT_LIST (self));

  now = mpy_port_list_enumerate (NULL);
  if (now != NULL)
    apply_ports (self, now);
}

static void
enumerate_in_thread (GTask        *task,
                     gpointer      source,
                     gpointer      data,
                     GCancellable *cancellable)
{
  GError *error = NULL;
  GPtrArray *now = mpy_port_list_enumerate (&error);

  if (now != NULL)
    g_task_return_pointer (task, now, (GDestroyNotify) g_ptr_array_unref);
  else
    g_task_return_error (task, error);
}

static void
enumerated (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  MpyPortList *self = MPY_PORT_LIST (source);
  GPtrArray *now = g_task_propagate_pointer (G_TASK (result), NULL);

  self->in_flight = FALSE;
  if (now != NULL)
    apply_ports (self, now);
}

/* sysfs reads, and opening serial8250 ports to probe them, stay off the UI thread. */
static gboolean
poll_ports (gpointer data)
{
  MpyPortList *self = MPY_PORT_LIST (data);
  g_autoptr(GTask) task = NULL;

  if (self->in_flight)
    return G_SOURCE_CONTINUE;
  self->in_flight = TRUE;
  task = g_task_new (self, self->cancellable, enumerated, NULL);
  g_task_set_source_tag (task, poll_ports);
  g_task_run_in_thread (task, enumerate_in_thread);
  return G_SOURCE_CONTINUE;
}

static void
mpy_port_list_dispose (GObject *object)
{
  MpyPortList *self = MPY_PORT_LIST (object);

  g_cancellable_cancel (self->cancellable);
  if (self->poll_source != NULL)
    {
      g_source_destroy (self->poll_source);
      g_clear_pointer (&self->poll_source, g_source_unref);
    }

  G_OBJECT_CLASS (mpy_port_list_parent_class)->dispose (object);
}

static void
mpy_port_list_finalize (GObject *object)
{
  MpyPortList *self = MPY_PORT_LIST (object);

  g_ptr_array_unref (self->ports);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (mpy_port_list_parent_class)->finalize (object);
}

static void
mpy_port_list_class_init (MpyPortListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mpy_port_list_dispose;
  object_class->finalize = mpy_port_list_finalize;
}

static void
mpy_port_list_init (MpyPortList *self)
{
  self->ports = g_ptr_array_new_with_free_func (g_object_unref);
  self->cancellable = g_cancellable_new ();
}

/**
 * mpy_port_list_new:
 *
 * Returns: (transfer full): a list filled now, polling once a second (on a worker thread,
 *   results applied in the thread-default main context) while it lives
 */
MpyPortList *
mpy_port_list_new (void)
{
  MpyPortList *self = g_object_new (MPY_TYPE_PORT_LIST, NULL);

  mpy_port_list_refresh (self);
  /* The source is destroyed in dispose, so a plain pointer to self is safe. */
  self->poll_source = g_timeout_source_new_seconds (1);
  g_source_set_callback (self->poll_source, poll_ports, self, NULL);
  g_source_set_static_name (self->poll_source, "[mpymemmap] port list poll");
  g_source_attach (self->poll_source, g_main_context_get_thread_default ());
  return self;
}
