/*
 * A map from strings to indexes (open addressing, linear probing, FNV-1a),
 * for the places that look a name up once per row: asset ids of an
 * inventory, sites, the matcher's cache of texts already matched.
 *
 *     rw_hmap ids = RW_HMAP_INIT;
 *     const rw_hmap_entry *e = rw_hmap_find(&ids, id);
 *     if (e == NULL && (rc = rw_hmap_put(&ids, id, i)) < 0)
 *             ...RW_ENOMEM...
 *     rw_hmap_release(&ids);
 *
 * The map owns copies of its keys. An entry pointer is valid until the next put.
 */
#ifndef REGWATCH_HMAP_H
#define REGWATCH_HMAP_H

#include <stddef.h>

typedef struct rw_hmap_entry {
	char *key;   /* owned; NULL for an empty slot */
	size_t value;
	size_t hash; /* of key: compared before the key, and kept when the map grows */
} rw_hmap_entry;

typedef struct rw_hmap {
	rw_hmap_entry *v;
	size_t cap;  /* slots: a power of two, or 0 */
	size_t n;    /* keys */
} rw_hmap;

#define RW_HMAP_INIT {NULL, 0, 0}

void rw_hmap_init(rw_hmap *h);
/* Frees the keys and the slots; the map is empty and reusable afterwards. */
void rw_hmap_release(rw_hmap *h);

/* The entry of key, or NULL when the map does not hold it. */
const rw_hmap_entry *rw_hmap_find(const rw_hmap *h, const char *key);

/* Maps key (copied) to value, replacing the value of a key already held.
   0, or RW_ENOMEM when memory runs out (the map is then unchanged). */
int rw_hmap_put(rw_hmap *h, const char *key, size_t value);

#endif
