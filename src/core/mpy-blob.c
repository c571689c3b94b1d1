/* mpy-blob.c
 *
 * Copyright 2026 The MpyMemMap developers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A delta is a list of edits against its base's bytes, each three varints and some bytes:
 * COPY n bytes of the base, SKIP m bytes of the base, INSERT k bytes (which follow); what is
 * left of the base after the last edit is copied. Edits only ever come from comparing two
 * byte strings here, so replaying them gives the second one exactly (\r\n, NULs, noise). */

#include "mpy-blob-private.h"

#include <string.h>

#define MAX_DEPTH         256             /* deltas in a row before a whole blob */
#define MAX_REPLAY_COST   (2u << 20)      /* bytes written to replay a chain (≈ 1 ms) */
#define MIN_DELTA_LENGTH  256             /* shorter contents are stored whole */
#define MERGE_GAP         4               /* equal blocks that end a changed run of a map */
#define RESYNC_LINES      32              /* lines looked ahead for an inserted or dropped line */
#define CACHE_MAX_BYTES   (4u << 20)
#define CACHE_MAX_ENTRIES 16

struct _MpyBlob
{
  gatomicrefcount ref;
  MpyBlob  *base;       /* NULL when whole */
  GBytes   *whole;      /* the content of a whole blob */
  gsize     length;
  gsize     cost;       /* bytes written to replay the chain up to this blob */
  guint     depth;      /* deltas since the chain's last whole blob */
  gboolean  in_place;   /* every edit replaces as many bytes as it inserts */
  gint      cached;     /* (atomic) may have an entry in the cache */
  gsize     n_ops;
  guint8    ops[];
};

/* The last materialised deltas, most recently used first. */
typedef struct {
  MpyBlob *blob;        /* not a reference: a blob leaves the cache when it is freed */
  GBytes  *bytes;
} CacheEntry;

static GMutex     cache_lock;
static CacheEntry cache[CACHE_MAX_ENTRIES];
static guint      cache_len;
static gsize      cache_bytes;

/* Called with cache_lock held. */
static void
cache_drop (guint index)
{
  CacheEntry *e = &cache[index];

  cache_bytes -= g_bytes_get_size (e->bytes);
  g_atomic_int_set (&e->blob->cached, 0);
  g_bytes_unref (e->bytes);
  memmove (e, e + 1, (cache_len - index - 1) * sizeof (CacheEntry));
  cache_len--;
}

/* Called with cache_lock held; returns a reference. */
static GBytes *
cache_find (MpyBlob *blob)
{
  if (!g_atomic_int_get (&blob->cached))
    return NULL;
  for (guint k = 0; k < cache_len; k++)
    if (cache[k].blob == blob)
      {
        CacheEntry hit = cache[k];

        memmove (cache + 1, cache, k * sizeof (CacheEntry));
        cache[0] = hit;
        return g_bytes_ref (hit.bytes);
      }
  return NULL;
}

static void
cache_put (MpyBlob *blob,
           GBytes  *bytes)
{
  gsize size = g_bytes_get_size (bytes);

  if (size > CACHE_MAX_BYTES)
    return;
  g_mutex_lock (&cache_lock);
  for (guint k = 0; k < cache_len; k++)
    if (cache[k].blob == blob)
      {
        /* Another thread made it meanwhile. */
        g_mutex_unlock (&cache_lock);
        return;
      }
  while (cache_len > 0 && (cache_len == CACHE_MAX_ENTRIES || cache_bytes + size > CACHE_MAX_BYTES))
    cache_drop (cache_len - 1);
  memmove (cache + 1, cache, cache_len * sizeof (CacheEntry));
  cache[0].blob = blob;
  cache[0].bytes = g_bytes_ref (bytes);
  cache_len++;
  cache_bytes += size;
  g_atomic_int_set (&blob->cached, 1);
  g_mutex_unlock (&cache_lock);
}

static void
cache_remove (MpyBlob *blob)
{
  g_mutex_lock (&cache_lock);
  for (guint k = 0; k < cache_len; k++)
    if (cache[k].blob == blob)
      {
        cache_drop (k);
        break;
      }
  g_mutex_unlock (&cache_lock);
}

void
_mpy_blob_cache_get_usage (guint *n_entries,
                           gsize *n_bytes,
                           gsize *max_bytes)
{
  g_mutex_lock (&cache_lock);
  if (n_entries != NULL)
    *n_entries = cache_len;
  if (n_bytes != NULL)
    *n_bytes = cache_bytes;
  g_mutex_unlock (&cache_lock);
  if (max_bytes != NULL)
    *max_bytes = CACHE_MAX_BYTES;
}

MpyBlob *
_mpy_blob_new_whole (GBytes *content)
{
  MpyBlob *blob = g_new0 (MpyBlob, 1);

  g_atomic_ref_count_init (&blob->ref);
  blob->whole = content;
  blob->length = g_bytes_get_size (content);
  blob->cost = blob->length;
  return blob;
}

MpyBlob *
_mpy_blob_ref (MpyBlob *blob)
{
  g_atomic_ref_count_inc (&blob->ref);
  return blob;
}

void
_mpy_blob_unref (MpyBlob *blob)
{
  /* Down the chain without recursion: a chain may be MAX_DEPTH long. */
  while (blob != NULL && g_atomic_ref_count_dec (&blob->ref))
    {
      MpyBlob *base = blob->base;

      /* Nobody else holds @blob, so nobody can put it in the cache now. */
      if (g_atomic_int_get (&blob->cached))
        cache_remove (blob);
      g_clear_pointer (&blob->whole, g_bytes_unref);
      g_free (blob);
      blob = base;
    }
}

gsize
_mpy_blob_get_length (MpyBlob *blob)
{
  return blob->length;
}

gboolean
_mpy_blob_is_whole (MpyBlob *blob)
{
  return blob->whole != NULL;
}

const guint8 *
_mpy_blob_peek (MpyBlob *blob)
{
  return blob->whole != NULL ? g_bytes_get_data (blob->whole, NULL) : NULL;
}

gsize
_mpy_blob_get_stored_size (MpyBlob *blob)
{
  return blob->whole != NULL ? blob->length : blob->n_ops;
}

guint
_mpy_blob_get_depth (MpyBlob *blob)
{
  return blob->depth;
}

/* Replaying */

static gsize
get_varint (const guint8 **p,
            const guint8  *end)
{
  gsize v = 0;
  guint shift = 0;

  for (;;)
    {
      guint8 b;

      g_assert (*p < end && shift < 64);
      b = *(*p)++;
      v |= (gsize) (b & 0x7f) << shift;
      if ((b & 0x80) == 0)
        return v;
      shift += 7;
    }
}

/* Writes @delta's bytes into @out (delta->length bytes) from its base's @base. */
static void
apply_delta (const MpyBlob *delta,
             const guint8  *base,
             gsize          base_length,
             guint8        *out)
{
  const guint8 *p = delta->ops, *end = delta->ops + delta->n_ops;
  gsize bi = 0, oi = 0;

  while (p < end)
    {
      gsize copy = get_varint (&p, end);
      gsize skip = get_varint (&p, end);
      gsize insert = get_varint (&p, end);

      g_assert (copy + skip <= base_length - bi && copy + insert <= delta->length - oi);
      g_assert (insert <= (gsize) (end - p));
      memcpy (out + oi, base + bi, copy);
      oi += copy;
      bi += copy + skip;
      memcpy (out + oi, p, insert);
      oi += insert;
      p += insert;
    }
  g_assert (delta->length - oi == base_length - bi);
  memcpy (out + oi, base + bi, base_length - bi);
}

/* An in-place delta over its base's bytes, already in @buf. */
static void
patch_in_place (const MpyBlob *delta,
                guint8        *buf)
{
  const guint8 *p = delta->ops, *end = delta->ops + delta->n_ops;
  gsize pos = 0;

  while (p < end)
    {
      gsize copy = get_varint (&p, end);
      gsize skip = get_varint (&p, end);
      gsize insert = get_varint (&p, end);

      g_assert (skip == insert && copy + insert <= delta->length - pos);
      pos += copy;
      memcpy (buf + pos, p, insert);
      pos += insert;
      p += insert;
    }
}

/**
 * _mpy_blob_ref_bytes:
 * @blob: a blob
 *
 * Returns: (transfer full): the bytes of @blob; a NUL follows them (not counted).
 */
GBytes *
_mpy_blob_ref_bytes (MpyBlob *blob)
{
  MpyBlob *path[MAX_DEPTH + 1];
  guint n = 0;
  GBytes *start = NULL, *result;
  const guint8 *src;
  gsize src_length;
  guint8 *buf = NULL;

  if (blob->whole != NULL)
    return g_bytes_ref (blob->whole);

  /* Down the chain to a whole or cached blob; then its deltas are replayed upwards. */
  g_mutex_lock (&cache_lock);
  for (MpyBlob *b = blob; start == NULL; b = b->base)
    {
      if (b->whole != NULL)
        start = g_bytes_ref (b->whole);
      else if ((start = cache_find (b)) == NULL)
        {
          g_assert (n < G_N_ELEMENTS (path));
          path[n++] = b;
        }
    }
  g_mutex_unlock (&cache_lock);
  if (n == 0)
    return start;

  src = g_bytes_get_data (start, &src_length);
  for (guint k = n; k-- > 0;)
    {
      const MpyBlob *d = path[k];
      guint8 *out;

      if (buf != NULL && d->in_place)
        {
          patch_in_place (d, buf);
          continue;
        }
      out = g_malloc (d->length + 1);
      apply_delta (d, src, src_length, out);
      out[d->length] = '\0';
      g_free (buf);
      src = buf = out;
      src_length = d->length;
    }
  g_bytes_unref (start);
  result = g_bytes_new_take (buf, blob->length);
  cache_put (blob, result);
  return result;
}

/* Writing deltas */

typedef struct {
  GByteArray *ops;
  gsize       limit;       /* a larger delta is not worth it: the blob is stored whole */
  gsize       copy_from;   /* the base position where the copy before the next edit starts */
  gboolean    in_place;
} OpWriter;

static void
put_varint (GByteArray *a,
            gsize       v)
{
  guint8 b[10];
  guint n = 0;

  do
    {
      b[n] = v & 0x7f;
      v >>= 7;
      if (v != 0)
        b[n] |= 0x80;
      n++;
    }
  while (v != 0);
  g_byte_array_append (a, b, n);
}

/* Base bytes from the last edit up to @at are kept, then @skip base bytes are replaced by
 * the @n bytes at @insert. FALSE once the delta is over its limit. */
static gboolean
emit (OpWriter     *w,
      gsize         at,
      gsize         skip,
      const guint8 *insert,
      gsize         n)
{
  g_assert (at >= w->copy_from);
  put_varint (w->ops, at - w->copy_from);
  put_varint (w->ops, skip);
  put_varint (w->ops, n);
  g_byte_array_append (w->ops, insert, n);
  w->copy_from = at + skip;
  if (skip != n)
    w->in_place = FALSE;
  return w->ops->len <= w->limit;
}

/* How many bytes @a and @b have in common at their start (at most @n). */
static gsize
common_prefix (const guint8 *a,
               const guint8 *b,
               gsize         n)
{
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      guint64 x, y;

      memcpy (&x, a + i, 8);
      memcpy (&y, b + i, 8);
      if (x != y)
        {
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
          return i + (gsize) __builtin_ctzll (x ^ y) / 8;
#else
          return i + (gsize) __builtin_clzll (x ^ y) / 8;
#endif
        }
    }
  while (i < n && a[i] == b[i])
    i++;
  return i;
}

/* Maps of the same length: runs of changed blocks are replaced in place. */
static gboolean
diff_blocks (OpWriter     *w,
             const guint8 *a,
             const guint8 *b,
             gsize         n)
{
  gsize i = 0;

  for (;;)
    {
      gsize end;

      i += common_prefix (a + i, b + i, n - i);
      if (i == n)
        return TRUE;
      end = i + 1;
      for (gsize j = i + 1; j < n && j - end < MERGE_GAP; j++)
        if (a[j] != b[j])
          end = j + 1;
      if (!emit (w, i, end - i, b + i, end - i))
        return FALSE;
      i = end;
    }
}

static inline gsize
line_end (const guint8 *s,
          gsize         from,
          gsize         n)
{
  const guint8 *nl = from < n ? memchr (s + from, '\n', n - from) : NULL;

  return nl != NULL ? (gsize) (nl - s) + 1 : n;
}

static gboolean
lines_equal (const guint8 *a,
             gsize         na,
             gsize         x,
             const guint8 *b,
             gsize         nb,
             gsize         y)
{
  gsize ea = line_end (a, x, na), eb = line_end (b, y, nb);

  return ea - x == eb - y && memcmp (a + x, b + y, ea - x) == 0;
}

/* After a line that differs at base line @la / new line @lb: the nearest place within
 * RESYNC_LINES lines where a line was inserted into the new text (*ia = @la) or dropped
 * from the base (*jb = @lb) and the two agree again. */
static gboolean
resync (const guint8 *a,
        gsize         na,
        const guint8 *b,
        gsize         nb,
        gsize         la,
        gsize         lb,
        gsize        *ia,
        gsize        *jb)
{
  gsize pa = la, pb = lb;

  for (guint d = 1; d <= RESYNC_LINES && (pa < na || pb < nb); d++)
    {
      pa = line_end (a, pa, na);
      pb = line_end (b, pb, nb);
      if (pb < nb && la < na && lines_equal (a, na, la, b, nb, pb))
        {
          *ia = la;
          *jb = pb;
          return TRUE;
        }
      if (pa < na && lb < nb && lines_equal (a, na, pa, b, nb, lb))
        {
          *ia = pa;
          *jb = lb;
          return TRUE;
        }
    }
  return FALSE;
}

/* Text: equal stretches are found a machine word at a time; a changed line keeps its
 * common start and end; a line of another length, or the second changed line in a row,
 * may be a line inserted or dropped, after which the lines are compared shifted. */
static gboolean
diff_text (OpWriter     *w,
           const guint8 *a,
           gsize         na,
           const guint8 *b,
           gsize         nb)
{
  gsize i = 0, j = 0;                   /* equal so far: a[..i) and b[..j) */
  gsize last_edit_end = G_MAXSIZE;      /* where the base line of the last edit ended */

  for (;;)
    {
      gsize n = common_prefix (a + i, b + j, MIN (na - i, nb - j));
      gsize back = 0, la, lb, ea, eb, suffix = 0, ia, jb;

      i += n;
      j += n;
      if (i == na || j == nb)
        break;

      /* Back to the start of the line, within what is equal since the last edit. */
      while (back < i - w->copy_from && b[j - back - 1] != '\n')
        back++;
      la = i - back;
      lb = j - back;
      ea = line_end (a, i, na);
      eb = line_end (b, j, nb);
      if ((ea - la != eb - lb || la == last_edit_end) && resync (a, na, b, nb, la, lb, &ia, &jb))
        {
          if (!emit (w, la, ia - la, b + lb, jb - lb))
            return FALSE;
          i = ia;
          j = jb;
          last_edit_end = G_MAXSIZE;
          continue;
        }

      /* The same line, changed: its common end is kept too. */
      while (suffix < ea - i && suffix < eb - j && a[ea - 1 - suffix] == b[eb - 1 - suffix])
        suffix++;
      if (!emit (w, i, ea - suffix - i, b + j, eb - suffix - j))
        return FALSE;
      i = ea - suffix;
      j = eb - suffix;
      last_edit_end = ea;
    }
  if (i < na || j < nb)
    return emit (w, i, na - i, b + j, nb - j);
  return TRUE;
}

/* A delta from @base (whose bytes are @base_bytes) to @content, or NULL when it would not
 * pay: too large, or the chain would cost too much to replay. */
static MpyBlob *
delta_new (MpyBlob     *base,
           GBytes      *base_bytes,
           GBytes      *content,
           MpyBlobKind  kind)
{
  gsize na, nb;
  const guint8 *a = g_bytes_get_data (base_bytes, &na);
  const guint8 *b = g_bytes_get_data (content, &nb);
  OpWriter w = { 0 };
  gboolean ok;
  MpyBlob *blob;
  gsize cost;

  g_assert (na == base->length);
  if (nb < MIN_DELTA_LENGTH || base->depth >= MAX_DEPTH || (kind == MPY_BLOB_BLOCKS && na != nb))
    return NULL;

  w.ops = g_byte_array_sized_new (256);
  w.limit = nb / 4;
  w.in_place = TRUE;
  if (kind == MPY_BLOB_BLOCKS)
    ok = diff_blocks (&w, a, b, nb);
  else
    ok = diff_text (&w, a, na, b, nb);
  cost = base->cost + (w.in_place ? w.ops->len : nb);
  if (!ok || cost > MAX_REPLAY_COST)
    {
      g_byte_array_unref (w.ops);
      return NULL;
    }

  blob = g_malloc0 (sizeof (MpyBlob) + w.ops->len);
  g_atomic_ref_count_init (&blob->ref);
  blob->base = _mpy_blob_ref (base);
  blob->length = nb;
  blob->cost = cost;
  blob->depth = base->depth + 1;
  blob->in_place = w.in_place;
  blob->n_ops = w.ops->len;
  memcpy (blob->ops, w.ops->data, w.ops->len);
  g_byte_array_unref (w.ops);
  return blob;
}

MpyBlob *
_mpy_blob_chain_append (MpyBlobChain *chain,
                        GBytes       *content,
                        MpyBlobKind   kind)
{
  MpyBlob *blob = NULL;

  g_return_val_if_fail (content != NULL, NULL);

  if (chain->last != NULL && g_bytes_equal (content, chain->content))
    {
      g_bytes_unref (content);
      return _mpy_blob_ref (chain->last);
    }
  if (chain->last != NULL)
    blob = delta_new (chain->last, chain->content, content, kind);
  if (blob != NULL)
    cache_put (blob, content);   /* the next delta of a session record starts from it */
  else
    blob = _mpy_blob_new_whole (g_bytes_ref (content));

  _mpy_blob_chain_clear (chain);
  chain->last = _mpy_blob_ref (blob);
  chain->content = content;
  return blob;
}

void
_mpy_blob_chain_clear (MpyBlobChain *chain)
{
  g_clear_pointer (&chain->last, _mpy_blob_unref);
  g_clear_pointer (&chain->content, g_bytes_unref);
}
