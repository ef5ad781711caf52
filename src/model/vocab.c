/* The shared vocabulary: releasing and finding dictionary and regime entries, status words, formats. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/model.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Most severe first: the rank is the index. */
static const char *const status_words[] = {
	"prohibited", "restricted", "listed", "under-review", "announced"
};

/* The formats the parser registry (parse/parse.c) serves. */
static const char *const formats[] = {"html-table", "rss", "atom", "xml", "csv"};

static const rw_vendor *find_vendor(const rw_vendor *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

static void vendor_release(rw_vendor *v)
{
	free(v->id);
	free(v->name);
	free(v->parent);
	rw_strvec_release(&v->names);
	rw_strvec_release(&v->aliases);
	rw_strvec_release(&v->brands);
	rw_strvec_release(&v->affiliates);
	rw_strvec_release(&v->chipsets);
	rw_strvec_release(&v->models);
	rw_strvec_release(&v->claimed_brands);
	rw_strvec_release(&v->claimed_chipsets);
	rw_strvec_release(&v->claimed_models);
}

static void link_release(rw_link *l)
{
	free(l->id);
	free(l->vendor);
	rw_strvec_release(&l->names);
	free(l->kind);
	free(l->since);
	free(l->until);
	free(l->confidence);
	free(l->evidence);
	free(l->note);
}

void rw_dict_release(rw_dict *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		vendor_release(&d->vendors[i]);
	for (i = 0; i < d->nlinks; i++)
		link_release(&d->links[i]);
	free(d->vendors);
	free(d->links);
	free(d->path);
	memset(d, 0, sizeof(*d));
}

const rw_vendor *rw_dict_find(const rw_dict *d, const char *id)
{
	return find_vendor(d->vendors, d->n, id);
}

void rw_regimes_release(rw_regimes *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nregimes; i++) {
		rw_regime *g = &r->regimes[i];

		free(g->id);
		free(g->jurisdiction);
		free(g->title);
		free(g->instrument);
		free(g->evidence);
	}
	for (i = 0; i < r->nevents; i++) {
		rw_event_release(&r->events[i]);
	}
	free(r->regimes);
	free(r->events);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

const rw_regime *rw_regimes_find(const rw_regimes *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nregimes; i++)
		if (strcmp(r->regimes[i].id, id) == 0)
			return &r->regimes[i];
	return NULL;
}

int rw_status_rank(const char *status)
{
	size_t i;

	if (status == NULL)
		return -1;
	for (i = 0; i < NELEM(status_words); i++)
		if (strcmp(status, status_words[i]) == 0)
			return (int)i;
	return -1;
}

const char *rw_status_word(int rank)
{
	if (rank < 0 || (size_t)rank >= NELEM(status_words))
		return NULL;
	return status_words[rank];
}

int rw_format_known(const char *format)
{
	size_t i;

	if (format == NULL)
		return 0;
	for (i = 0; i < NELEM(formats); i++)
		if (strcmp(formats[i], format) == 0)
			return 1;
	return 0;
}
