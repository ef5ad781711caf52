/* An affected asset as the one row every output shows: terminal tables, reports, member messages. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regwatch/impact.h"

/* The word of a rank rw_status_rank gives, "" for none. */
static const char *rank_word(int rank)
{
	const char *w = rw_status_word(rank);

	return w ? w : "";
}

void rw_asset_row_release(rw_asset_row *h)
{
	free(h->maker_brand);
	free(h->statuses);
	free(h->note);
	memset(h, 0, sizeof(*h));
}

int rw_asset_row_init(rw_ctx *ctx, rw_asset_row *h, const rw_asset *a, const rw_asset_reach *ar, size_t match)
{
	const rw_asset_match *m;
	rw_buf statuses = RW_BUF_INIT, note = RW_BUF_INIT;
	int rc;

	memset(h, 0, sizeof(*h));
	if (match >= ar->matches.n)
		return rw_error(ctx, RW_ENOTFOUND, "asset '%s': no match %zu (it has %zu)", a->asset_id, match,
				ar->matches.n);
	m = &ar->matches.v[match];
	h->site = a->site;
	h->asset_id = a->asset_id;
	h->maker = a->manufacturer[0] ? a->manufacturer : a->brand;
	h->model = a->model;
	h->quantity = a->quantity;
	snprintf(h->quantity_text, sizeof(h->quantity_text), "%ld", a->quantity);
	h->vendor = m->vendor;
	h->matched_by = rw_match_by_name(m->by);
	h->possible = m->possible;
	h->possible_only = rw_asset_reach_possible_only(ar);
	/* An asset reached only through possible matches shows its worst possible status. */
	h->worst = rw_asset_reach_worst(ar, !h->possible_only);
	h->maker_brand = rw_asprintf("%s%s%s", a->manufacturer, a->manufacturer[0] && a->brand[0] ? " / " : "",
				     a->brand);
	snprintf(h->matched_by_text, sizeof(h->matched_by_text), "%s%s", h->matched_by,
		 m->possible ? " (possible)" : "");
	snprintf(h->worst_text, sizeof(h->worst_text), "%s%s", h->possible_only && h->worst >= 0 ? "possibly " : "",
		 rank_word(h->worst));
	rc = rw_reach_summary(ar, &statuses);
	if (rc == 0 && m->note)
		rc = rw_buf_puts(&note, m->note);
	if (rc == 0 && h->possible_only)
		rc = rw_buf_printf(&note, "%spossible: the link is only claimed", note.len ? "; " : "");
	if (rc == 0) {
		h->statuses = rw_buf_detach(&statuses, NULL);
		h->note = rw_buf_detach(&note, NULL);
	}
	rw_buf_release(&statuses);
	rw_buf_release(&note);
	if (rc == 0 && (h->maker_brand == NULL || h->statuses == NULL || h->note == NULL))
		rc = RW_ENOMEM;
	if (rc < 0) {
		rw_asset_row_release(h);
		return rw_error(ctx, RW_ENOMEM, "out of memory");
	}
	return 0;
}
