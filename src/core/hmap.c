/* The string-to-index hash map: open addressing with linear probing, at most half full. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/core.h"
#include "regwatch/hmap.h"

#define HMAP_FIRST_CAP 256

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return (size_t)h;
}

/* The slot of key (whose hash is h), or the empty slot where it would go. cap must be non-zero. */
static size_t slot_of(const rw_hmap_entry *v, size_t cap, const char *key, size_t h)
{
	size_t i;

	for (i = h & (cap - 1); v[i].key && (v[i].hash != h || strcmp(v[i].key, key) != 0); i = (i + 1) & (cap - 1))
		;
	return i;
}

void rw_hmap_init(rw_hmap *h)
{
	memset(h, 0, sizeof(*h));
}

void rw_hmap_release(rw_hmap *h)
{
	size_t i;

	for (i = 0; i < h->cap; i++)
		free(h->v[i].key);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

const rw_hmap_entry *rw_hmap_find(const rw_hmap *h, const char *key)
{
	size_t i;

	if (h->cap == 0)
		return NULL;
	i = slot_of(h->v, h->cap, key, hash_str(key));
	return h->v[i].key ? &h->v[i] : NULL;
}

static int grow(rw_hmap *h)
{
	size_t cap = h->cap ? h->cap * 2 : HMAP_FIRST_CAP, i;
	rw_hmap_entry *v;

	if (h->cap > SIZE_MAX / 2 / sizeof(*v))
		return RW_ENOMEM;
	v = calloc(cap, sizeof(*v));
	if (v == NULL)
		return RW_ENOMEM;
	/* Keys are distinct: each goes to the first empty slot from its hash. */
	for (i = 0; i < h->cap; i++) {
		size_t k;

		if (h->v[i].key == NULL)
			continue;
		for (k = h->v[i].hash & (cap - 1); v[k].key; k = (k + 1) & (cap - 1))
			;
		v[k] = h->v[i];
	}
	free(h->v);
	h->v = v;
	h->cap = cap;
	return 0;
}

int rw_hmap_put(rw_hmap *h, const char *key, size_t value)
{
	size_t i, hash = hash_str(key);
	char *copy;

	if (h->cap) {
		i = slot_of(h->v, h->cap, key, hash);
		if (h->v[i].key) {
			h->v[i].value = value;
			return 0;
		}
	}
	copy = rw_strdup(key);
	if (copy == NULL)
		return RW_ENOMEM;
	if ((h->n + 1) * 2 > h->cap && grow(h) < 0) {
		free(copy);
		return RW_ENOMEM;
	}
	i = slot_of(h->v, h->cap, key, hash);
	h->v[i].key = copy;
	h->v[i].value = value;
	h->v[i].hash = hash;
	h->n++;
	return 0;
}
