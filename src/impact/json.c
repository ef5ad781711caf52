/* Assets as JSON (SPEC.md "check --json"): an asset with its matches and statuses, and the
   whole check document. */
#include "regwatch/inventory.h"

void rw_asset_json_reached(rw_json *j, const rw_asset_reach *ar, const rw_reached *s)
{
	const rw_asset_match *m = &ar->matches.v[s->match];
	char *const *f = s->status->f;

	rw_json_object(j, NULL);
	rw_json_str(j, "regime", f[RW_Q_REGIME]);
	rw_json_str(j, "jurisdiction", f[RW_Q_JURISDICTION]);
	rw_json_str(j, "status", f[RW_Q_STATUS]);
	rw_json_str_or_null(j, "since", f[RW_Q_SINCE]);
	rw_json_str_or_null(j, "until", f[RW_Q_UNTIL]);
	rw_json_str_or_null(j, "via", f[RW_Q_VIA]);
	rw_json_str(j, "source", f[RW_Q_SOURCE]);
	rw_json_str_or_null(j, "evidence", f[RW_Q_EVIDENCE]);
	rw_json_str(j, "recorded_at", f[RW_Q_RECORDED_AT]);
	rw_json_str(j, "vendor", m->vendor);
	rw_json_str(j, "matched_by", rw_match_by_name(m->by));
	rw_json_raw(j, "possible", m->possible ? "true" : "false");
	if (s->conditional)
		rw_json_str(j, "condition", "applies if used for " RW_LIMITED_USES);
	else if (s->excluded)
		rw_json_str(j, "condition", "applies only if used for " RW_LIMITED_USES);
	else
		rw_json_null(j, "condition");
	rw_json_end(j);
}

void rw_asset_json_fields(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar)
{
	const rw_asset_match *first = ar->matches.n ? &ar->matches.v[0] : NULL;
	size_t i;

	rw_json_str(j, "asset_id", a->asset_id);
	rw_json_str_or_null(j, "site", a->site);
	rw_json_str_or_null(j, "manufacturer", a->manufacturer);
	rw_json_str_or_null(j, "brand", a->brand);
	rw_json_str_or_null(j, "model", a->model);
	rw_json_str_or_null(j, "chipset", a->chipset);
	rw_json_int(j, "quantity", a->quantity);
	rw_json_str_or_null(j, "installed", a->installed);
	rw_json_str_or_null(j, "purpose", a->purpose);
	rw_json_str_or_null(j, "notes", a->notes);
	rw_json_int(j, "line", a->line);
	rw_json_str(j, "vendor", first ? first->vendor : NULL);
	rw_json_str(j, "matched_by", first ? rw_match_by_name(first->by) : NULL);
	rw_json_raw(j, "possible", rw_asset_reach_possible_only(ar) ? "true" : "false");
	rw_json_array(j, "matches");
	for (i = 0; i < ar->matches.n; i++) {
		const rw_asset_match *m = &ar->matches.v[i];

		rw_json_object(j, NULL);
		rw_json_str(j, "vendor", m->vendor);
		rw_json_str(j, "matched_by", rw_match_by_name(m->by));
		rw_json_str(j, "column", m->column);
		rw_json_str(j, "name", m->name);
		rw_json_str(j, "confidence", m->possible ? "possible" : "certain");
		rw_json_str(j, "evidence", m->evidence);
		rw_json_str(j, "note", m->note);
		rw_json_end(j);
	}
	rw_json_end(j);
	rw_json_array(j, "statuses");
	for (i = 0; i < ar->n; i++)
		if (!ar->v[i].excluded)
			rw_asset_json_reached(j, ar, &ar->v[i]);
	rw_json_end(j);
	rw_json_array(j, "not_applicable");
	for (i = 0; i < ar->n; i++)
		if (ar->v[i].excluded)
			rw_asset_json_reached(j, ar, &ar->v[i]);
	rw_json_end(j);
	rw_json_object(j, "extra");
	for (i = 0; inv && i < inv->extra_names.n && i < a->extra.n; i++)
		rw_json_str(j, inv->extra_names.v[i], a->extra.v[i]);
	rw_json_end(j);
}

void rw_asset_json(rw_json *j, const rw_inventory *inv, const rw_asset *a, const rw_asset_reach *ar)
{
	rw_json_object(j, NULL);
	rw_asset_json_fields(j, inv, a, ar);
	rw_json_end(j);
}

void rw_asset_json_check(rw_json *j, const char *inventory, const rw_inventory *inv, const rw_check *chk)
{
	size_t i;

	rw_json_object(j, NULL);
	rw_json_str(j, "on", chk->on);
	rw_json_str(j, "inventory", inventory);
	rw_json_array(j, "assets");
	for (i = 0; i < chk->n; i++)
		rw_asset_json(j, inv, &inv->v[chk->v[i].asset], &chk->v[i].reach);
	rw_json_end(j);
	rw_json_object(j, "summary");
	rw_json_int(j, "assets", (long)chk->assets);
	rw_json_int(j, "affected", (long)chk->affected);
	rw_json_int(j, "units_affected", chk->units_affected);
	rw_json_int(j, "units", chk->units);
	rw_json_int(j, "possibly_affected", (long)chk->possible);
	rw_json_int(j, "skipped_rows", (long)inv->skipped);
	rw_json_array(j, "by_site");
	for (i = 0; i < chk->nsites; i++) {
		const rw_check_site *s = &chk->sites[i];

		rw_json_object(j, NULL);
		rw_json_str_or_null(j, "site", s->site);
		rw_json_int(j, "assets", (long)s->assets);
		rw_json_int(j, "affected", (long)s->affected);
		rw_json_int(j, "units", s->units);
		rw_json_int(j, "units_affected", s->units_affected);
		rw_json_end(j);
	}
	rw_json_end(j);
	rw_json_end(j);
	rw_json_array(j, "problems");
	for (i = 0; i < inv->problems.n; i++)
		rw_json_str(j, NULL, inv->problems.v[i]);
	rw_json_end(j);
	rw_json_end(j);
}
