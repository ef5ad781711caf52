/* The record's own types: events, changes and asset hits, and how they are freed and grown. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/model.h"

void rw_event_release(rw_event *e)
{
	free(e->id);
	free(e->vendor);
	free(e->entity);
	free(e->regime);
	free(e->provision);
	free(e->status);
	free(e->since);
	free(e->until);
	free(e->citation);
	free(e->evidence);
	free(e->confidence);
	free(e->evidence_kind);
	free(e->source);
	free(e->note);
	memset(e, 0, sizeof(*e));
}

void rw_change_release(rw_change *c)
{
	free(c->recorded_at);
	free(c->kind);
	rw_event_release(&c->event);
	free(c->from);
	free(c->to);
	free(c->effective);
	free(c->from_since);
	free(c->from_until);
	free(c->title);
	free(c->vendor_name);
	free(c->regime_title);
	free(c->jurisdiction);
	memset(c, 0, sizeof(*c));
}

void rw_changes_release(rw_changes *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		rw_change_release(&cs->v[i]);
	free(cs->v);
	memset(cs, 0, sizeof(*cs));
}

rw_change *rw_changes_push(rw_changes *cs)
{
	if (rw_array_grow((void **)&cs->v, &cs->cap, cs->n + 1, sizeof(*cs->v)) < 0)
		return NULL;
	memset(&cs->v[cs->n], 0, sizeof(cs->v[0]));
	return &cs->v[cs->n++];
}

int rw_change_is_status(const rw_change *c)
{
	const char *k = c->kind;

	return c->event.vendor[0] && (strcmp(k, "added") == 0 || strcmp(k, "ended") == 0 ||
				      strcmp(k, "changed") == 0 || strcmp(k, "removed") == 0);
}

static void hit_release(rw_asset_hit *h)
{
	free(h->site);
	free(h->asset);
	free(h->manufacturer);
	free(h->model);
	free(h->vendor);
	free(h->matched_by);
}

void rw_asset_hits_release(rw_asset_hits *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		hit_release(&h->v[i]);
	free(h->v);
	memset(h, 0, sizeof(*h));
}

static char *dup_or_empty(const char *s)
{
	return rw_strdup(s ? s : "");
}

int rw_asset_hits_add(rw_asset_hits *h, const char *site, const char *asset, const char *manufacturer,
		      const char *model, long quantity, const char *vendor, const char *matched_by, int possible)
{
	rw_asset_hit *d;

	if (rw_array_grow((void **)&h->v, &h->cap, h->n + 1, sizeof(*h->v)) < 0)
		return RW_ENOMEM;
	d = &h->v[h->n];
	memset(d, 0, sizeof(*d));
	d->site = dup_or_empty(site);
	d->asset = dup_or_empty(asset);
	d->manufacturer = dup_or_empty(manufacturer);
	d->model = dup_or_empty(model);
	d->vendor = dup_or_empty(vendor);
	d->matched_by = dup_or_empty(matched_by);
	d->quantity = quantity;
	d->possible = possible != 0;
	if (!d->site || !d->asset || !d->manufacturer || !d->model || !d->vendor || !d->matched_by) {
		hit_release(d);
		return RW_ENOMEM;
	}
	h->n++;
	return 0;
}

static int hit_cmp(const void *pa, const void *pb)
{
	const rw_asset_hit *a = pa, *b = pb;
	int c = strcmp(a->site, b->site);

	return c ? c : strcmp(a->asset, b->asset);
}

void rw_asset_hits_sort(rw_asset_hits *h)
{
	if (h->n > 1)
		qsort(h->v, h->n, sizeof(*h->v), hit_cmp);
}
