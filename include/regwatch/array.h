/*
 * The one growth rule for arrays: double the capacity (first 16), with every
 * multiplication checked, so no count from a document can wrap a size.
 *
 *     if ((rc = rw_array_grow((void **)&v->items, &v->cap, v->n + 1, sizeof(*v->items))) < 0)
 *             return rc;
 */
#ifndef REGWATCH_ARRAY_H
#define REGWATCH_ARRAY_H

#include <stddef.h>

/* Makes room for at least `need` elements of `size` bytes in *items, whose capacity is
   *cap; new elements are zeroed. 0, RW_ENOMEM when memory runs out, or RW_ELIMIT when
   the size in bytes would overflow; on failure the array is unchanged. */
int rw_array_grow(void **items, size_t *cap, size_t need, size_t size);

#endif
