/* Checking a whole inventory: what reaches each asset on a day, with totals by site. */
#include <stdlib.h>
#include <string.h>

#include "regwatch/array.h"
#include "regwatch/hmap.h"
#include "regwatch/inventory.h"

int rw_check_run(rw_ctx *ctx, rw_reach *r, const rw_inventory *inv, const char *on, time_t known, rw_check *out)
{
	rw_hmap sites = RW_HMAP_INIT;
	size_t i, capv = 0, capsites = 0;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	snprintf(out->on, sizeof(out->on), "%s", on);
	for (i = 0; i < inv->n && rc == 0; i++) {
		const rw_asset *a = &inv->v[i];
		rw_asset_reach ar;
		const rw_hmap_entry *e;
		rw_check_site *site;
		int affected, reached;

		rc = rw_reach_asset(ctx, r, a, on, known, &ar);
		if (rc < 0)
			break;
		affected = rw_asset_reach_count(&ar, 1) > 0;
		reached = rw_asset_reach_count(&ar, 0) > 0;
		out->assets++;
		out->units += a->quantity;
		e = rw_hmap_find(&sites, a->site);
		if (e == NULL) {
			if (rw_array_grow((void **)&out->sites, &capsites, out->nsites + 1, sizeof(*out->sites)) < 0 ||
			    rw_hmap_put(&sites, a->site, out->nsites) < 0) {
				rw_asset_reach_release(&ar);
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
				break;
			}
			memset(&out->sites[out->nsites], 0, sizeof(out->sites[0]));
			out->sites[out->nsites].site = rw_strdup(a->site);
			if (out->sites[out->nsites].site == NULL) {
				rw_asset_reach_release(&ar);
				rc = rw_error(ctx, RW_ENOMEM, "out of memory");
				break;
			}
			site = &out->sites[out->nsites++];
		} else {
			site = &out->sites[e->value];
		}
		site->assets++;
		site->units += a->quantity;
		if (affected) {
			out->affected++;
			out->units_affected += a->quantity;
			site->affected++;
			site->units_affected += a->quantity;
		} else if (reached) {
			out->possible++;
		}
		if (!reached) {
			rw_asset_reach_release(&ar);
			continue;
		}
		if (rw_array_grow((void **)&out->v, &capv, out->n + 1, sizeof(*out->v)) < 0) {
			rw_asset_reach_release(&ar);
			rc = rw_error(ctx, RW_ENOMEM, "out of memory");
			break;
		}
		out->v[out->n].asset = i;
		out->v[out->n++].reach = ar;
	}
	rw_hmap_release(&sites);
	if (rc < 0) {
		rw_check_release(out);
		return rc;
	}
	/* Sites in name order. */
	for (i = 1; i < out->nsites; i++) {
		rw_check_site s = out->sites[i];
		size_t j;

		for (j = i; j > 0 && strcmp(s.site, out->sites[j - 1].site) < 0; j--)
			out->sites[j] = out->sites[j - 1];
		out->sites[j] = s;
	}
	return 0;
}

void rw_check_release(rw_check *c)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		rw_asset_reach_release(&c->v[i].reach);
	for (i = 0; i < c->nsites; i++)
		free(c->sites[i].site);
	free(c->v);
	free(c->sites);
	memset(c, 0, sizeof(*c));
}

int rw_check_fails(const rw_check *c, int rank)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		int w = rw_asset_reach_worst(&c->v[i].reach, 1);

		if (w >= 0 && w <= rank)
			return 1;
	}
	return 0;
}

